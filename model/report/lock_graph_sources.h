// Where the lock graph picture (lock_graph_dot.h) gets its edges: the
// static lock graph of a scheme (every dependency any op can create, each
// with all its sites), a replayed run (its dependencies, first site each),
// or a fuzz session's graph; and the cycle of each finding, marked.
#ifndef OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_SOURCES_H_
#define OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_SOURCES_H_

#include <functional>
#include <string>
#include <vector>

#include "model/analysis/static_locks.h"
#include "model/harness/run_once.h"
#include "model/report/lock_graph_dot.h"
#include "model/world/world.h"

namespace ovlfuzz {

// "op FILE:LINE": the op and the scheme line of the acquiring instruction.
std::string LockSiteLabel(const World& world, int op_routine, int routine, int pc);

// Every edge of the static graph, with the sites that create it (ops in
// scheme order).
void AddStaticEdges(const World& world, const StaticLockGraph& graph, LockGraphPicture* picture);

// Dependency edges as the oracles record them; `op_of` names the op (its
// routine) that created each one.
void AddChainEdges(const World& world, const std::vector<ChainLink>& edges,
                   const std::function<int(const ChainLink&)>& op_of, LockGraphPicture* picture);

// The edges of one run of `program`, and every finding's cycle marked.
void AddRunEdges(const World& world, const Program& program, const RunResult& result, LockGraphPicture* picture);

// A finding's cycle: the dependencies of its lockdep chain or, for a
// deadlock, each waiting thread's held class another thread of the cycle
// waits for -> the class it waits for itself. A blocked acquisition never
// made its dependency, so with `program` (the finding's) that edge is
// labelled with the op and line where the thread waits.
void MarkFindingCycle(const World& world, const Finding& finding, const Program* program, LockGraphPicture* picture);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_SOURCES_H_
