// Explain: one lockdep splat against one scheme (`ovlfuzz explain`).
//
//  1. The static lock graph (static_locks.h) and the class mapping
//     (class_mapping.h): which model classes stand for the splat's, and
//     which ops can create each dependency of its chain. A splat class
//     whose family the scheme never takes: not-expressible.
//  2. Directed fuzzing (directed_search.h) over the mappings under which
//     every dependency is possible, for a third of the budget.
//  3. Bounded exhaustive search (verify's goal mode) restricted to the ops
//     that can create a dependency of the chain, on a ladder of growing
//     bounds while the budget lasts (or exactly --threads x --ops).
//  4. Found: minimized with the chain kept, then turned into a real
//     deadlock where one exists (deadlock_escalation.h).
// Verdicts: reproduced; absent (statically for any bounds: some dependency
// of the chain is created by no path of any op; or within the largest
// bounds verify explored completely); not-found (the budget ended before
// either); not-expressible. The model keeps no clock: time comes from the
// caller through `elapsed`.
#ifndef OVLFUZZ_MODEL_EXPLAIN_EXPLAIN_H_
#define OVLFUZZ_MODEL_EXPLAIN_EXPLAIN_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/explain/chain_goal.h"
#include "model/explain/class_mapping.h"
#include "model/explain/site_functions.h"
#include "model/explain/splat.h"
#include "model/harness/minimize.h"
#include "model/program/repro.h"
#include "model/verify/explorer.h"

namespace ovlfuzz {

enum class Verdict { kReproduced, kAbsent, kNotFound, kNotExpressible };
const char* VerdictName(Verdict v);

struct ExplainProgress {
  const char* phase = "";  // "fuzz", "verify", "minimize", "deadlock"
  int64_t runs = 0;        // fuzz
  int best_edges = 0;      // fuzz: most of the chain's dependencies in one run
  int goal_edges = 0;
  int threads = 0, ops = 0;  // verify: the bounds being explored
  VerifyStats verify;
};

struct ExplainOptions {
  uint64_t seed = 1;
  double seconds = 60;  // the whole budget for this scheme
  int threads = 0;      // > 0 with ops: verify exactly these bounds
  int ops = 0;
  RunLimits limits;
  std::function<double()> elapsed;                       // seconds since this scheme's start
  std::function<void(const ExplainProgress&)> progress;  // called often; rate-limit it
};

// Bounds verify explored completely.
struct ProvenBounds {
  int threads = 0;
  int ops = 0;
  std::vector<int> only_ops;  // routines
  VerifyStats stats;
  double seconds = 0;
};

// The model side of splat entry #k in the reproducer.
struct EdgeView {
  int k = 0;
  std::pair<int, int> edge;  // model classes: held -> acquired
  ChainLink link;            // the acquisition in the reproducer's finding
  int held_routine = -1;     // where the held lock was taken
  int held_pc = -1;
  FrameMatch match;  // scheme line functions vs the entry's stack
};

struct ExplainResult {
  Verdict verdict = Verdict::kNotFound;
  std::vector<std::string> missing;  // not-expressible: splat families the scheme lacks
  int assignments = 0;               // class assignments considered
  int feasible = 0;                  // ... under which some op can create every dependency
  ClassAssignment mapping;           // the reproducing assignment, else the best ranked
  std::vector<std::string> warnings;
  double seconds = 0;
  // reproduced
  ChainGoal goal;
  Repro repro;  // minimized; scheme_ref left to the caller
  RunResult result;
  int finding = -1;
  ChainMatch match = ChainMatch::kNone;
  std::vector<EdgeView> edges;  // one per splat entry, k ascending
  std::string found_by;         // "directed fuzzing, run 17" / "verify, up to 2 threads x 2 ops"
  double found_seconds = 0;
  ReproSize before, after;
  bool has_deadlock = false;
  Repro deadlock;
  RunResult deadlock_result;
  int deadlock_finding = -1;
  std::string deadlock_note;  // why none was found, when the model cannot express it
  // absent / not-found
  bool static_proof = false;         // absent for any bounds
  std::vector<std::string> reasons;  // why the chain cannot close, per assignment
  std::vector<ProvenBounds> proven;  // verify bounds explored completely
  std::string cut;                   // "3 threads x 2 ops" whose search the budget cut
  int64_t fuzz_runs = 0;
  int best_edges = 0;
};

ExplainResult Explain(const World& world, const Splat& splat, const ExplainOptions& options);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_EXPLAIN_H_
