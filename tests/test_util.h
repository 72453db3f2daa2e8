// Helpers shared by the tests: load schemes from text or by built-in name,
// write programs in .ovl syntax, run them under a schedule.
#ifndef OVLFUZZ_TESTS_TEST_UTIL_H_
#define OVLFUZZ_TESTS_TEST_UTIL_H_

#include <fstream>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/harness/run_once.h"
#include "model/program/repro.h"
#include "model/scheme/parser.h"
#include "model/program/generate.h"
#include "model/scheme/scheme_loader.h"

// Sanitizer builds run 10-50x slower: statistical and mutation tests take
// fewer samples there (the properties do not depend on the build).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define OVLFUZZ_SLOW_BUILD 1
#endif
#endif

namespace ovlfuzz::testing {

inline SchemeSet& Builtins() {
  static SchemeSet set([](const std::string& path) -> std::string {
    throw InputError(path, 1, 1, "cannot open: tests load built-in schemes only");
  });
  return set;
}

// A scheme parsed from text, with its world; kept alive by the test.
struct OwnedWorld {
  std::unique_ptr<Scheme> scheme;
  std::unique_ptr<World> world;
};

inline OwnedWorld WorldFromText(const std::string& text, const std::string& path = "test.scheme") {
  OwnedWorld w;
  w.scheme = std::make_unique<Scheme>(ParseScheme(text, path));
  w.world = std::make_unique<World>(*w.scheme);
  return w;
}

// `body` is the thread/op part of a .ovl file ("thread\n  write f0\n...").
// A file of the source tree (a docs/examples scheme, a fixture).
inline std::string ReadSchemeFile(const std::string& relative) {
  std::ifstream in(std::string(OVLFUZZ_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Program ProgramFromText(const World& world, const std::string& body) {
  std::string text = "ovlfuzz 1\nscheme test " + Hex64(world.scheme().hash) + "\nstrategy pct 3 1\n" + body +
                     "\nschedule\n";
  const World* out = nullptr;
  Repro r = ParseRepro(text, "program.ovl", [&](const Repro&, int, int) -> const World& { return world; }, &out);
  return r.program;
}

inline RunResult RunWithSchedule(const World& world, const Program& p, std::vector<uint8_t> schedule) {
  auto strategy = MakeReplayStrategy(std::move(schedule));
  return RunOnce(world, p, *strategy);
}

inline std::set<std::string> Kinds(const RunResult& r) {
  std::set<std::string> k;
  for (const Finding& f : r.findings) k.insert(FindingKindName(f.kind));
  return k;
}

}  // namespace ovlfuzz::testing

#endif  // OVLFUZZ_TESTS_TEST_UTIL_H_
