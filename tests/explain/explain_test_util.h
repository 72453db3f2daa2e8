// Helpers of the explain tests: fixture splats, schemes by name or file.
#ifndef OVLFUZZ_TESTS_EXPLAIN_EXPLAIN_TEST_UTIL_H_
#define OVLFUZZ_TESTS_EXPLAIN_EXPLAIN_TEST_UTIL_H_

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "model/explain/explain.h"
#include "model/explain/splat.h"
#include "tests/test_util.h"

namespace ovlfuzz::testing {

inline std::string FixturePath(const std::string& name) {
  return std::string(OVLFUZZ_SOURCE_DIR) + "/tests/explain/splats/" + name;
}

inline std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(OVLFUZZ_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Splat Fixture(const std::string& name) { return ParseSplat(ReadSource("tests/explain/splats/" + name), name); }

// Explain with a real clock and a budget, as the CLI runs it.
inline ExplainResult ExplainFor(const World& world, const Splat& splat, double seconds, int threads = 0, int ops = 0) {
  const auto start = std::chrono::steady_clock::now();
  ExplainOptions o;
  o.seconds = seconds;
  o.threads = threads;
  o.ops = ops;
  o.elapsed = [start] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  return Explain(world, splat, o);
}

}  // namespace ovlfuzz::testing

#endif  // OVLFUZZ_TESTS_EXPLAIN_EXPLAIN_TEST_UTIL_H_
