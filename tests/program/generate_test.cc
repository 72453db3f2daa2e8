#include "model/program/generate.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

TEST(Generate, DeterministicForASeed) {
  const World& w = testing::Builtins().Load("mainline");
  Rng a(5), b(5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(GenerateProgram(w, {}, a), GenerateProgram(w, {}, b));
}

TEST(Mutate, EveryMutationKeepsProgramsValid) {
  const World& w = testing::Builtins().Load("v5.0");
  Rng rng(9);
  GenLimits lim{4, 6};
  std::set<std::string> used;
  for (int i = 0; i < 2000; ++i) {
    Program p = GenerateProgram(w, lim, rng);
    Program before = p;
    for (const std::string& m : Mutate(w, lim, rng, &p)) used.insert(m);
    ASSERT_FALSE(p.threads.empty()) << FormatOpCall(w, before.threads[0][0]);
    ASSERT_LE(p.threads.size(), static_cast<size_t>(kMaxThreads));
    for (const auto& t : p.threads) {
      ASSERT_FALSE(t.empty());
      for (const OpCall& c : t) {
        const Routine& r = w.scheme().routines[c.routine];
        ASSERT_TRUE(r.is_op);
        for (size_t k = 0; k < r.params.size(); ++k) ASSERT_LT(c.args[k], w.ArgDomain(r.params[k]));
      }
    }
  }
  EXPECT_EQ(used.size(), Mutations().size()) << "every table entry applies sometimes";
}

TEST(Sanitize, ClampsOutOfRangeValues) {
  const World& w = testing::Builtins().Load("v5.0");
  Program p;
  p.threads = {{OpCall{9999, {200, 200, 200}}}, {}};
  Sanitize(w, &p);
  ASSERT_EQ(p.threads.size(), 1u);
  EXPECT_TRUE(w.scheme().routines[p.threads[0][0].routine].is_op);
}

}  // namespace
}  // namespace ovlfuzz
