#include "model/program/repro.h"

#include <gtest/gtest.h>

#include "model/core/rng.h"
#include "model/program/generate.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

const World& V50() { return testing::Builtins().Load("v5.0"); }

Repro Parse(const std::string& text) {
  const World* w = nullptr;
  return ParseRepro(text, "x.ovl", [](const Repro& rep, int, int) -> const World& {
    return testing::Builtins().Load(rep.scheme_ref);
  }, &w);
}

std::string Header() { return "ovlfuzz 1\nscheme v5.0 " + Hex64(V50().scheme().hash) + "\nstrategy pct 3 42\n"; }

TEST(Repro, RoundTripsGeneratedPrograms) {
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    Repro r;
    r.scheme_ref = "v5.0";
    r.strategy = {StrategyKind::kRandom, 2, rng.Next()};
    r.program = GenerateProgram(V50(), GenLimits{4, 8}, rng);
    for (int k = 0, n = static_cast<int>(rng.Below(40)); k < n; ++k)
      r.schedule.push_back(static_cast<uint8_t>(rng.Below(r.program.threads.size())));
    r.comments = {"# a comment"};
    std::string text = FormatRepro(V50(), r);
    Repro back = Parse(text);
    ASSERT_EQ(back.program, r.program) << text;
    ASSERT_EQ(back.schedule, r.schedule) << text;
    ASSERT_EQ(back.strategy.seed, r.strategy.seed);
    ASSERT_EQ(FormatRepro(V50(), back), text);
  }
}

struct Bad {
  std::string body;  // appended to the valid header unless it starts with '!'
  int line;
  int col;
  const char* part;
};

TEST(Repro, RejectsBadInputWithLineAndColumn) {
  const std::vector<Bad> cases = {
      {"thread\n  write f9\nschedule\n", 5, 9, "outside the scheme's world"},
      {"thread\n  write p0\nschedule\n", 5, 9, "expected a file"},
      {"thread\n  frob f0\nschedule\n", 5, 3, "has no op 'frob'"},
      {"thread\n  write\nschedule\n", 5, 3, "takes 1 arguments"},
      {"thread\n  write f0\nschedule 1\n", 6, 10, "does not have"},
      {"thread\n  write f0\n", 6, 1, "truncated reproducer"},
      {"thread\n  write f0\nschedule 0*x\n", 6, 10, "expected a repeat count"},
      {"  write f0\nschedule\n", 4, 3, "before the first 'thread'"},
      {"!ovlfuzz 2\n", 1, 9, "unsupported reproducer version"},
      {"!hello\n", 1, 1, "not an ovlfuzz reproducer"},
      {"!ovlfuzz 1\n", 2, 1, "truncated reproducer"},
      {"!ovlfuzz 1\nscheme /tmp/my.scheme any\n", 2, 8, "a scheme path must be quoted: scheme \"/tmp/my.scheme\" HASH"},
      {"!ovlfuzz 1\nscheme s/my-v5.scheme 0123456789abcdef\n", 2, 8, "must be quoted: scheme \"s/my-v5.scheme\""},
      {"!ovlfuzz 1\nscheme v5.0 12 34\n", 2, 16, "expected 'scheme NAME HASH'"},
      {"!ovlfuzz 1\nscheme v5.0 any\nstrategy pct 3 1\nthread\n  thaw\nschedule\nscheme-text x\n|y\n", 8, 1,
       "before its first '@ FILE:LINE'"},
      {"!ovlfuzz 1\nscheme v5.0 0123456789abcdef\nstrategy pct 3 1\nthread\n  thaw\nschedule\nscheme-text x\n@ x:1\n"
       "|y\n", 7, 1, "does not match the hash on line 2"},
  };
  for (const Bad& c : cases) {
    std::string text = c.body[0] == '!' ? c.body.substr(1) : Header() + c.body;
    try {
      Parse(text);
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), c.line) << e.what();
      EXPECT_EQ(e.col(), c.col) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.part), std::string::npos) << e.what();
    }
  }
}

TEST(Repro, ChangedSchemeIsFlaggedNotRejected) {
  Repro r = Parse("ovlfuzz 1\nscheme v5.0 0000000000000000\nstrategy pct 3 1\nthread\n  write f0\nschedule\n");
  EXPECT_TRUE(r.scheme_changed);
  EXPECT_FALSE(Parse(Header() + "thread\n  write f0\nschedule\n").scheme_changed);
}

TEST(Repro, ScheduleMustFitExactly) {
  Repro r;
  r.schedule = {0, 1};
  EXPECT_TRUE(ScheduleFits(r, false, {0, 1}));
  EXPECT_FALSE(ScheduleFits(r, false, {0}));
  EXPECT_FALSE(ScheduleFits(r, true, {0, 1}));
}

TEST(Repro, RandomBytesNeverCrash) {
  Rng rng(11);
  std::string valid = Header() + "thread\n  splice_to_ovl p0 f0\nthread\n  write f1\nschedule 0 1*2\n";
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    int edits = static_cast<int>(rng.Range(1, 6));
    for (int k = 0; k < edits; ++k) {
      size_t pos = rng.Below(text.size() + 1);
      switch (rng.Below(3)) {
        case 0: text.insert(pos, 1, static_cast<char>(rng.Below(256))); break;
        case 1: if (pos < text.size()) text.erase(pos, 1); break;
        default: text = text.substr(0, pos); break;
      }
    }
    try {
      Parse(text);
    } catch (const InputError&) {
    }
  }
}

}  // namespace
}  // namespace ovlfuzz
