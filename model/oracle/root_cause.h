// Root cause of a lock-order cycle: the cycle a bug is named by.
//
// One run closes a chain through whatever its threads happened to hold, so
// the same mistake shows up as several cycles: rename holds
// s_vfs_rename_mutex between upper freeze and the parent dir lock, so a
// rename-vs-lookup chain runs sb_writers -> rename key -> dir -> sb_writers,
// while the mistake (lookup taking upper freeze under the ovl dir lock) is
// the two-class cycle dir <-> sb_writers that setxattr closes directly.
// Lockdep reports each; a maintainer fixes one thing. So a cycle's bug is
// named by the shortest cycle of the scheme's static lock graph
// (static_locks.h: every dependency any op can create) through one of the
// cycle's own edges: the smallest chain that edge can close. A cycle that
// is already shortest keeps its classes (v5.0's pipe chain), and cycles
// that share no edge never merge.
#ifndef OVLFUZZ_MODEL_ORACLE_ROOT_CAUSE_H_
#define OVLFUZZ_MODEL_ORACLE_ROOT_CAUSE_H_

#include <string>
#include <utility>
#include <vector>

#include "model/oracle/finding.h"
#include "model/world/world.h"

namespace ovlfuzz {

// `edges`: the cycle's dependencies (held class, acquired class). Returns
// the classes of the shortest static cycle through one of them (ties: the
// smallest by class names, so the choice is stable), or the cycle's own
// classes when no edge is in the static graph. The static graph is built
// once per scheme text per process.
std::vector<int> RootCauseCycle(const World& world, const std::vector<std::pair<int, int>>& edges);

// BugKey (signature.h) of a cycle of `kind` named by its root cause.
std::string RootCauseBugKey(const World& world, FindingKind kind, const std::vector<std::pair<int, int>>& edges);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_ROOT_CAUSE_H_
