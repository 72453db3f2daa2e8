// Language constructs of issue 12 in the model: repeat, might_lock and
// lockdep maps (semantics checked by exhaustive exploration, not by hand).
#include <gtest/gtest.h>

#include <set>

#include "model/core/input_error.h"
#include "model/exec/resolve.h"
#include "model/verify/explorer.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

using testing::WorldFromText;

std::set<std::string> VerifiedKinds(const World& w, int threads, int ops) {
  VerifyOptions o;
  o.threads = threads;
  o.ops = ops;
  o.all = true;
  VerifyResult r = Verify(w, o);
  EXPECT_TRUE(r.stats.complete);
  std::set<std::string> kinds;
  for (const VerifyFinding& f : r.findings) kinds.insert(FindingKindName(f.finding.kind));
  return kinds;
}

void ExpectError(const std::string& text, int line, int col, const std::string& part) {
  try {
    ParseScheme(text, "bad.scheme");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.col(), col) << e.what();
    EXPECT_NE(e.message().find(part), std::string::npos) << e.what();
  }
}

const char kRepeat[] = R"(scheme rep
world files=1 dirs=1 pipes=1
op copy(file f):
  repeat 3:
    lock sb_writers(upper) read      # ovl_copy_up_data(): per chunk
    trylock i_rwsem(upper(f)) else skip
    modify upper(f)
    unlock sb_writers(upper)
  end
  repeat 2:
    repeat 2:
      lock i_rwsem(root)
    end
  end
end
op other(file f):
  lock i_rwsem(upper(f))
end
)";

TEST(Language, RepeatUnrollsEachIterationAsABlock) {
  Scheme s = ParseScheme(kRepeat, "rep.scheme");
  const Routine& r = s.routines[s.FindOp("copy")];
  int locks = 0, trylocks = 0;
  for (const Instr& in : r.code) {
    locks += in.op == Opc::kLock;
    trylocks += in.op == Opc::kTrylock;
  }
  EXPECT_EQ(trylocks, 3);
  EXPECT_EQ(locks, 3 + 4);  // 3 x sb_writers, 2 x 2 nested
  // A failed trylock skips the rest of its own iteration: to the next
  // iteration's first instruction, which is a lock of the same line.
  int seen = 0;
  for (size_t i = 0; i < r.code.size(); ++i) {
    if (r.code[i].op != Opc::kTrylock) continue;
    const Instr& next = r.code[r.code[i].target];
    if (++seen < 3) {
      EXPECT_EQ(next.op, Opc::kLock);
      EXPECT_EQ(next.line, 5);
    }
    EXPECT_GT(r.code[i].target, static_cast<int>(i) + 1);
  }
  EXPECT_EQ(r.max_acquisitions, 10);
  ExpectError("scheme x\nop a():\n  repeat 17:\n  end\nend\n", 3, 10, "repeat count must be in 1..16");
  ExpectError("scheme x\nop a():\n  repeat 0:\n  end\nend\n", 3, 10, "repeat count must be in 1..16");
  ExpectError("scheme x\nop a():\n  repeat 2:\nend\n", 2, 4, "no matching 'end'");
}

const char kMightLock[] = R"(scheme reclaim
expect: lock-inversion
world files=1 dirs=1 pipes=1
lock fs_reclaim map per global "fs_reclaim"
op alloc(file f):
  lock i_rwsem(upper(f))             # ext4_file_write_iter(): inode_lock()
  might_lock fs_reclaim              # kmalloc(GFP_KERNEL): fs_reclaim_acquire/release
end
op reclaim(file f):
  lock fs_reclaim                    # kswapd: fs_reclaim_acquire()
  lock i_rwsem(upper(f))             # evict(): inode_lock()
end
)";

TEST(Language, MightLockMakesAnInversionAndNeverADeadlock) {
  testing::OwnedWorld w = WorldFromText(kMightLock);
  // Every schedule of up to 3 threads x 2 ops: the inversion, never a
  // deadlock (might_lock never blocks, a map never blocks anyone).
  EXPECT_EQ(VerifiedKinds(*w.world, 3, 2), std::set<std::string>{"lock-inversion"});
  // The same scheme with a real mutex instead of the map deadlocks.
  std::string mutex = kMightLock;
  mutex.replace(mutex.find("map per global"), 3, "mutex");
  mutex.replace(mutex.find("might_lock fs_reclaim"), 21, "lock fs_reclaim      ");
  testing::OwnedWorld m = WorldFromText(mutex);
  EXPECT_EQ(VerifiedKinds(*m.world, 2, 1), (std::set<std::string>{"deadlock", "lock-inversion"}));
}

TEST(Language, MapsAreHeldTogetherAndRefuseTrylock) {
  testing::OwnedWorld w = WorldFromText(
      "scheme maps\nworld files=1 dirs=1 pipes=1\nlock m map per global \"m_map\"\n"
      "op hold():\n  lock m\n  lock i_rwsem(upper(root))\nend\n");
  // Two threads hold the map at once and queue on the inode lock only.
  Program p = testing::ProgramFromText(*w.world, "thread\n  hold\nthread\n  hold\n");
  RunResult r = testing::RunWithSchedule(*w.world, p, {});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(VerifiedKinds(*w.world, 3, 2).empty());
  ExpectError("scheme x\nlock m map per global \"m\"\nop a():\n  trylock m else skip\nend\n", 4, 3,
              "lockdep map: it never blocks");
}

}  // namespace
}  // namespace ovlfuzz

namespace ovlfuzz {
namespace {

// kernfs's &of->mutex and seq_file's &p->lock, taken in both orders by two
// ops on one file. Per open file (per thread) they are distinct locks of
// the same classes: lockdep's inversion, never a deadlock. Per inode they
// are shared: a real deadlock.
const char kPerOpen[] = R"(scheme per-open
world files=1 dirs=1 pipes=1
lock of_mutex mutex per open "&of->mutex"
lock seq_lock mutex per open "&p->lock"
op read_seq(file f):
  lock seq_lock(f)                   # seq_read_iter(): mutex_lock(&m->lock)
  lock of_mutex(f)                   # kernfs_seq_start(): mutex_lock(&of->mutex)
end
op write_of(file f):
  lock of_mutex(f)                   # kernfs_fop_write_iter()
  lock seq_lock(f)
end
)";

TEST(Language, PerOpenLocksAreOneClassWithAnInstancePerThread) {
  testing::OwnedWorld w = WorldFromText(kPerOpen);
  EXPECT_EQ(VerifiedKinds(*w.world, 2, 1), std::set<std::string>{"lock-inversion"});
  std::string shared = kPerOpen;
  for (size_t p; (p = shared.find("per open")) != std::string::npos;) shared.replace(p, 8, "per inode");
  testing::OwnedWorld s = WorldFromText(shared);
  EXPECT_EQ(VerifiedKinds(*s.world, 2, 1), (std::set<std::string>{"deadlock", "lock-inversion"}));
  // Instances: one per (inode, thread), named by their thread.
  const World& world = *w.world;
  std::set<int> classes;
  std::set<std::string> names;
  for (int inst = 0; inst < world.instances(); ++inst) {
    if (world.scheme().families[world.InstanceFamily(inst)].name != "of_mutex") continue;
    classes.insert(world.ClassOf(inst, 0));
    names.insert(world.InstanceName(inst));
    EXPECT_EQ(world.ClassName(world.ClassOf(world.ThreadFreeInstance(inst), 0)), "&of->mutex");
  }
  EXPECT_EQ(classes.size(), 1u);
  EXPECT_TRUE(names.count("of_mutex(f0, open by T1)"));
}

}  // namespace
}  // namespace ovlfuzz

namespace ovlfuzz {
namespace {

TEST(Language, StackedOverlaysComposeReferences) {
  testing::OwnedWorld w = WorldFromText(testing::ReadSchemeFile("docs/examples/nested-overlay.scheme"));
  const Scheme& s = w.world->scheme();
  auto sb = [&](const std::string& name) {
    for (size_t i = 0; i < s.supers.size(); ++i)
      if (s.supers[i].name == name) return static_cast<int>(i);
    return -1;
  };
  EXPECT_EQ(s.supers[s.default_overlay].name, "ovl");  // the first overlay declared
  // The lock each statement of an op resolves to, with d = d0.
  auto instances = [&](const std::string& op) {
    std::vector<std::string> names;
    Frame f;
    f.routine = static_cast<int16_t>(s.FindOp(op));
    f.args[0] = static_cast<uint8_t>(w.world->ArgEntity(ParamType::kDir, 0));
    for (const Instr& in : s.routines[f.routine].code)
      if (in.op == Opc::kLock) names.push_back(w.world->InstanceName(ResolveLock(*w.world, f, in.lock)));
    return names;
  };
  EXPECT_EQ(instances("rmdir_top"),
            (std::vector<std::string>{"sb_writers(ovl, SB_FREEZE_WRITE)", "i_rwsem(root)", "i_rwsem(d0)", "sb_writers(upper, SB_FREEZE_WRITE)",
                                      "i_rwsem(lovl(d0))", "i_rwsem(upper(root))"}));
  EXPECT_EQ(instances("rmdir_lower"),
            (std::vector<std::string>{"sb_writers(lovl, SB_FREEZE_WRITE)", "i_rwsem(lovl(root))", "i_rwsem(lovl(d0))",
                                      "sb_writers(lupper, SB_FREEZE_WRITE)", "i_rwsem(lupper(root))"}));
  EXPECT_EQ(instances("chown_lower").back(), "i_rwsem(lupper(workdir))");  // the lower overlay's own workdir
  // Keys per stacking depth, one class for both tmpfs uppers.
  const int lovl_dir = w.world->Instance(0, w.world->Inode(sb("lovl"), w.world->files()), 0);
  const int ovl_dir = w.world->Instance(0, w.world->Inode(sb("ovl"), w.world->files()), 0);
  EXPECT_EQ(w.world->ClassName(w.world->ClassOf(lovl_dir, 0)), "&ovl_i_mutex_dir_key[depth]");
  EXPECT_EQ(w.world->ClassName(w.world->ClassOf(ovl_dir, 0)), "&ovl_i_mutex_dir_key[depth]#2");
  EXPECT_EQ(w.world->ClassOf(w.world->SbWriters(sb("upper"), 0), 0), w.world->ClassOf(w.world->SbWriters(sb("lupper"), 0), 0));
  EXPECT_EQ(VerifiedKinds(*w.world, 2, 1), std::set<std::string>{"lock-inversion"});
}

TEST(Language, LayerDeclarationErrors) {
  ExpectError("scheme x\nsuper o overlay class=10 upper=nosuch\nop a():\nend\n", 2, 32, "unknown superblock 'nosuch'");
  ExpectError("scheme x\nsuper t tmpfs class=4 upper=upper\nop a():\nend\n", 2, 23, "only an overlay names its upper layer");
  ExpectError("scheme x\nsuper o overlay class=10 upper=lower\nop a():\nend\n", 2, 32, "'lower' is readonly");
}

}  // namespace
}  // namespace ovlfuzz
