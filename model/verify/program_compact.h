// Turning an explorer path into a reproducer a user can read: the explorer
// lets a thread stop before its first op, which leaves empty threads that
// the program text cannot express. CompactFinding drops them and rewrites
// the schedule for the renumbered threads, by following the run's step
// trace, keeping the finding only if the compact program still shows it.
#ifndef OVLFUZZ_MODEL_VERIFY_PROGRAM_COMPACT_H_
#define OVLFUZZ_MODEL_VERIFY_PROGRAM_COMPACT_H_

#include "model/verify/explorer.h"

namespace ovlfuzz {

void CompactFinding(const World& world, const RunLimits& limits, VerifyFinding* finding);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_PROGRAM_COMPACT_H_
