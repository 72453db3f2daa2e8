// Robustness: mutants of every built-in scheme and of every regression
// reproducer (one-file and name-only forms) go down the check-scheme and
// replay paths in process. Each must be accepted or rejected with an
// InputError that points into the mutated text: a line the text has (or
// the one after its end), a column >= 1. Anything else (another exception,
// a crash, a sanitizer report) fails the test. The mutations are the ones
// hand edits and mail clients make: a byte changed, a line dropped,
// doubled or swapped, a cut, a token pasted in, a number blown up.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/analysis/scheme_lint.h"
#include "model/core/input_error.h"
#include "model/core/rng.h"
#include "model/harness/replay.h"
#include "model/scheme/builtin.h"
#include "model/scheme/compose.h"
#include "model/scheme/lexer.h"
#include "tests/cli/cli_fixture.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

#ifdef OVLFUZZ_SLOW_BUILD
constexpr int kMutants = 40;
#else
constexpr int kMutants = 300;
#endif

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string Mutate(const std::string& text, Rng& rng) {
  static const char* kTokens[] = {"(",
                                  ")",
                                  ":",
                                  "end",
                                  "if ",
                                  "else",
                                  "lock ",
                                  "trylock ",
                                  "#",
                                  "\"",
                                  "\t",
                                  "\r",
                                  "\xff",
                                  "\xEF\xBB\xBF",
                                  "/1",
                                  "read",
                                  "*",
                                  "scheme ",
                                  "@ ",
                                  "|",
                                  "thread",
                                  "schedule 0*999999",
                                  "99999999999999999999",
                                  "-1",
                                  "upper(",
                                  "parent("};
  std::string s = text;
  std::vector<std::string> lines = SplitLines(s);
  switch (rng.Below(7)) {
    case 0:  // one byte changed
      if (!s.empty()) s[rng.Below(s.size())] = static_cast<char>(rng.Below(256));
      return s;
    case 1:  // a line dropped
      if (!lines.empty()) lines.erase(lines.begin() + rng.Below(lines.size()));
      return Join(lines);
    case 2:  // a line doubled
      if (!lines.empty()) {
        size_t i = rng.Below(lines.size());
        lines.insert(lines.begin() + i, lines[i]);
      }
      return Join(lines);
    case 3:  // two lines swapped
      if (lines.size() > 1) std::swap(lines[rng.Below(lines.size())], lines[rng.Below(lines.size())]);
      return Join(lines);
    case 4:  // cut
      return s.substr(0, rng.Below(s.size() + 1));
    case 5:  // a token pasted in
      s.insert(rng.Below(s.size() + 1), kTokens[rng.Below(sizeof kTokens / sizeof kTokens[0])]);
      return s;
    default: {  // a number blown up
      size_t at = s.find_first_of("0123456789", rng.Below(s.size() + 1));
      if (at != std::string::npos) s.insert(at, "4294967296");
      return s;
    }
  }
}

void ExpectPointsInto(const InputError& e, const std::string& text, const std::string& what) {
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  EXPECT_GE(e.line(), 1) << what << ": " << e.what();
  EXPECT_LE(e.line(), lines + 1) << what << ": " << e.what();
  EXPECT_GE(e.col(), 1) << what << ": " << e.what();
  EXPECT_EQ(e.what(), std::string(e.what()).substr(0, std::string(e.what()).find('\n'))) << "multi-line error";
}

// Built-in names only: a mutant must not read files.
SchemeSet& Hermetic() {
  static SchemeSet set(
      [](const std::string& path) -> std::string { throw InputError(path, 0, 0, "not readable here"); });
  return set;
}

TEST(Robustness, MutatedSchemesAreAcceptedOrOneCleanError) {
  Rng rng(13);
  int rejected = 0, total = 0;
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    for (int i = 0; i < kMutants; ++i, ++total) {
      const std::string text = Mutate(b.text, rng);
      try {
        Scheme s = LoadScheme({text, "m.scheme", "m.scheme"}, Hermetic().Loader());
        World w(s);
        LintScheme(w);
      } catch (const InputError& e) {
        ++rejected;
        // Errors in a base (`extends`) point into the base, which is intact.
        if (e.file() == "m.scheme") ExpectPointsInto(e, text, b.name);
      }
    }
  }
  EXPECT_GT(rejected, total / 4);  // the mutations do bite
}

TEST(Robustness, MutatedReproducersAreAcceptedOrOneCleanError) {
  std::vector<std::string> inputs;
  const std::string dir = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (std::string(e->d_name).find(".ovl") != std::string::npos)
        inputs.push_back(testing::Slurp(dir + "/" + e->d_name));
    closedir(d);
  }
  ASSERT_FALSE(inputs.empty());
  // The one-file form of each: replayed once, written back with its scheme.
  for (size_t i = 0, n = inputs.size(); i < n; ++i) {
    Replayable r = LoadReplayable(inputs[i], "r.ovl", "", Hermetic());
    Replay(&r, "r.ovl", RunLimits{});
    inputs.push_back(FormatRepro(*r.world, r.repro));
  }
  std::sort(inputs.begin(), inputs.end());
  Rng rng(17);
  int rejected = 0, total = 0;
  for (const std::string& input : inputs) {
    for (int i = 0; i < kMutants / 2; ++i, ++total) {
      const std::string text = Mutate(input, rng);
      try {
        Replayable r = LoadReplayable(text, "r.ovl", LooksText(text) ? "" : "v5.0", Hermetic());
        RunLimits limits;
        limits.max_steps = 20000;
        Replay(&r, "r.ovl", limits);
      } catch (const InputError& e) {
        ++rejected;
        if (e.file() == "r.ovl") ExpectPointsInto(e, text, input.substr(0, 60));
      }
    }
  }
  EXPECT_GT(rejected, total / 4);
}

}  // namespace
}  // namespace ovlfuzz
