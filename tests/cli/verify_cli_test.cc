// End-to-end tests of `ovlfuzz verify` and `ovlfuzz diff`: exit statuses,
// the closing line that states the proven bounds, artifacts that replay,
// and one-line errors for bad flags.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"

namespace {

using ovlfuzz::testing::Cli;
using ovlfuzz::testing::Result;
using ovlfuzz::testing::Slurp;

const char kSpin[] =
    " --only-ops write,splice_to_ovl,splice_to_upper,splice_from_ovl,freeze,thaw,readdir,copy_up,unlink,fsync"
    " --files 1 --dirs 1 --pipes 1";

TEST_F(Cli, VerifyMainlineProvesItsBounds) {
  Result r = Run(std::string("verify --scheme mainline --threads 2 --ops 2 --out out -q") + kSpin);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("no finding within bounds: scheme mainline, up to 2 threads x 2 ops, no preemption bound"),
            std::string::npos)
      << r.out;
  auto j = nlohmann::json::parse(Slurp(dir_ + "/out/verify.json"));
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_GT(j["states"].get<int64_t>(), 0);
}

TEST_F(Cli, VerifyV50FindsTheSeedDeadlockAndItReplays) {
  Result r = Run(std::string("verify --scheme v5.0 --threads 3 --ops 1 --out out -q") + kSpin);
  ASSERT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("*** DEADLOCK ***"), std::string::npos);
  auto j = nlohmann::json::parse(Slurp(dir_ + "/out/verify.json"));
  bool deadlock = false;
  for (const auto& f : j["findings"]) {
    if (f["kind"] != "deadlock") continue;
    deadlock = true;
    Result rep = Run("replay " + f["artifact"].get<std::string>());
    EXPECT_EQ(rep.status, 1);
    EXPECT_NE(rep.out.find(f["signature"].get<std::string>()), std::string::npos);
  }
  EXPECT_TRUE(deadlock);
  EXPECT_NE(r.out.find("replay: ovlfuzz replay out/"), std::string::npos);
}

TEST_F(Cli, VerifyJobsAgreeWithOneProcess) {
  const std::string base = std::string("verify --scheme v5.0 --threads 2 --ops 1 --all -q") + kSpin;
  Result one = Run(base + " --out one");
  Result two = Run(base + " --out two --jobs 2");
  ASSERT_EQ(one.status, 1);
  ASSERT_EQ(two.status, 1) << two.err;
  auto sigs = [&](const std::string& d) {
    std::set<std::string> s;
    const auto j = nlohmann::json::parse(Slurp(dir_ + "/" + d + "/verify.json"));
    for (const auto& f : j["findings"])
      s.insert(f["signature"].get<std::string>());
    return s;
  };
  EXPECT_EQ(sigs("one"), sigs("two"));
  EXPECT_TRUE(nlohmann::json::parse(Slurp(dir_ + "/two/verify.json"))["complete"].get<bool>());
}

TEST_F(Cli, VerifyBadFlagsAreOneLineExit2) {
  for (const char* args : {"verify --scheme mainline --threads 9", "verify --scheme mainline --only-ops nosuchop",
                           "verify --scheme mainline --files 7", "verify --scheme mainline --preemptions -1",
                           "verify --scheme nosuch.scheme"}) {
    Result r = Run(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
}

TEST_F(Cli, DiffV50ToMainlineRemovesThePipeChainAndAddsNothing) {
  Result r = Run("diff --scheme v5.0 --scheme mainline --runs 3000 --out d -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("== only in A (gone in B) =="), std::string::npos);
  EXPECT_NE(r.out.find("lock-inversion: {&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}"), std::string::npos);
  EXPECT_EQ(r.out.find("== only in B"), std::string::npos);
  EXPECT_NE(r.out.find("clean on mainline in every schedule of this program"), std::string::npos) << r.out;
}

TEST_F(Cli, DiffStartWriteCallbackToTrylockXattr) {
  Result r = Run("diff --scheme start-write-callback --scheme trylock-xattr --runs 20000 --out d -q");
  ASSERT_EQ(r.status, 1) << r.err;  // B adds bugs
  size_t gone = r.out.find("== only in A"), added = r.out.find("== only in B");
  ASSERT_NE(gone, std::string::npos);
  ASSERT_NE(added, std::string::npos);
  EXPECT_NE(r.out.find("lock-inversion: {&ovl_i_mutex_dir_key[depth], sb_writers#4}", gone), std::string::npos);
  EXPECT_NE(r.out.find("skipped-xattr-update:lookup skips", added), std::string::npos);
  EXPECT_NE(r.out.find("skipped-xattr-update:readdir skips", added), std::string::npos);
  const auto diff = nlohmann::json::parse(Slurp(dir_ + "/d/diff.json"));
  for (const auto& b : diff["bugs"]) {
    if (b["side"] == "both") continue;
    EXPECT_TRUE(b["other_clean"].get<bool>()) << b["bug"];
    EXPECT_EQ(Run("replay " + b["artifact"].get<std::string>()).status, 1);
  }
}

TEST_F(Cli, DiffNeedsTwoSchemes) {
  Result r = Run("diff --scheme v5.0");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("exactly twice"), std::string::npos);
}

}  // namespace
