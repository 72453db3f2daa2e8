#include "model/program/binary_codec.h"

#include <algorithm>

#include "model/world/world.h"

namespace ovlfuzz {
namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  uint8_t Byte() { return p_ < end_ ? *p_++ : 0; }
  // LEB128, at most 10 bytes; a truncated varint reads what is there.
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

BinaryInput DecodeBinary(const World& world, const uint8_t* data, size_t size) {
  const Scheme& s = world.scheme();
  Reader r(data, size);
  size_t max_threads = kV1Threads;
  if (size >= 1 && data[0] == kBinaryMagic) {
    r.Byte();
    if (r.Byte() >= 2) max_threads = kMaxThreads;  // 0, 1: version 1 rules
  }
  BinaryInput in;
  const size_t threads = r.Varint() % max_threads + 1;
  for (size_t t = 0; t < threads; ++t) {
    if (t > 0 && r.remaining() == 0) break;  // no bytes, no more threads
    size_t ops = r.Varint() % kMaxOpsPerThread + 1;
    in.program.threads.emplace_back();
    for (size_t i = 0; i < ops; ++i) {
      if (i > 0 && r.remaining() == 0) break;
      OpCall c;
      c.routine = static_cast<int16_t>(s.ops[r.Varint() % s.ops.size()]);
      const Routine& rt = s.routines[c.routine];
      for (size_t k = 0; k < rt.params.size(); ++k)
        c.args[k] = static_cast<uint8_t>(r.Byte() % world.ArgDomain(rt.params[k]));
      in.program.threads.back().push_back(c);
    }
  }
  uint64_t choices = r.Varint();
  if (choices > r.remaining()) choices = r.remaining();
  in.choices.reserve(choices);
  for (uint64_t i = 0; i < choices; ++i) in.choices.push_back(static_cast<uint8_t>(r.Byte() % max_threads));
  for (int i = 0; i < 8; ++i) in.seed |= static_cast<uint64_t>(r.Byte()) << (8 * i);
  return in;
}

std::string EncodeBinary(const World& world, const BinaryInput& in, bool magic) {
  const Scheme& s = world.scheme();
  std::string out;
  const bool v1 = in.program.threads.size() <= static_cast<size_t>(kV1Threads) &&
                  std::all_of(in.choices.begin(), in.choices.end(), [](uint8_t c) { return c < kV1Threads; });
  if (magic || !v1) {
    out.push_back(static_cast<char>(kBinaryMagic));
    out.push_back(static_cast<char>(v1 ? 1 : kBinaryVersion));
  }
  PutVarint(&out, in.program.threads.empty() ? 0 : in.program.threads.size() - 1);
  for (const auto& ops : in.program.threads) {
    PutVarint(&out, ops.empty() ? 0 : ops.size() - 1);
    for (const OpCall& c : ops) {
      size_t k = 0;
      while (k < s.ops.size() && s.ops[k] != c.routine) ++k;
      PutVarint(&out, k);
      const Routine& rt = s.routines[c.routine];
      for (size_t a = 0; a < rt.params.size(); ++a) out.push_back(static_cast<char>(c.args[a]));
    }
  }
  PutVarint(&out, in.choices.size());
  for (uint8_t c : in.choices) out.push_back(static_cast<char>(c));
  // Trailing zero seed bytes are left out: the decoder reads missing bytes
  // as zero, so the shorter form decodes to the same input.
  for (uint64_t seed = in.seed; seed != 0; seed >>= 8) out.push_back(static_cast<char>(seed & 0xff));
  return out;
}

}  // namespace ovlfuzz
