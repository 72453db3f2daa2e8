// The scheme language from the command line (issue 12): --check-expect,
// check-scheme's static checks, composition, more threads.
#include <gtest/gtest.h>

#include "tests/cli/cli_fixture.h"

namespace {

using ovlfuzz::testing::Cli;
using ovlfuzz::testing::Result;

const char kClean[] =
    "scheme calm\nexpect: deadlock\nworld files=1 dirs=1 pipes=1\nlock a_lock mutex per global \"&a->lock\"\n"
    "op one():\n  lock a_lock\nend\n";

TEST_F(Cli, CheckExpectComparesKindsWithTheExpectLine) {
  for (const char* s : {"v5.0", "mainline", "trylock-xattr"}) {
    Result r = Run(std::string("fuzz --scheme ") + s + " --runs 20000 --check-expect -q --out o");
    EXPECT_EQ(r.status, 0) << s << ": " << r.out;
    EXPECT_NE(r.out.find(": ok\n"), std::string::npos) << r.out;
  }
  Write("calm.scheme", kClean);
  Result bad = Run("fuzz --scheme calm.scheme --runs 100 --check-expect -q --out o2");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("expect: deadlock; found: (clean): MISMATCH (missing deadlock)"), std::string::npos)
      << bad.out;
  Result v = Run("verify --scheme calm.scheme --threads 2 --ops 1 --check-expect -q --out o3");
  EXPECT_EQ(v.status, 1);
  EXPECT_NE(v.out.find("MISMATCH (missing deadlock)"), std::string::npos) << v.out;
  Result vok = Run(
      "verify --scheme v5.0 --threads 3 --ops 1 --only-ops splice_to_ovl,splice_to_upper,freeze --files 1 --dirs 1 "
      "--pipes 1 --check-expect -q --out o4");
  EXPECT_EQ(vok.status, 0) << vok.out;
}

}  // namespace
