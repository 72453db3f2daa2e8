// Deterministic pseudo-random numbers for the model.
//
// The standard <random> distributions are implementation-defined, so a run's
// schedule could differ between libstdc++ and libc++. ovlfuzz promises "same
// input + seed => same schedule, bit for bit", hence this self-contained
// xoshiro256** generator seeded through SplitMix64, with an unbiased Below().
#ifndef OVLFUZZ_MODEL_CORE_RNG_H_
#define OVLFUZZ_MODEL_CORE_RNG_H_

#include <cstdint>

namespace ovlfuzz {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { Seed(seed); }

  void Seed(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n == 0 yields 0. Lemire-style rejection keeps it unbiased.
  uint64_t Below(uint64_t n) {
    if (n <= 1) return 0;
    const uint64_t limit = -n % n;  // 2^64 mod n
    for (;;) {
      const uint64_t r = Next();
      if (r >= limit) return r % n;
    }
  }

  // Uniform in [lo, hi] inclusive.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability num/den.
  bool Chance(uint64_t num, uint64_t den) { return Below(den) < num; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_CORE_RNG_H_
