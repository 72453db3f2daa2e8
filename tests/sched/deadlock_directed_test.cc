// Deadlock-directed scheduling: given the lock inversion of v5.0's seed
// (splice_to_upper vs splice_to_ovl on one pipe and file), parking each
// thread on its held side of the cycle and running the freezer before the
// parked threads turns the "possible" deadlock into a real one in every
// run, whatever the seed; random scheduling of the same program rarely does.
#include "model/sched/deadlock_directed.h"

#include <gtest/gtest.h>

#include "model/harness/fuzz_session.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

TEST(DeadlockDirected, SeedInversionBecomesADeadlockInEveryRun) {
  const World& w = testing::Builtins().Load("v5.0");
  // The inversion first, in one serial run of the two splices.
  const Program pair = testing::ProgramFromText(w, "thread\n  splice_to_upper p0 f0\n  splice_to_ovl p0 f0\n");
  const Finding* inversion = nullptr;
  RunResult serial = testing::RunWithSchedule(w, pair, {});
  for (const Finding& f : serial.findings)
    if (f.kind == FindingKind::kLockInversion) inversion = &f;
  ASSERT_NE(inversion, nullptr);

  // One thread per op, the held side of each link it made, and a freezer.
  const Program p = testing::ProgramFromText(
      w, "thread\n  splice_to_upper p0 f0\nthread\n  splice_to_ovl p0 f0\nthread\n  freeze\n");
  std::vector<std::set<int>> park(3);
  for (const ChainLink& l : inversion->chain) park[l.site.op_index].insert(l.from_cls);
  ASSERT_FALSE(park[0].empty());
  ASSERT_FALSE(park[1].empty());

  int directed = 0, random = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    DeadlockDirectedStrategy s(park, seed);
    for (const Finding& f : RunOnce(w, p, s, {}, {&s}).findings) directed += f.kind == FindingKind::kDeadlock;
    auto r = MakeRandomStrategy(seed);
    for (const Finding& f : RunOnce(w, p, *r).findings) random += f.kind == FindingKind::kDeadlock;
  }
  EXPECT_EQ(directed, 20);
  EXPECT_LT(random, 10);
}

// In a fuzz session the escalation of a new inversion makes its deadlock at
// once: for ten seeds of each strategy, the first deadlock comes at most two
// runs after the first inversion, even when the chain was closed by an op
// that would need a fourth thread (unlink, link, write: the cycle program
// lets splice_to_ovl make both of its links) or on two different pipes (the
// directed runs alternate with a copy on one pipe and one file). Counted in
// runs, not time, so it holds on any machine.
TEST(DeadlockDirected, FuzzSessionFindsTheSeedDeadlockRightAfterItsInversion) {
  const World& w = testing::Builtins().Load("v5.0");
  for (StrategyKind kind : {StrategyKind::kRandom, StrategyKind::kPct}) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      FuzzConfig cfg;
      cfg.seed = seed;
      cfg.strategy = kind;
      cfg.max_runs = 3000;
      int64_t inversion = -1, deadlock = -1;
      FuzzHooks hooks;
      hooks.on_finding = [&](const Finding& f, const Repro&, const Program&, const FuzzStats& at) {
        if (f.kind == FindingKind::kLockInversion && inversion < 0) inversion = at.runs;
        if (f.kind == FindingKind::kDeadlock && deadlock < 0) deadlock = at.runs;
      };
      hooks.poll_every = 1;
      hooks.should_stop = [&](const FuzzStats&) { return deadlock >= 0; };
      FuzzSession(w, "v5.0", cfg, hooks).Run();
      ASSERT_GE(inversion, 1) << StrategyName(kind) << " seed " << seed;
      EXPECT_GE(deadlock, inversion) << StrategyName(kind) << " seed " << seed;
      EXPECT_LE(deadlock, inversion + 2) << StrategyName(kind) << " seed " << seed;
    }
  }
}

}  // namespace
}  // namespace ovlfuzz
