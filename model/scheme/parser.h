// ParseScheme(): scheme text -> compiled Scheme (see scheme.h and
// docs/schemes.md). Validation is complete: a Scheme that parses can be run
// without further checks. Errors throw InputError with FILE:LINE:COL.
#ifndef OVLFUZZ_MODEL_SCHEME_PARSER_H_
#define OVLFUZZ_MODEL_SCHEME_PARSER_H_

#include <string>
#include <string_view>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

Scheme ParseScheme(std::string_view text, const std::string& path);

// Finding kinds a scheme's `expect:` line may name.
bool IsKnownFindingKind(const std::string& kind);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_PARSER_H_
