// LockState: one model lock word and the rules both engines apply to it
// (the controlled executor and the real-threads baseline). A mutex uses only
// the writer side. Readers share; a writer excludes everybody; a *waiting*
// writer blocks new readers (percpu_down_read() after percpu_down_write()
// has started; the kernel rwsem queues readers behind a waiting writer too).
#ifndef OVLFUZZ_MODEL_EXEC_LOCK_STATE_H_
#define OVLFUZZ_MODEL_EXEC_LOCK_STATE_H_

#include <cstdint>
#include <vector>

#include "model/scheme/scheme.h"
#include "model/world/world.h"

namespace ovlfuzz {

constexpr int kOwnerSb = -2;  // writer field of a frozen superblock's levels

struct LockState {
  int8_t writer = -1;  // thread, kOwnerSb, or -1
  uint8_t readers = 0;
  uint8_t reader_count[kMaxThreads] = {};
  uint8_t writers_waiting = 0;
  bool map = false;    // a lockdep map: never blocks, its word never changes
};

// The lock words of a run's start: every instance free, maps marked.
inline void ResetLockWords(const World& world, std::vector<LockState>* locks) {
  locks->assign(world.instances(), LockState());
  for (int i = 0; i < world.instances(); ++i) (*locks)[i].map = world.InstanceKind(i) == LockKind::kMap;
}
inline std::vector<LockState> InitialLockWords(const World& world) {
  std::vector<LockState> locks;
  ResetLockWords(world, &locks);
  return locks;
}

// Whether `read`/write acquisition can proceed now. A blocked writer is
// counted in writers_waiting, which does not hold up its own acquisition;
// a recursive reader does not queue behind a waiting writer at all.
inline bool CanAcquire(const LockState& s, bool read, bool recursive = false) {
  if (s.map) return true;
  if (read) return s.writer == -1 && (recursive || s.writers_waiting == 0);
  return s.writer == -1 && s.readers == 0;
}

inline void TakeLock(LockState& s, int thread, bool read) {
  if (s.map) return;
  if (read) {
    ++s.readers;
    ++s.reader_count[thread];
  } else {
    s.writer = static_cast<int8_t>(thread);
  }
}

inline void DropLock(LockState& s, int thread, bool read) {
  if (s.map) return;
  if (read) {
    --s.readers;
    --s.reader_count[thread];
  } else {
    s.writer = -1;
  }
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXEC_LOCK_STATE_H_
