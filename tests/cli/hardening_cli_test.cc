// What users and a fault-injection campaign tripped on (issue 13): each
// case here failed before its fix.
#include "tests/cli/cli_fixture.h"

namespace ovlfuzz::testing {
namespace {

// Numbers Boost would otherwise take: "-1" for an unsigned option wraps to
// 2^64-1, "inf" is a double; each is one line on stderr and exit 2, and
// the command does nothing first (no header, no output directory).
TEST_F(Cli, OutOfDomainNumbersAreExit2BeforeAnyWork) {
  for (const char* args :
       {"fuzz --scheme v5.0 --seconds inf", "fuzz --scheme v5.0 --seconds nan", "fuzz --scheme v5.0 --seconds 1e400",
        "fuzz --scheme v5.0 --seed -1 --runs 10", "fuzz --scheme v5.0 --seed=-1 --runs 10",
        "verify --scheme v5.0 --threads 2 --ops 1 --max-seconds inf", "verify --scheme v5.0 --memory 0 -q",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops ,,,",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops lookup,,readdir",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops ''"}) {
    Result r = Run(std::string(args) + " --out out");
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(": error: "), std::string::npos) << args << ": " << r.err;
    EXPECT_TRUE(List("out").empty()) << args;
  }
}

TEST_F(Cli, FullSharedVisitedSetStillFinishesWithTheSameVerdict) {
  // ~400k states: 1 MiB (49k states) fills early.
  const std::string bounds =
      "verify --scheme v5.0 --threads 2 --ops 2 --only-ops splice_to_upper,splice_to_ovl,thaw,freeze,copy_up --all -q "
      "--jobs 2";
  Result roomy = Run(bounds + " --out a");
  Result tight = Run(bounds + " --memory 1 --out b");
  EXPECT_EQ(roomy.status, 1) << roomy.err;
  EXPECT_EQ(tight.status, roomy.status) << tight.err;
  EXPECT_EQ(roomy.err.find("filled up"), std::string::npos) << roomy.err;
  EXPECT_NE(tight.err.find("filled up; the jobs went on with private tables"), std::string::npos) << tight.err;
  EXPECT_NE(tight.out.find("search complete"), std::string::npos) << tight.out;
  std::vector<std::string> a = List("a"), b = List("b");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}


// fuzz --corpus used to prune .ovl files it had not written (finding
// artifacts kept next to the corpus), leaving summary.json pointing at
// missing files.
TEST_F(Cli, CorpusSavingNeverDeletesFilesTheSessionDidNotWrite) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 200 --out dir -q").status, 1);
  std::vector<std::string> before = List("dir");
  ASSERT_GT(before.size(), 1u);
  Result r = Run("fuzz --scheme v5.0 --runs 300 --corpus dir --out dir2 -q");
  EXPECT_EQ(r.status, 1) << r.err;
  std::vector<std::string> after = List("dir");
  for (const std::string& f : before)
    EXPECT_NE(std::find(after.begin(), after.end(), f), after.end()) << f << " was deleted";
  EXPECT_GT(after.size(), before.size());  // the session's entries were added
  EXPECT_NE(r.err.find("(files are never deleted)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ovlfuzz::testing
