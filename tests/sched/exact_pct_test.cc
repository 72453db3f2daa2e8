// ExactPctRate enumerates every PCT choice: on the v5.0 seed deadlock it
// gives exactly PCT's bound at the bug's depth (the one change point must
// land on one decision of k, the demoted thread must start first: 1/(n*k)),
// nothing below that depth, and at least the bound above it. `hitrate`
// uses it to say whether the bound applies.
#include <gtest/gtest.h>

#include "model/sched/hit_rate.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

TEST(ExactPct, SeedDeadlockHasDepthTwoAndMeetsTheBoundExactly) {
  const World& w = testing::Builtins().Load("v5.0");
  const Program p =
      testing::ProgramFromText(w, "thread\n  splice_to_ovl p0 f0\nthread\n  splice_to_upper p0 f0\nthread\n  freeze\n");
  std::string bug;
  auto replay = MakeReplayStrategy({0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2});
  for (const Finding& f : RunOnce(w, p, *replay).findings)
    if (f.kind == FindingKind::kDeadlock) bug = f.bug;
  ASSERT_FALSE(bug.empty());

  const ExactPct d1 = ExactPctRate(w, p, 1, FindingKind::kDeadlock, bug, 1000000);
  ASSERT_TRUE(d1.computed);
  EXPECT_EQ(d1.choices, 6);  // 3! orders, no change point
  EXPECT_EQ(d1.hits, 0);

  const ExactPct d2 = ExactPctRate(w, p, 2, FindingKind::kDeadlock, bug, 1000000);
  const int64_t k = StepsHint(w, p);
  ASSERT_TRUE(d2.computed);
  EXPECT_EQ(d2.choices, 6 * k);
  EXPECT_DOUBLE_EQ(d2.rate(), PctBound(3, k, 2));

  const ExactPct d3 = ExactPctRate(w, p, 3, FindingKind::kDeadlock, bug, 1000000);
  ASSERT_TRUE(d3.computed);
  EXPECT_GE(d3.rate(), PctBound(3, k, 3));

  const ExactPct big = ExactPctRate(w, p, 3, FindingKind::kDeadlock, bug, 100);  // over budget: nothing run
  EXPECT_FALSE(big.computed);
  EXPECT_EQ(big.hits, 0);
}

}  // namespace
}  // namespace ovlfuzz
