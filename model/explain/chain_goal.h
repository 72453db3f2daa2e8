// ChainGoal: a splat's chain under one class assignment, as the search's
// goal, and the tests a run is measured by: how many of the chain's
// dependencies it created (the directed search's feedback) and whether a
// lock-inversion finding of the run *is* the chain.
#ifndef OVLFUZZ_MODEL_EXPLAIN_CHAIN_GOAL_H_
#define OVLFUZZ_MODEL_EXPLAIN_CHAIN_GOAL_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "model/explain/class_mapping.h"
#include "model/harness/run_once.h"

namespace ovlfuzz {

struct ChainGoal {
  int assignment = 0;  // index into SplatMapping::assignments
  bool recursive = false;
  std::vector<int> cycle;                  // model classes, #0 .. #n
  std::vector<std::pair<int, int>> edges;  // edges[k]: what entry #k shows (ClassAssignment::edges)

  static ChainGoal From(const ClassAssignment& a, int index, bool recursive);
  // from << 32 | to, as the explorer's goal mode takes them.
  std::vector<uint64_t> EdgeKeys() const;
  bool HasClass(int cls) const;
};

// Bit k set: the run created the dependency of entry #k (recursive: the
// thread acquired the class it held). Chains have at most kMaxSplatClasses.
uint64_t EdgesMade(const ChainGoal& goal, const RunResult& r);
inline uint64_t AllEdges(const ChainGoal& goal) { return (uint64_t{1} << goal.edges.size()) - 1; }

enum class ChainMatch {
  kNone,
  kRotated,  // the same cycle, closed at another of its dependencies
  kExact,    // closed like the splat: acquiring #0 while holding #n
};

ChainMatch MatchFinding(const ChainGoal& goal, const Finding& f);
// The finding of `r` that shows the chain, exact ones first; -1 when none.
int ChainFinding(const ChainGoal& goal, const RunResult& r, ChainMatch* how = nullptr);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_CHAIN_GOAL_H_
