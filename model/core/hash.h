// Stable 64-bit FNV-1a hashing, used for scheme-text hashes and finding
// signatures. It must never change between releases: artifact names and the
// hashes recorded in .ovl files depend on it.
#ifndef OVLFUZZ_MODEL_CORE_HASH_H_
#define OVLFUZZ_MODEL_CORE_HASH_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ovlfuzz {

inline uint64_t Fnv1a64(std::string_view data, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Folds one word into a running hash (state keys, abstract states): fast
// and well mixed, not stable across releases like Fnv1a64.
inline uint64_t MixWord(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

inline std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_CORE_HASH_H_
