// StateKey: the 64-bit hash of an executor state the explorer keeps in its
// visited set, optionally canonical under thread permutation.
//
// Only what determines the future is hashed: thread status, op position,
// call frames, held locks (in order; their sites are history), what a
// blocked thread waits for, lock words, inode flags and freeze state, plus
// the explorer's own words (`extra`). Under symmetry the threads are sorted
// by the hash of their local state and every thread id inside lock words
// and freeze state is renamed to its sorted position, so states that differ
// only by a permutation of threads get one key.
#ifndef OVLFUZZ_MODEL_VERIFY_STATE_KEY_H_
#define OVLFUZZ_MODEL_VERIFY_STATE_KEY_H_

#include <cstdint>

#include "model/core/hash.h"
#include "model/exec/execution.h"

namespace ovlfuzz {

struct StateKey {
  uint64_t hash = 0;
  int order[kMaxThreads] = {0, 1, 2, 3, 4, 5, 6, 7};  // sorted position -> thread
  int rank[kMaxThreads] = {0, 1, 2, 3, 4, 5, 6, 7};   // thread -> sorted position
  // Threads whose local state ties with another's: symmetric, so a mask
  // over them can only be mapped conservatively (see Explorer).
  uint8_t tied = 0;
};

// The hash of one thread's local state (ThreadLocalHash changes only when
// that thread steps, so the explorer recomputes one per step).
uint64_t ThreadLocalHash(const World& world, const ThreadState& th);

// `with_last` adds the last thread that ran (preemption bounding);
// `with_locks` the lock words, which are redundant (for tests); `local`,
// when given, holds ThreadLocalHash of every thread.
StateKey MakeStateKey(const Execution& x, bool symmetric, bool with_last, uint64_t extra, bool with_locks = false,
                      const uint64_t* local = nullptr);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_STATE_KEY_H_
