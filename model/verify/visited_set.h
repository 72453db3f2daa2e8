// VisitedSet: open-addressing hash set of state hashes with one byte of
// payload each (the explorer's sleep mask or preemption count), packed in
// one 64-bit word: 56 bits of hash, 8 of payload. One cache line fetch per
// lookup, eight bytes per state, growing at half load: the explorer's memory
// is this table plus one saved state per search depth. (56-bit hash
// compaction: a collision, which could hide a state, has odds below 2^-24
// at 2^32 states.)
//
// Shared mode (`ovlfuzz verify --jobs`): the table lives in memory the
// caller shares between processes, has a fixed size, and every slot is
// read and written with atomic operations, so the jobs prune each other's
// states (SPIN's multi-core search shares its state store the same way).
// An entry is inserted together with its payload in one compare-and-swap,
// so no job ever sees a state without the payload it was explored with.
// When the table is three-quarters full, full() turns true and the job
// stores new states in a private, growing table instead (lookups still see
// the shared entries): the search keeps pruning and ends as promptly as a
// single job would, only the jobs no longer see each other's new states.
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
  // Uses `slots` (zeroed, shared with other processes: `capacity`, a power
  // of two, entries and one more word counting them) instead of an own,
  // growing table.
  void Share(uint64_t* slots, size_t capacity) {
    slots_.reset();
    shared_ = slots;
    capacity_ = capacity;
    size_ = 0;
    full_ = false;
    overflow_.reset();
  }
  bool full() const { return full_; }
  size_t size() const { return size_; }
  size_t bytes() const { return capacity_ * sizeof(uint64_t); }

  // Looks `hash` up; a new entry gets `payload` and *inserted = true.
  // Returns the slot, whose payload Get/Set read and write.
  uint64_t* Find(uint64_t hash, uint8_t payload, bool* inserted) {
    uint64_t tag = hash & ~uint64_t{0xff};
    if (tag == 0) tag = 0x100;  // 0 marks an empty slot
    if (shared_) return FindShared(tag, payload, inserted);
    if (2 * (size_ + 1) > capacity_) Grow();
    const size_t mask = capacity_ - 1;
    size_t i = Index(tag, mask);
    while (slots_[i] != 0 && (slots_[i] & ~uint64_t{0xff}) != tag) i = (i + 1) & mask;
    *inserted = slots_[i] == 0;
    if (*inserted) {
      slots_[i] = tag | payload;
      ++size_;
    }
    return &slots_[i];
  }
  static uint8_t Get(const uint64_t* slot) { return static_cast<uint8_t>(__atomic_load_n(slot, __ATOMIC_ACQUIRE)); }
  // Replaces the payload (atomically: other jobs may update it too).
  static void Set(uint64_t* slot, uint8_t v) {
    uint64_t old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    while (!__atomic_compare_exchange_n(slot, &old, (old & ~uint64_t{0xff}) | v, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
    }
  }

 private:
  uint64_t* FindShared(uint64_t tag, uint8_t payload, bool* inserted) {
    if (4 * (__atomic_load_n(&shared_[capacity_], __ATOMIC_RELAXED) + 1) > 3 * capacity_) full_ = true;
    const size_t mask = capacity_ - 1;
    for (size_t i = Index(tag, mask);; i = (i + 1) & mask) {
      uint64_t cur = __atomic_load_n(&shared_[i], __ATOMIC_ACQUIRE);
      if (cur == 0 && full_) {
        // Not shared: keep it privately (the table stays below full load,
        // so this probe ended at an empty slot).
        if (!overflow_) overflow_ = std::make_unique<VisitedSet>();
        size_t before = overflow_->size();
        uint64_t* slot = overflow_->Find(tag, payload, inserted);
        size_ += overflow_->size() - before;
        return slot;
      }
      if (cur == 0) {
        if (__atomic_compare_exchange_n(&shared_[i], &cur, tag | payload, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
          *inserted = true;
          ++size_;  // this job's insertions
          __atomic_fetch_add(&shared_[capacity_], 1, __ATOMIC_RELAXED);
          return &shared_[i];
        }
        // Lost the race for this slot: `cur` is the winner's entry.
      }
      if ((cur & ~uint64_t{0xff}) == tag) {
        *inserted = false;
        return &shared_[i];
      }
    }
  }
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
  uint64_t* shared_ = nullptr;
  std::unique_ptr<VisitedSet> overflow_;  // shared mode, once full
  bool full_ = false;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_VISITED_SET_H_
