// The free-running baseline: `ovlfuzz fuzz --engine threads`. The same
// scheme and programs, run on real OS threads with real locks (a
// writer-preferring rwsem for sb_writers and i_rwsem, so a queued freezer
// blocks new readers as in the kernel), no controlled scheduler. A watchdog
// turns a real hang into a `deadlock` finding (and thaws a frozen superblock
// nobody else will thaw, like the controlled engine's environment). This is
// what a user would otherwise write by hand; the controlled engine must
// beat it. Not deterministic: a finding's program is saved without a
// schedule. Built with TSan (the tsan preset), TSan also watches the locks.
#ifndef OVLFUZZ_FUZZ_THREADS_ENGINE_H_
#define OVLFUZZ_FUZZ_THREADS_ENGINE_H_

#include <cstdint>

#include "model/oracle/finding.h"
#include "model/program/program.h"

namespace ovlfuzz {

class World;

struct ThreadsRunOptions {
  int stall_ms = 50;        // no progress for this long: stuck (thaw, else deadlock)
  int max_ms = 2000;        // a run longer than this is abandoned as a hang
};

struct ThreadsRunResult {
  bool deadlock = false;
  bool hang = false;
  Finding finding;          // the deadlock, when there is one
  int64_t steps = 0;        // instructions executed
};

ThreadsRunResult RunOnThreads(const World& world, const Program& program, const ThreadsRunOptions& options);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_FUZZ_THREADS_ENGINE_H_
