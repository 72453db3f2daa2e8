// The bodies of the parser fuzz targets (fuzz_scheme_parser,
// fuzz_repro_text), apart from their libFuzzer entry points so the
// GoogleTest suite can run the very same code in the release build.
//
// Both take arbitrary bytes and go down the path of a CLI command:
// CheckSchemeText() the one of `ovlfuzz check-scheme FILE` (compose,
// parse, world, lint) plus `ovlfuzz schemes --show`, ReplayReproText() the
// one of `ovlfuzz replay FILE` (text or binary detection, parse, built-in
// scheme, one run, every report format). Both are hermetic: a scheme may
// extend or name only built-in schemes, no file is read or written. Bad
// input is an InputError, which they turn into `false`; any other
// exception, crash or sanitizer report is a bug the fuzzer must see, so it
// is not caught.
#ifndef OVLFUZZ_FUZZ_PARSER_TARGETS_H_
#define OVLFUZZ_FUZZ_PARSER_TARGETS_H_

#include <string_view>

namespace ovlfuzz::fuzz {

// True when the bytes are a valid scheme (errors, not lint warnings, fail).
bool CheckSchemeText(std::string_view data);

// True when the bytes replayed (findings or not); false on an InputError.
bool ReplayReproText(std::string_view data);

}  // namespace ovlfuzz::fuzz

#endif  // OVLFUZZ_FUZZ_PARSER_TARGETS_H_
