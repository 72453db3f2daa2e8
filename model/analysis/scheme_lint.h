// SchemeLint: the static checks of `ovlfuzz check-scheme` beyond parsing.
// Errors: an unlock that some path reaches without holding the lock (the
// scheme's "bad unlock balance", found by the static lock graph's walk of
// every path). Warnings: declared locks no statement names, subs no op
// reaches.
#ifndef OVLFUZZ_MODEL_ANALYSIS_SCHEME_LINT_H_
#define OVLFUZZ_MODEL_ANALYSIS_SCHEME_LINT_H_

#include <string>
#include <vector>

#include "model/world/world.h"

namespace ovlfuzz {

struct LintMessage {
  int line = 0;
  int col = 0;
  std::string message;
};

struct SchemeLint {
  std::vector<LintMessage> errors;
  std::vector<LintMessage> warnings;
};

SchemeLint LintScheme(const World& world);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ANALYSIS_SCHEME_LINT_H_
