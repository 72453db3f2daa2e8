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
  for (const char* s : {"v5.0", "mainline", "trylock-xattr", "start-write-callback", "s-writers-redirect"}) {
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

namespace {

std::string Ring5() {
  std::string s = "# op i takes L(i), then L(i+1 mod 5)\nscheme ring5\nexpect: lock-inversion deadlock\n"
                  "world files=1 dirs=1 pipes=1\n";
  for (int i = 0; i < 5; ++i) s += "lock l" + std::to_string(i) + " mutex per global \"&ring->l" + std::to_string(i) + "\"\n";
  for (int i = 0; i < 5; ++i)
    s += "op take" + std::to_string(i) + "():\n  lock l" + std::to_string(i) + "\n  lock l" + std::to_string((i + 1) % 5) +
         "\nend\n";
  return s;
}

// Five threads make the ring deadlock; four only invert it.
TEST_F(Cli, FiveMutexRingDeadlocksWithFiveThreadsOnly) {
  Write("ring5.scheme", Ring5());
  Result f5 = Run("fuzz --scheme ring5.scheme --threads 5 --ops 1 --runs 20000 --check-expect -q --out f5");
  EXPECT_EQ(f5.status, 0) << f5.out;
  Result v5 = Run("verify --scheme ring5.scheme --threads 5 --ops 1 --check-expect -q --out v5");
  EXPECT_EQ(v5.status, 0) << v5.out;
  EXPECT_NE(v5.out.find("found: deadlock lock-inversion: ok"), std::string::npos) << v5.out;
  Result f4 = Run("fuzz --scheme ring5.scheme --threads 4 --runs 20000 --check-expect -q --out f4");
  EXPECT_EQ(f4.status, 1);
  EXPECT_NE(f4.out.find("found: lock-inversion: MISMATCH (missing deadlock)"), std::string::npos) << f4.out;
  // Four threads of one op each cannot even close the ring.
  Result v4 = Run("verify --scheme ring5.scheme --threads 4 --ops 1 --check-expect -q --out v4");
  EXPECT_EQ(v4.status, 1);
  EXPECT_NE(v4.out.find("found: (clean): MISMATCH"), std::string::npos) << v4.out;
  // Each deadlock artifact replays.
  Result rep = Shell("for f in f5/deadlock-*.ovl; do " + std::string(OVLFUZZ_BINARY) + " replay $f | tail -2; done");
  EXPECT_NE(rep.out.find("replay: ovlfuzz replay f5/deadlock-"), std::string::npos) << rep.out;
}

}  // namespace

namespace {

// A ten-line delta of v5.0 that replaces one op: it checks, fuzzes, and
// `diff` shows the pipe chain gone.
TEST_F(Cli, TenLineDeltaOfV50ChecksFuzzesAndDiffs) {
  Write("splice-fix.scheme",
        "# v5.0 with overlay's own splice_write (the pipe under upper sb_writers)\n"
        "scheme v5.0-splice\nextends v5.0\nexpect:\n"
        "replace op splice_to_ovl(pipe p, file f):\n  call open_for_write(f)\n  call sb_start_write_ovl()\n"
        "  lock i_rwsem(f)                 # ovl_splice_write(): inode_lock()\n  call ovl_want_write()\n"
        "  lock pipe_mutex(p)/1            # iter_file_splice_write() -> pipe_lock()\n  lock i_rwsem(upper(f))\n"
        "  modify upper(f)\nend\n");
  Result c = Run("check-scheme splice-fix.scheme");
  EXPECT_EQ(c.status, 0) << c.err;
  Result f = Run("fuzz --scheme splice-fix.scheme --runs 20000 --check-expect -q --out f");
  EXPECT_EQ(f.status, 0) << f.out;  // the pipe chains are gone
  Result d = Run("diff --scheme v5.0 --scheme splice-fix.scheme --runs 20000 -q --out d");
  EXPECT_EQ(d.status, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("== only in A (gone in B) =="), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("\nlock-inversion: {&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}"), std::string::npos)
      << d.out;
  EXPECT_NE(d.out.find("adds 0"), std::string::npos) << d.out;
  // Reports cite the delta for the replaced op and v5.0 for the rest.
  Result v = Run("verify --scheme splice-fix.scheme --threads 2 --ops 1 --only-ops splice_to_ovl,write --all -q --out v");
  EXPECT_EQ(v.status, 0) << v.out;
}

TEST_F(Cli, SchemesShowRoundTripsThroughCheckScheme) {
  for (const char* s : {"start-write-callback", "trylock-xattr", "s-writers-redirect", "v5.0"}) {
    Result show = Run(std::string("schemes --show ") + s);
    ASSERT_EQ(show.status, 0) << show.err;
    EXPECT_NE(show.out.find("# from model/schemes/"), std::string::npos);
    Write("flat.scheme", show.out);
    Result check = Run("check-scheme flat.scheme");
    EXPECT_EQ(check.status, 0) << s << ": " << check.err;
    EXPECT_NE(check.out.find(std::string("ok: scheme ") + s), std::string::npos) << check.out;
    // The flattened scheme finds what the delta finds.
    Result a = Run(std::string("verify --scheme ") + s + " --threads 2 --ops 1 --all -q --out a");
    Result b = Run("verify --scheme flat.scheme --threads 2 --ops 1 --all -q --out b");
    EXPECT_EQ(a.status, b.status) << s;
  }
  Result st = Run("schemes --show start-write-callback");
  EXPECT_NE(st.out.find("# from model/schemes/start-write-callback.scheme:"), std::string::npos);
  EXPECT_NE(st.out.find("# from model/schemes/v5.0.scheme:"), std::string::npos);
}

}  // namespace
