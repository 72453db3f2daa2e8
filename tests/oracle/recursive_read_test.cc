// lockdep's recursive-read rules (Documentation/locking/lockdep-design.rst,
// lib/locking-selftest.c): only a strong cycle (no -(*R)-> L -(S*)-> pair)
// is reported, read-after-read recursion is allowed, and a recursive reader
// never queues behind a waiting writer. Each case is checked twice: the
// lock-inversion oracle must match lockdep's verdict, and exhaustive
// exploration must find a real deadlock exactly when lockdep reports one.
#include <gtest/gtest.h>

#include <set>

#include "model/verify/explorer.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

std::set<std::string> Kinds(const std::string& ops, int threads, int per_thread) {
  testing::OwnedWorld w = testing::WorldFromText(
      "scheme rr\nworld files=1 dirs=1 pipes=1\nlock x rwsem per global \"X\"\nlock y rwsem per global \"Y\"\n"
      "lock z rwsem per global \"Z\"\n" +
      ops);
  VerifyOptions o;
  o.threads = threads;
  o.ops = per_thread;
  o.all = true;
  VerifyResult r = Verify(*w.world, o);
  EXPECT_TRUE(r.stats.complete);
  std::set<std::string> kinds;
  for (const VerifyFinding& f : r.findings) kinds.insert(FindingKindName(f.finding.kind));
  return kinds;
}

const std::set<std::string> kDeadlock = {"deadlock", "lock-inversion"};
const std::set<std::string> kClean = {};

// The four cases of lockdep's selftest "Add more recursive read related test
// cases" (X, Y, Z; E/S: held exclusive/shared; R/N: taken recursive/not).
TEST(RecursiveRead, SelftestCases) {
  // 1. X -(ER)-> Y -(ER)-> Z -(ER)-> X is a deadlock.
  EXPECT_EQ(Kinds("op a():\n  lock x\n  lock y read recursive\nend\nop b():\n  lock y\n  lock z read recursive\nend\n"
                  "op c():\n  lock z\n  lock x read recursive\nend\n",
                  3, 1),
            kDeadlock);
  // 2. X -(EN)-> Y -(SR)-> Z -(ER)-> X is a deadlock.
  EXPECT_EQ(Kinds("op a():\n  lock x\n  lock y\nend\nop b():\n  lock y read\n  lock z read recursive\nend\n"
                  "op c():\n  lock z\n  lock x read recursive\nend\n",
                  3, 1),
            kDeadlock);
  // 3. X -(EN)-> Y -(SR)-> Z -(SN)-> X is not.
  EXPECT_EQ(Kinds("op a():\n  lock x\n  lock y\nend\nop b():\n  lock y read\n  lock z read recursive\nend\n"
                  "op c():\n  lock z read\n  lock x\nend\n",
                  3, 1),
            kClean);
  // 4. X -(ER)-> Y -(SR)-> Z -(EN)-> X is not.
  EXPECT_EQ(Kinds("op a():\n  lock x\n  lock y read recursive\nend\nop b():\n  lock y read\n  lock z read recursive\nend\n"
                  "op c():\n  lock z\n  lock x\nend\n",
                  3, 1),
            kClean);
}

TEST(RecursiveRead, ReadAfterReadRecursionIsAllowed) {
  EXPECT_EQ(Kinds("op a():\n  lock x read\n  lock x read recursive\nend\n", 1, 1), kClean);
  // A non-recursive read of a held class is "possible recursive locking".
  EXPECT_EQ(Kinds("op a():\n  lock x read\n  lock x read\nend\n", 1, 1), std::set<std::string>{"recursive-locking"});
  // So is a recursive read of a class held for writing (and it deadlocks).
  EXPECT_EQ(Kinds("op a():\n  lock x\n  lock x read recursive\nend\n", 1, 1),
            (std::set<std::string>{"deadlock", "recursive-locking"}));
}

// Reader T0 holds X and wants Y; T2 holds Y and reads X again; writer T1
// queues on X. A recursive reader walks past the queued writer; a normal
// reader waits behind it: T2 -> T1 -> T0 -> T2.
TEST(RecursiveRead, RecursiveReadersDoNotQueueBehindAWaitingWriter) {
  const std::string tail = "op writer():\n  lock x\nend\nop reader():\n  lock x read\n  lock y\nend\n";
  EXPECT_EQ(Kinds("op other():\n  lock y\n  lock x read recursive\nend\n" + tail, 3, 1).count("deadlock"), 0u);
  EXPECT_EQ(Kinds("op other():\n  lock y\n  lock x read\nend\n" + tail, 3, 1).count("deadlock"), 1u);
}

}  // namespace
}  // namespace ovlfuzz
