// The executor's compiled instructions (World::Code) against the general
// resolution they stand in for: every lock reference's instance and every
// simple condition's value, in every frame an op or a callee can have.
#include <gtest/gtest.h>

#include "model/core/rng.h"
#include "model/exec/resolve.h"
#include "model/scheme/builtin.h"
#include "model/world/world.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

// Checks routine by routine, for every argument tuple over all entities
// (wider than any op's domain: callees get parents and fixed entities),
// on threads 0 and 2, with random flags.
// `*general`: how many lock instructions take the general resolution.
void ExpectCompiledAgrees(const World& w, int* general_out = nullptr) {
  const Scheme& s = w.scheme();
  Rng rng(7);
  std::vector<uint64_t> flags(w.inodes());
  const std::vector<uint8_t> frozen(w.supers(), 0);
  int affine = 0, general = 0, simple = 0;
  for (size_t r = 0; r < s.routines.size(); ++r) {
    const Routine& routine = s.routines[r];
    const CompiledInstr* code = w.Code(static_cast<int>(r));
    const int n = w.entities();
    const int tuples = routine.params.size() == 0   ? 1
                       : routine.params.size() == 1 ? n
                       : routine.params.size() == 2 ? n * n
                                                    : n * n * n;
    for (int tuple = 0; tuple < tuples; ++tuple) {
      Frame f;
      f.routine = static_cast<int16_t>(r);
      for (int p = 0, rest = tuple; p < kMaxParams; ++p, rest /= n) f.args[p] = static_cast<uint8_t>(rest % n);
      for (int thread : {0, 2}) {
        f.thread = static_cast<int8_t>(thread);
        for (size_t pc = 0; pc < routine.code.size(); ++pc) {
          const Instr& in = routine.code[pc];
          const CompiledInstr& c = code[pc];
          ASSERT_EQ(c.op, in.op);
          ASSERT_EQ(c.target, in.target);
          f.pc = static_cast<int32_t>(pc);
          const bool lock =
              in.op == Opc::kLock || in.op == Opc::kTrylock || in.op == Opc::kMightLock || in.op == Opc::kUnlock;
          const bool first_frame = tuple == 0 && thread == 0;  // count instructions once
          if (lock && (c.flags & kCiGeneralLock)) {
            general += first_frame;
          } else if (lock) {
            affine += first_frame;
            ASSERT_EQ(w.Affine(c, f.args), ResolveLock(w, f, in.lock)) << routine.name << " pc " << pc;
            ASSERT_EQ(c.subclass, in.lock.subclass);
            ASSERT_EQ((c.flags & kCiMap) != 0, s.families[in.lock.family].kind == LockKind::kMap);
          }
          if (in.op == Opc::kJumpIfNot && (c.flags & kCiSimpleCond)) {
            simple += first_frame;
            for (uint64_t& v : flags) v = rng.Next();
            const bool has = (flags[w.Affine(c, f.args)] >> c.small) & 1;
            ASSERT_EQ(has != ((c.flags & kCiCondLacks) != 0), EvalCond(w, flags, frozen, f, in.cond))
                << routine.name << " pc " << pc;
          }
        }
      }
    }
  }
  EXPECT_GT(affine, 0);
  EXPECT_GT(simple, 0);
  if (general_out) *general_out = general;
}

TEST(CompiledCode, AgreesWithResolveLockAndEvalCondOnEveryBuiltin) {
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    SCOPED_TRACE(b.name);
    ExpectCompiledAgrees(testing::Builtins().Load(b.name));
  }
}

// `per open` locks and first()/second() keep the general resolution, next
// to affine references (the built-ins have first()/second() only).
TEST(CompiledCode, AgreesWithPerOpenLocks) {
  auto o = testing::WorldFromText(R"(scheme per-open
world files=2 dirs=1 pipes=2
lock of_mutex mutex per open "&of->mutex"
op read_seq(file f):
  lock of_mutex(f)
  if f lacks copied_up:
    lock i_rwsem(parent(f))
    unlock i_rwsem(parent(f))
  end
  unlock of_mutex(f)
end
op tee(pipe a, pipe b):
  if a is not b:
    lock pipe_mutex(first(a, b))
    lock pipe_mutex(second(a, b))/1
  end
end
)");
  int general = 0;
  ExpectCompiledAgrees(*o.world, &general);
  EXPECT_EQ(general, 4);
}

}  // namespace
}  // namespace ovlfuzz
