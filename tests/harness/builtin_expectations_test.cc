// Every built-in scheme produces exactly the finding kinds its `expect:`
// line lists, within a fixed number of deterministic fuzzing runs.
#include <gtest/gtest.h>

#include "model/harness/fuzz_session.h"
#include "model/report/text_report.h"
#include "model/scheme/builtin.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

class BuiltinScheme : public ::testing::TestWithParam<std::string> {};

std::set<std::string> FuzzKinds(const std::string& name, int64_t runs, uint64_t seed,
                                std::vector<std::string>* reports = nullptr) {
  const World& w = testing::Builtins().Load(name);
  FuzzConfig cfg;
  cfg.seed = seed;
  cfg.max_runs = runs;
  std::set<std::string> kinds;
  FuzzHooks hooks;
  hooks.on_finding = [&](const Finding& f, const Repro&, const Program& p, const FuzzStats&) {
    kinds.insert(FindingKindName(f.kind));
    if (reports) reports->push_back(ReportContext(w, p).Render(f));
  };
  FuzzSession(w, name, cfg, hooks).Run();
  return kinds;
}

TEST_P(BuiltinScheme, MeetsItsExpectLine) {
  const World& w = testing::Builtins().Load(GetParam());
  std::set<std::string> want(w.scheme().expect.begin(), w.scheme().expect.end());
  EXPECT_EQ(FuzzKinds(GetParam(), 100000, 1), want);
}

INSTANTIATE_TEST_SUITE_P(All, BuiltinScheme,
                         ::testing::Values("v5.0", "mainline", "start-write-callback", "s-writers-redirect",
                                           "trylock-xattr"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& c : n) if (c == '-' || c == '.') c = '_';
                           return n;
                         });

TEST(BuiltinSchemes, ListIsComplete) {
  std::set<std::string> names;
  for (const ovlfuzz::BuiltinScheme& b : BuiltinSchemes()) names.insert(b.name);
  EXPECT_EQ(names, (std::set<std::string>{"v5.0", "mainline", "start-write-callback", "s-writers-redirect",
                                          "trylock-xattr"}));
}

TEST(SeedChain, V50ReportNamesPipeOverlayInodeAndUpperSbWriters) {
  std::vector<std::string> reports;
  FuzzKinds("v5.0", 20000, 3, &reports);
  bool seed_chain = false;
  for (const std::string& r : reports)
    if (r.find("&pipe->mutex/1") != std::string::npos && r.find("&ovl_i_mutex_key[depth]") != std::string::npos &&
        r.find("sb_writers#4") != std::string::npos && r.find("Chain exists of:") != std::string::npos)
      seed_chain = true;
  EXPECT_TRUE(seed_chain);
}

TEST(ProposalA, InversionNamesLookupOrReaddir) {
  std::vector<std::string> reports;
  FuzzKinds("start-write-callback", 20000, 5, &reports);
  bool named = false;
  for (const std::string& r : reports)
    if (r.find("possible circular locking") != std::string::npos &&
        (r.find("@lookup") != std::string::npos || r.find("@readdir") != std::string::npos))
      named = true;
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace ovlfuzz
