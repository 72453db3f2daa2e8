// VisitedSet: open-addressing hash set of state hashes with one byte of
// payload each (the explorer's sleep mask or preemption count), packed in
// one 64-bit word: 56 bits of hash, 8 of payload. One cache line fetch per
// lookup, eight bytes per state, growing at half load: the explorer's memory
// is this table plus one saved state per search depth. (56-bit hash
// compaction: a collision, which could hide a state, has odds below 2^-24
// at 2^32 states.)
#ifndef OVLFUZZ_MODEL_VERIFY_VISITED_SET_H_
#define OVLFUZZ_MODEL_VERIFY_VISITED_SET_H_

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ovlfuzz {

class VisitedSet {
 public:
  VisitedSet() { Reset(); }
  void Reset() {
    Allocate(1 << 16);
    size_ = 0;
  }
  size_t size() const { return size_; }
  size_t bytes() const { return capacity_ * sizeof(uint64_t); }

  // Looks `hash` up; a new entry gets payload 0 and *inserted = true.
  // Returns the slot, whose payload Get/Set read and write.
  uint64_t* Find(uint64_t hash, bool* inserted) {
    uint64_t tag = hash & ~uint64_t{0xff};
    if (tag == 0) tag = 0x100;  // 0 marks an empty slot
    if (2 * (size_ + 1) > capacity_) Grow();
    const size_t mask = capacity_ - 1;
    size_t i = Index(tag, mask);
    while (slots_[i] != 0 && (slots_[i] & ~uint64_t{0xff}) != tag) i = (i + 1) & mask;
    *inserted = slots_[i] == 0;
    if (*inserted) {
      slots_[i] = tag;
      ++size_;
    }
    return &slots_[i];
  }
  static uint8_t Get(const uint64_t* slot) { return static_cast<uint8_t>(*slot); }
  static void Set(uint64_t* slot, uint8_t v) { *slot = (*slot & ~uint64_t{0xff}) | v; }

 private:
  static size_t Index(uint64_t tag, size_t mask) { return (tag * 0x9e3779b97f4a7c15ULL) >> 20 & mask; }
  // Huge pages where the kernel offers them on request: lookups are random
  // over hundreds of megabytes, so TLB misses would dominate otherwise.
  void Allocate(size_t n) {
    constexpr size_t kHuge = size_t{2} << 20;
    size_t bytes = (n * sizeof(uint64_t) + kHuge - 1) / kHuge * kHuge;
    slots_.reset(static_cast<uint64_t*>(std::aligned_alloc(kHuge, bytes)));
    if (!slots_) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(slots_.get(), bytes, MADV_HUGEPAGE);
#endif
    std::memset(slots_.get(), 0, n * sizeof(uint64_t));
    capacity_ = n;
  }
  void Grow() {
    std::unique_ptr<uint64_t[], Free> old(slots_.release());
    const size_t old_capacity = capacity_;
    Allocate(capacity_ * 2);
    const size_t mask = capacity_ - 1;
    for (size_t j = 0; j < old_capacity; ++j) {
      uint64_t s = old[j];
      if (s == 0) continue;
      size_t i = Index(s & ~uint64_t{0xff}, mask);
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  struct Free {
    void operator()(uint64_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint64_t[], Free> slots_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_VISITED_SET_H_
