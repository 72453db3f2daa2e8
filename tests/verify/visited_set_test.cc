// The visited set: private tables grow; a shared table that fills up hands
// new states to a private overflow table, so a state is still found again
// (before, a full shared table reported every state as new: no pruning,
// and `verify --jobs 2 --memory 1` ran for minutes).
#include "model/verify/visited_set.h"

#include <vector>

#include <gtest/gtest.h>

namespace ovlfuzz {
namespace {

uint64_t HashOf(uint64_t i) { return (i + 1) * 0x9e3779b97f4a7c15ULL; }

TEST(VisitedSet, PrivateTableGrowsAndFindsEveryState) {
  VisitedSet v;
  bool inserted = false;
  for (uint64_t i = 0; i < 200000; ++i) {
    v.Find(HashOf(i), 1, &inserted);
    ASSERT_TRUE(inserted) << i;
  }
  for (uint64_t i = 0; i < 200000; ++i) {
    v.Find(HashOf(i), 2, &inserted);
    ASSERT_FALSE(inserted) << i;
  }
  EXPECT_EQ(v.size(), 200000u);
  EXPECT_FALSE(v.full());
}

TEST(VisitedSet, FullSharedTableStillPrunes) {
  const size_t capacity = size_t{1} << 10;
  std::vector<uint64_t> shared(capacity + 1, 0);  // slots and the count word
  VisitedSet v;
  v.Share(shared.data(), capacity);
  bool inserted = false;
  const uint64_t n = 4 * capacity;  // four times what the table holds
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t* slot = v.Find(HashOf(i), static_cast<uint8_t>(i & 0x7f), &inserted);
    ASSERT_TRUE(inserted) << i;
    ASSERT_EQ(VisitedSet::Get(slot), i & 0x7f);
  }
  EXPECT_TRUE(v.full());
  EXPECT_LE(shared[capacity], 3 * capacity / 4);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t* slot = v.Find(HashOf(i), 0xff, &inserted);
    ASSERT_FALSE(inserted) << "state " << i << " was not kept";
    EXPECT_EQ(VisitedSet::Get(slot), i & 0x7f);
    VisitedSet::Set(slot, 3);
    EXPECT_EQ(VisitedSet::Get(v.Find(HashOf(i), 0xff, &inserted)), 3);
  }
  EXPECT_EQ(v.size(), n);
}

}  // namespace
}  // namespace ovlfuzz
