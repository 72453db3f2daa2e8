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

namespace {

TEST_F(Cli, CheckSchemeRefusesAnUnlockThatIsNotHeldAndWarnsAboutUnused) {
  Write("extra.scheme",
        "scheme extra\nworld files=1 dirs=1 pipes=1\nop a(file f):\n  lock i_rwsem(f)\n  unlock i_rwsem(f)\n"
        "  unlock i_rwsem(f)\nend\n");
  Result r = Run("check-scheme extra.scheme");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(OneLineError(r, "extra.scheme")) << r.err;
  EXPECT_EQ(r.err.rfind("extra.scheme:6:3: error: unlock of i_rwsem(f0) that is not held on some path", 0), 0u)
      << r.err;
  Write("spare.scheme",
        "scheme spare\nlock spare mutex per global \"&spare\"\nop a(file f):\n  lock i_rwsem(f)\nend\n");
  Result w = Run("check-scheme spare.scheme");
  EXPECT_EQ(w.status, 0);
  EXPECT_NE(w.err.find("spare.scheme:2:1: warning: lock 'spare' is declared but no statement takes it"),
            std::string::npos)
      << w.err;
  EXPECT_NE(w.out.find("ok: scheme spare"), std::string::npos);
}

}  // namespace
