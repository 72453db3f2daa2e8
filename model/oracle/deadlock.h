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

// Fills f->cycle and f->signature from f->threads: `deadlock:` + the cycle
// of `lock|rlock class@op`, canonically rotated.
void DescribeDeadlock(const World& world, const Program& program, Finding* f);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_DEADLOCK_H_
