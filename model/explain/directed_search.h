// DirectedSearch: fuzzing with a splat's chain as the goal. Programs are
// built from the op calls the static lock graph says can create each of
// the chain's dependencies (weighted by how well their scheme lines match
// the splat's stacks), spread over threads in random order, sometimes with
// a random extra op (state a path may need) or mutated from programs that
// created a new subset of the chain's dependencies; each runs under a fresh
// random or PCT schedule. The feedback is the number of the chain's
// dependencies a run created. Deterministic for a seed: run i is always the
// same program and schedule; the caller's clock only decides when to stop.
#ifndef OVLFUZZ_MODEL_EXPLAIN_DIRECTED_SEARCH_H_
#define OVLFUZZ_MODEL_EXPLAIN_DIRECTED_SEARCH_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "model/explain/chain_goal.h"
#include "model/program/generate.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {

struct WeightedCall {
  OpCall call;
  int weight = 1;
};

// calls[k]: the op calls that can create goal.edges[k].
struct GoalCalls {
  ChainGoal goal;
  std::vector<std::vector<WeightedCall>> calls;
};

struct DirectedStats {
  int64_t runs = 0;
  int best_edges = 0;  // most of one goal's dependencies in one run
  int best_goal = -1;  // index into the goals, of best_edges
  size_t corpus = 0;
};

struct DirectedOptions {
  uint64_t seed = 1;
  GenLimits gen;  // threads (and ops of mutated programs)
  RunLimits limits;
  int64_t max_runs = 0;  // 0: until should_stop
  std::function<bool(const DirectedStats&)> should_stop;
  int poll_every = 256;
};

struct DirectedHit {
  int goal = -1;  // index into the goals
  Program program;
  StrategyConfig strategy;
  RunResult result;
  int finding = -1;  // index into result.findings
  ChainMatch match = ChainMatch::kNone;
  int64_t run = 0;  // which run (0-based)
};

// Returns true with *hit when a run showed one goal's chain. A run closing
// the cycle at another dependency than the splat (ChainMatch::kRotated) is
// kept while the search goes on for an exact one, for as many runs again
// (at least 2048); it is returned when none comes.
bool DirectedSearch(const World& world, const std::vector<GoalCalls>& goals, const DirectedOptions& options,
                    DirectedHit* hit, DirectedStats* stats);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_DIRECTED_SEARCH_H_
