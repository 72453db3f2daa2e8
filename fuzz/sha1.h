// SHA-1 of a byte string, hex: libFuzzer names crash files crash-<sha1>, so
// the target can print the exact path of the file it is about to produce.
#ifndef OVLFUZZ_FUZZ_SHA1_H_
#define OVLFUZZ_FUZZ_SHA1_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace ovlfuzz::engine {
std::string Sha1Hex(const uint8_t* data, size_t size);
}  // namespace ovlfuzz::engine

#endif  // OVLFUZZ_FUZZ_SHA1_H_
