// From lockdep's "possible" deadlock to a real one: once a chain is
// reproduced, build the programs that could deadlock on it (the ops that
// created its dependencies, one thread each; the reproducer's own threads;
// each with and without a freezer, since sb_writers readers only block
// behind a queued writer) and explore every schedule of each. A deadlock
// counts when every lock its wait-for cycle waits on is a class of the
// chain.
#ifndef OVLFUZZ_MODEL_EXPLAIN_DEADLOCK_ESCALATION_H_
#define OVLFUZZ_MODEL_EXPLAIN_DEADLOCK_ESCALATION_H_

#include <functional>

#include "model/explain/chain_goal.h"
#include "model/verify/explorer.h"

namespace ovlfuzz {

// The programs tried, in order (those within kMaxThreads).
std::vector<Program> DeadlockCandidates(const World& world, const Program& program, const Finding& chain);
// Threads of the first candidate before the limit: one per op that created
// a dependency of the chain, plus a freezer when the scheme has one.
int DeadlockThreadsNeeded(const World& world, const Program& program, const Finding& chain);

// True when every thread of `f`'s wait-for cycle waits on a class of the goal.
bool DeadlockOnChain(const ChainGoal& goal, const Finding& f);

// Explores every schedule of each candidate in turn until one shows a
// deadlock on the chain (or `should_stop`); *out is then that candidate's
// deadlock waiting on most of the chain's classes.
bool EscalateToDeadlock(const World& world, const ChainGoal& goal, const Program& program, const Finding& chain,
                        const RunLimits& limits, const std::function<bool()>& should_stop, VerifyFinding* out);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_DEADLOCK_ESCALATION_H_
