// The deadlock finding's shape, shared by the deadlock oracle and the
// real-threads engine's watchdog: the wait-for cycle and its signature.
#ifndef OVLFUZZ_MODEL_ORACLE_DEADLOCK_H_
#define OVLFUZZ_MODEL_ORACLE_DEADLOCK_H_

#include <string>
#include <vector>

#include "model/oracle/finding.h"
#include "model/program/program.h"

namespace ovlfuzz {

class World;

// Follows wait-for edges from each blocked thread until one repeats; the
// threads of the first cycle found (empty when there is none).
std::vector<int> WaitForCycle(const std::vector<ThreadSnapshot>& threads);

// The lock-order cycle a deadlock realizes, as lock classes (empty when
// there is no wait-for cycle). Each thread of the wait-for cycle contributes
// the locks it took from the one the previous thread waits for (held by it)
// up to the lock it wants itself; a queued freezer, which holds nothing the
// previous thread wants, contributes just its wanted class. Where a thread
// wants a class it already holds, the cycle is that one class: lockdep
// reports recursive locking there and adds no dependency, and without the
// recursion the thread would not wait. Where the walk visits a class twice,
// its shortest closed part is the cycle.
std::vector<int> RealizedLockCycle(const World& world, const std::vector<ThreadSnapshot>& threads,
                                   const std::vector<int>& cycle);

// Fills f->cycle, f->signature and f->bug from f->threads: `deadlock:` + the
// cycle of `lock|rlock class@op`, canonically rotated; the bug is the
// lock-inversion (or recursive-locking) bug of RealizedLockCycle, so a
// deadlock is grouped with the lockdep report of the same root cause.
void DescribeDeadlock(const World& world, const Program& program, Finding* f);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_DEADLOCK_H_
