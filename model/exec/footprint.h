// Footprint: what one scheduling step (slice) of one thread read and wrote,
// recorded by the executor when the explorer asks for it. Two steps of
// different threads are independent (they commute, and neither enables or
// disables the other) when their footprints do not conflict; partial-order
// reduction (model/verify) prunes on that.
//
// Locks are accessed "shared" (a read acquisition or release: readers of an
// rwsem commute with each other) or "exclusive" (everything that touches the
// writer side or writers_waiting). Inode flags and superblock freeze state
// are tracked per object in 64-bit masks; objects beyond 64 alias, which only
// adds conflicts. `pseudo` names explorer-level state that is ordered (the
// lock-dependency list, the completion order of ops).
#ifndef OVLFUZZ_MODEL_EXEC_FOOTPRINT_H_
#define OVLFUZZ_MODEL_EXEC_FOOTPRINT_H_

#include <cstdint>

namespace ovlfuzz {

struct Footprint {
  static constexpr int kMaxLocks = 24;
  int32_t locks[kMaxLocks];  // instance << 1 | exclusive
  uint8_t nlocks = 0;
  bool overflow = false;  // more lock accesses than fit: conflicts with everything
  uint64_t inodes_read = 0;
  uint64_t inodes_written = 0;
  uint64_t supers_read = 0;
  uint64_t supers_written = 0;
  uint32_t pseudo = 0;

  void Clear() { *this = Footprint(); }
  void Lock(int inst, bool exclusive) {
    if (nlocks == kMaxLocks) {
      overflow = true;
      return;
    }
    locks[nlocks++] = inst << 1 | (exclusive ? 1 : 0);
  }
  void Merge(const Footprint& o) {
    for (int i = 0; i < o.nlocks; ++i) Lock(o.locks[i] >> 1, o.locks[i] & 1);
    overflow |= o.overflow;
    inodes_read |= o.inodes_read;
    inodes_written |= o.inodes_written;
    supers_read |= o.supers_read;
    supers_written |= o.supers_written;
    pseudo |= o.pseudo;
  }
  static uint64_t Bit(int object) { return uint64_t{1} << (object & 63); }

  bool ConflictsWith(const Footprint& o) const {
    if (overflow || o.overflow) return true;
    if (pseudo & o.pseudo) return true;
    if (inodes_written & (o.inodes_read | o.inodes_written)) return true;
    if (o.inodes_written & inodes_read) return true;
    if (supers_written & (o.supers_read | o.supers_written)) return true;
    if (o.supers_written & supers_read) return true;
    for (int i = 0; i < nlocks; ++i)
      for (int j = 0; j < o.nlocks; ++j)
        if ((locks[i] >> 1) == (o.locks[j] >> 1) && ((locks[i] | o.locks[j]) & 1)) return true;
    return false;
  }
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXEC_FOOTPRINT_H_
