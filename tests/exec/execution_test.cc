// Semantics of the executor: percpu-rwsem freeze levels, pending writers,
// trylock, implicit thaw, unwinding, determinism.
#include "model/exec/execution.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

using testing::Kinds;
using testing::ProgramFromText;
using testing::RunWithSchedule;
using testing::WorldFromText;

const char kScheme[] = R"(scheme sem
op reader():
  lock sb_writers(upper) read
  lock sb_writers(upper) read
end
op read_once(dir d):
  lock sb_writers(upper) read
  setxattr upper(d) origin
end
op try_once(dir d):
  block:
    trylock sb_writers(upper) read else skip
    setxattr upper(d) origin
  end
end
op try_ignore(dir d):
  trylock sb_writers(upper) read else ignore
  setxattr upper(d) origin
end
op freeze():
  freeze upper
end
op thaw():
  thaw upper
end
op bad():
  unlock i_rwsem(root)
end
op self(dir d):
  lock i_rwsem(d)
  lock i_rwsem(d)
end
)";

TEST(Execution, NestedReadWithQueuedFreezerDeadlocks) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n reader\nthread\n freeze\n");
  // T0 takes the first read, T1 queues as writer, T0 re-reads: stuck.
  RunResult r = RunWithSchedule(*o.world, p, {0, 1, 0});
  ASSERT_EQ(Kinds(r), (std::set<std::string>{"deadlock", "recursive-locking"}));
  for (const Finding& f : r.findings) {
    if (f.kind != FindingKind::kDeadlock) continue;
    EXPECT_EQ(f.cycle.size(), 2u);
    EXPECT_TRUE(f.threads[0].blocked);
    EXPECT_TRUE(f.threads[0].wait_read);
    EXPECT_FALSE(f.threads[1].wait_read);
  }
}

TEST(Execution, NestedReadWithoutFreezerOnlyWarns) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n reader\n");
  RunResult r = RunWithSchedule(*o.world, p, {});
  EXPECT_EQ(Kinds(r), (std::set<std::string>{"recursive-locking"}));
}

TEST(Execution, FrozenSuperblockIsThawedWhenNobodyCanRun) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n freeze\nthread\n read_once d0\n");
  RunResult r = RunWithSchedule(*o.world, p, {0, 0, 0, 1});
  EXPECT_TRUE(r.findings.empty());
}

TEST(Execution, TrylockFailsWhileFrozenAndSkips) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n freeze\n try_once d0\n thaw\n");
  RunResult r = RunWithSchedule(*o.world, p, {});
  EXPECT_EQ(r.skipped_updates, 1);
  // The serial reference (freeze/thaw dropped) sets origin; the run did not.
  EXPECT_EQ(Kinds(r), (std::set<std::string>{"skipped-xattr-update"}));
}

TEST(Execution, IgnoredTrylockFailureIsAMissedFallback) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n freeze\n try_ignore d0\n thaw\n");
  RunResult r = RunWithSchedule(*o.world, p, {});
  EXPECT_EQ(Kinds(r), (std::set<std::string>{"missed-trylock-fallback"}));
  ASSERT_FALSE(r.findings.empty());
  ASSERT_EQ(r.findings[0].notes.size(), 3u);
  EXPECT_NE(r.findings[0].notes[1].find("after the failed trylock at try_ignore"), std::string::npos);
  // Who made it fail: the same thread's freeze, still in force.
  EXPECT_EQ(r.findings[0].notes[2], "the trylock failed because upper is frozen by T0/freeze (op#0), not yet thawed");
}

// No trylock anywhere: the path forgot the protection. Not a missed
// fallback (a scheme whose splice path forgot upper freeze protection was
// reported as one).
TEST(Execution, ModifyWithoutFreezeProtectionIsUnprotected) {
  auto o = WorldFromText("scheme x\nop w(dir d):\n  setxattr upper(d) origin\nend\n");
  Program p = ProgramFromText(*o.world, "thread\n w d1\n");
  RunResult r = RunWithSchedule(*o.world, p, {});
  EXPECT_EQ(Kinds(r), (std::set<std::string>{"unprotected-modification"}));
}

// A trylock that failed with a `skip` fallback does not make a later,
// unrelated unprotected modification a missed fallback.
TEST(Execution, SkippedTrylockThenUnprotectedModificationIsUnprotected) {
  auto o = WorldFromText(R"(scheme x
op freeze():
  freeze upper
end
op w(dir d):
  block:
    trylock sb_writers(upper) read else skip
    unlock sb_writers(upper)
  end
  setxattr upper(d) origin
end
)");
  Program p = ProgramFromText(*o.world, "thread\n freeze\n w d1\n");
  RunResult r = RunWithSchedule(*o.world, p, {});
  EXPECT_TRUE(Kinds(r).count("unprotected-modification")) << r.findings.size();
  EXPECT_FALSE(Kinds(r).count("missed-trylock-fallback"));
}

TEST(Execution, BadUnlockAndSelfDeadlock) {
  auto o = WorldFromText(kScheme);
  EXPECT_EQ(Kinds(RunWithSchedule(*o.world, ProgramFromText(*o.world, "thread\n bad\n"), {})),
            (std::set<std::string>{"bad-unlock"}));
  EXPECT_EQ(Kinds(RunWithSchedule(*o.world, ProgramFromText(*o.world, "thread\n self d0\n"), {})),
            (std::set<std::string>{"deadlock", "recursive-locking"}));
}

TEST(Execution, StepBudgetTurnsIntoHang) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n read_once d0\n read_once d0\n read_once d0\n");
  auto strategy = MakeRandomStrategy(1);
  RunLimits limits;
  limits.max_steps = 2;
  RunResult r = RunOnce(*o.world, p, *strategy, limits);
  EXPECT_EQ(Kinds(r), (std::set<std::string>{"hang"}));
}

TEST(Execution, LocksHeldAtOpEndAreReleased) {
  auto o = WorldFromText(kScheme);
  Program p = ProgramFromText(*o.world, "thread\n read_once d0\nthread\n freeze\n");
  // T1 freezes after T0's op returned without unlocking: no deadlock.
  RunResult r = RunWithSchedule(*o.world, p, {0, 1});
  EXPECT_TRUE(r.findings.empty());
}

TEST(Execution, SameSeedSameScheduleAndFindings) {
  const World& w = testing::Builtins().Load("v5.0");
  Rng rng(7);
  for (int i = 0; i < 50; ++i) {
    Program p = GenerateProgram(w, GenLimits{4, 6}, rng);
    uint64_t seed = rng.Next();
    auto s1 = MakePctStrategy(seed, 3);
    auto s2 = MakePctStrategy(seed, 3);
    RunResult a = RunOnce(w, p, *s1), b = RunOnce(w, p, *s2);
    ASSERT_EQ(a.schedule, b.schedule);
    ASSERT_EQ(a.steps, b.steps);
    ASSERT_EQ(a.findings.size(), b.findings.size());
    for (size_t k = 0; k < a.findings.size(); ++k) EXPECT_EQ(a.findings[k].signature, b.findings[k].signature);
    // Replaying the recorded schedule reproduces the run exactly.
    RunResult c = RunWithSchedule(w, p, a.schedule);
    EXPECT_FALSE(c.diverged);
    EXPECT_EQ(c.schedule, a.schedule);
    EXPECT_EQ(c.findings.size(), a.findings.size());
  }
}

}  // namespace
}  // namespace ovlfuzz
