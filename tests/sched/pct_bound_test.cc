// PCT honours its published guarantee on the v5.0 seed deadlock: for n
// threads, k steps and bug depth d, each run hits the bug with probability
// at least 1/(n*k^(d-1)). The bug's depth is the smallest d at which PCT
// hits it at all (PCT with d-1 change points produces exactly the schedules
// of depth <= d). Seeds 1..N make every measurement deterministic.
//
// At the bug's own depth the bound is nearly tight here (k = 73 is the
// steps hint; the one change point must land on one particular decision),
// so that row needs 200,000 runs for the measured rate to settle above it:
// about a second in a release build. Sanitizer builds, 10-50x slower, skip
// that row; the statistics do not depend on the build.
#include <gtest/gtest.h>

#include "model/sched/hit_rate.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

// The deadlock, not the inversion it realizes (same bug, far more runs).
const char kSeedBug[] = "lock-inversion: {&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}";
constexpr FindingKind kSeedKind = FindingKind::kDeadlock;

Program SeedProgram(const World& w) {
  return testing::ProgramFromText(w, "thread\n  splice_to_ovl p0 f0\nthread\n  splice_to_upper p0 f0\nthread\n  freeze\n");
}

TEST(PctBound, SeedDeadlockHasDepthTwo) {
  const World& w = testing::Builtins().Load("v5.0");
  // No change point: the thread order alone never deadlocks...
  EXPECT_EQ(MeasureHitRate(w, SeedProgram(w), StrategyKind::kPct, 1, kSeedKind, kSeedBug, 20000).hits, 0);
  // ...one does: the freezer must queue between the two splices.
  EXPECT_GT(MeasureHitRate(w, SeedProgram(w), StrategyKind::kPct, 2, kSeedKind, kSeedBug, 20000).hits, 0);
}

TEST(PctBound, HitRateAtDepthThreeIsAtLeastTheBound) {
  const World& w = testing::Builtins().Load("v5.0");
  HitRate h = MeasureHitRate(w, SeedProgram(w), StrategyKind::kPct, 3, kSeedKind, kSeedBug, 20000);
  EXPECT_EQ(h.threads, 3);
  EXPECT_GE(h.rate(), PctBound(h.threads, h.steps, 3)) << "hits " << h.hits << " of " << h.runs << ", k " << h.steps;
}

TEST(PctBound, HitRateAtTheBugsDepthIsAtLeastTheBound) {
#ifdef OVLFUZZ_SLOW_BUILD
  GTEST_SKIP() << "200,000 runs; measured in release builds";
#endif
  const World& w = testing::Builtins().Load("v5.0");
  HitRate h = MeasureHitRate(w, SeedProgram(w), StrategyKind::kPct, 2, kSeedKind, kSeedBug, 200000);
  EXPECT_GE(h.rate(), PctBound(h.threads, h.steps, 2)) << "hits " << h.hits << " of " << h.runs << ", k " << h.steps;
}

TEST(PctBound, BoundFormula) {
  EXPECT_DOUBLE_EQ(PctBound(3, 20, 1), 1.0 / 3);
  EXPECT_DOUBLE_EQ(PctBound(3, 20, 3), 1.0 / 1200);
}

}  // namespace
}  // namespace ovlfuzz
