// Binary encoding of (program, scheduler choices) for fuzzing engines.
//
// Layout (all integers LEB128 varints):
//   0xB5 V                      magic and version (optional on input)
//   T                           threads - 1            (taken mod 4 in version 1,
//                                                        mod 8 = kMaxThreads in version 2)
//   per thread: N               ops - 1                (taken mod kMaxOpsPerThread)
//     per op:   K, then one byte per parameter         (K mod #ops, byte mod domain)
//   L                           number of choice bytes (clamped to what remains)
//   L bytes                     scheduler choices: thread ids (mod 4 / mod 8), see ByteStrategy
//   up to 8 bytes               little-endian seed for choices past the L bytes
//                               (trailing zero bytes omitted when encoding)
//
// Version 1 (up to 4 threads) is also what an input without the magic
// decodes as, so every engine input and crash file written before version 2
// decodes to the same program and choices. The encoder writes version 1
// when it can (the magic-less shortest form needs it) and version 2, with
// the magic, for a program of more than 4 threads or a choice of thread 4+.
//
// The decoder is *total*: every byte string, including the empty one, maps
// to a valid program (values wrap, missing bytes read as zero, lengths are
// checked against the bytes that remain before anything is allocated), so
// libFuzzer and AFL++ never feed the harness an input it rejects.
// EncodeBinary(DecodeBinary(x)) is canonical, and DecodeBinary(EncodeBinary(p))
// gives back p for every valid p.
#ifndef OVLFUZZ_MODEL_PROGRAM_BINARY_CODEC_H_
#define OVLFUZZ_MODEL_PROGRAM_BINARY_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/program/program.h"

namespace ovlfuzz {

class World;

constexpr uint8_t kBinaryMagic = 0xB5;
constexpr uint8_t kBinaryVersion = 2;
constexpr int kV1Threads = 4;  // version 1's thread limit

struct BinaryInput {
  Program program;
  std::vector<uint8_t> choices;  // preferred thread per scheduling decision
  uint64_t seed = 0;             // PRNG for decisions past `choices`
};

BinaryInput DecodeBinary(const World& world, const uint8_t* data, size_t size);
// `magic` false leaves out the two magic bytes (the shortest form; callers
// that must tell binary from text keep them).
std::string EncodeBinary(const World& world, const BinaryInput& input, bool magic = true);

// True when `data` starts with the binary magic byte (text never does).
inline bool LooksBinary(const std::string& data) {
  return !data.empty() && static_cast<uint8_t>(data[0]) == kBinaryMagic;
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_PROGRAM_BINARY_CODEC_H_
