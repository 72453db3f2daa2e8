#include "model/harness/minimize.h"

#include <gtest/gtest.h>

#include "model/harness/fuzz_session.h"
#include "model/program/binary_codec.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

// Fuzz a scheme, minimize every artifact, and check the minimized
// reproducer replays to the same signature and is never larger.
void MinimizeAll(const std::string& scheme, int threads, int ops) {
  const World& w = testing::Builtins().Load(scheme);
  FuzzConfig cfg;
  cfg.seed = 11;
  cfg.max_runs = 4000;
  cfg.gen = {threads, ops};
  std::vector<std::pair<Repro, std::string>> found;
  FuzzHooks hooks;
  hooks.on_finding = [&](const Finding& f, const Repro& r, const Program&, const FuzzStats&) {
    found.emplace_back(r, f.signature);
  };
  FuzzSession(w, scheme, cfg, hooks).Run();
  ASSERT_FALSE(found.empty());
  for (const auto& [repro, sig] : found) {
    RunResult input = testing::RunWithSchedule(w, repro.program, repro.schedule);
    MinimizeOptions opt;
    MinimizeResult m = Minimize(w, repro, input, sig, opt);
    EXPECT_LE(m.after.threads, m.before.threads) << sig;
    EXPECT_LE(m.after.ops, m.before.ops) << sig;
    EXPECT_LE(m.after.threads, 4);
    RunResult again = testing::RunWithSchedule(w, m.repro.program, m.repro.schedule);
    EXPECT_TRUE(ScheduleFits(m.repro, again.diverged, again.schedule)) << sig;
    bool same = false;
    for (const Finding& f : again.findings) same |= f.signature == sig;
    EXPECT_TRUE(same) << sig;

    // The engines' form: shorter than the full encoding, and still the same
    // finding when decoded and run under the byte strategy.
    std::string bin = ShortestBinary(w, m.repro, sig);
    EXPECT_LE(bin.size(), EncodeBinary(w, BinaryInput{m.repro.program, m.repro.schedule, 0}).size()) << sig;
    BinaryInput in = DecodeBinary(w, reinterpret_cast<const uint8_t*>(bin.data()), bin.size());
    auto strategy = MakeByteStrategy(in.choices, in.seed);
    bool same_binary = false;
    for (const Finding& f : RunOnce(w, in.program, *strategy).findings) same_binary |= f.signature == sig;
    EXPECT_TRUE(same_binary) << sig;
  }
}

TEST(Minimize, V50FindingsShrinkAndStillReproduce) { MinimizeAll("v5.0", 4, 6); }
TEST(Minimize, TrylockXattrFindingsShrinkAndStillReproduce) { MinimizeAll("trylock-xattr", 3, 4); }

TEST(Minimize, SeedChainBecomesAFewOpsOnAtMostThreeThreads) {
  const World& w = testing::Builtins().Load("v5.0");
  Program p = testing::ProgramFromText(w,
                                       "thread\n write f1\n splice_to_ovl p0 f0\n lookup d1\n fsync f0\n"
                                       "thread\n readdir d0\n splice_to_upper p0 f0\n truncate f1\n"
                                       "thread\n open f0\n tee p0 p1\n");
  Repro r;
  r.program = p;
  RunResult first;
  for (uint64_t seed = 0; first.findings.empty() && seed < 200; ++seed) {
    auto s = MakePctStrategy(seed, 3);
    first = RunOnce(w, p, *s);
  }
  ASSERT_FALSE(first.findings.empty());
  r.schedule = first.schedule;
  MinimizeResult m = Minimize(w, r, first, first.findings.front().signature, MinimizeOptions{});
  EXPECT_LE(m.after.threads, 3);
  EXPECT_LE(m.after.ops, 4);
  EXPECT_LT(m.after.ops, m.before.ops);
}

}  // namespace
}  // namespace ovlfuzz
