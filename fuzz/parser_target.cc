// libFuzzer entry point of the parser targets: fuzz_scheme_parser and
// fuzz_repro_text (OVLFUZZ_PARSER_TARGET selects the body, see
// parser_targets.h). Unlike the fuzz_<scheme> targets a finding of the
// model is no crash here: only crashes, sanitizer reports, leaks, uncaught
// non-InputError exceptions and timeouts are.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/parser_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  ovlfuzz::fuzz::OVLFUZZ_PARSER_TARGET(in);
  return 0;
}
