// Deadlock-directed scheduling: given the lock inversion of v5.0's seed
// (splice_to_upper vs splice_to_ovl on one pipe and file), parking each
// thread on its held side of the cycle and running the freezer before the
// parked threads turns the "possible" deadlock into a real one in every
// run, whatever the seed; random scheduling of the same program rarely does.
#include "model/sched/deadlock_directed.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ovlfuzz
