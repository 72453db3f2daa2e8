// What `ovlfuzz explain` prints and writes: the splat's heading, per scheme
// the verdict, the splat's entries beside the model's dependencies, the
// reproducer's lockdep-shaped report, and explain.json.
#ifndef OVLFUZZ_CLI_EXPLAIN_REPORT_H_
#define OVLFUZZ_CLI_EXPLAIN_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "model/explain/explain.h"

namespace ovlfuzz::cli {

// Where the reproducers of one scheme were written (empty: none).
struct ExplainFiles {
  std::string reproducer;
  std::string deadlock;
};

std::string SplatHeading(const Splat& splat);
std::string ExplainText(const World& world, const Splat& splat, const ExplainResult& r, const ExplainFiles& files);
// "reproduced in 0.01s", "absent for any bounds", ...: the one-line verdict.
std::string VerdictLine(const World& world, const ExplainResult& r);

nlohmann::json SplatJson(const Splat& splat);
// `scheme` as the user gave it.
nlohmann::json ExplainJson(const World& world, const std::string& scheme, const ExplainResult& r,
                           const ExplainFiles& files);

}  // namespace ovlfuzz::cli

#endif  // OVLFUZZ_CLI_EXPLAIN_REPORT_H_
