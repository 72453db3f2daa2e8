#include "fuzz/threads_engine.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

const char kScheme[] = R"(scheme t
op self(dir d):
  lock i_rwsem(d)
  lock i_rwsem(d)
end
op nested():
  lock sb_writers(upper) read
  lock sb_writers(upper) read
end
op freeze():
  freeze upper
end
op thaw():
  thaw upper
end
op ok(dir d):
  lock i_rwsem(d) read
  setxattr upper(d) origin
end
)";

TEST(ThreadsEngine, WatchdogReportsAGuaranteedDeadlock) {
  auto o = testing::WorldFromText(kScheme);
  Program p = testing::ProgramFromText(*o.world, "thread\n self d0\nthread\n ok d1\n");
  ThreadsRunResult r = RunOnThreads(*o.world, p, ThreadsRunOptions{});
  ASSERT_TRUE(r.deadlock);
  EXPECT_EQ(r.finding.kind, FindingKind::kDeadlock);
  ASSERT_EQ(r.finding.cycle.size(), 1u);
  EXPECT_TRUE(r.finding.threads[0].blocked);
  EXPECT_TRUE(r.finding.threads[1].done);
}

TEST(ThreadsEngine, FrozenSuperblockIsThawedAndCleanProgramsFinish) {
  auto o = testing::WorldFromText(kScheme);
  Program p = testing::ProgramFromText(*o.world, "thread\n freeze\nthread\n ok d0\n ok d1\n");
  for (int i = 0; i < 20; ++i) {
    ThreadsRunResult r = RunOnThreads(*o.world, p, ThreadsRunOptions{});
    EXPECT_FALSE(r.deadlock);
    EXPECT_FALSE(r.hang);
  }
}

}  // namespace
}  // namespace ovlfuzz
