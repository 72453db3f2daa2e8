// Explorer: bounded exhaustive verification of a scheme (`ovlfuzz verify`).
//
// Explores every program of up to T threads x K ops and, for each, every
// schedule, as one state space in which a thread chooses its next op when it
// reaches an op boundary (SPIN's processes choosing nondeterministically).
// The search is a depth-first walk over the executor's single steps
// (Execution::Step), saving and restoring the model state to backtrack, with
//  - state hashing: a visited set of 64-bit hashes of the canonical state
//    (hash compaction, as SPIN's -DHC: a collision could hide a state; with
//    2^64 values and <2^32 states the odds are below 2^-32);
//  - thread symmetry: threads are interchangeable, so the hash is taken over
//    threads sorted by their local state, with thread ids in lock words
//    renamed accordingly;
//  - sleep sets (Godefroid): after exploring thread t from a state, t sleeps
//    in the siblings' subtrees until a step that conflicts with t's step
//    (model/exec/footprint.h) wakes it; states remember the sleep set they
//    were explored with and are re-entered only for transitions that slept
//    then and are awake now;
//  - persistent sets for op choices: choosing the next op is local to its
//    thread, so it happens inside the step that reaches the boundary and
//    never interleaves with other threads.
// Sleep sets are turned off under a preemption bound (the two do not
// compose soundly), where the state key includes the last thread and the
// visited set keeps the fewest preemptions a state was reached with.
//
// Findings: a step or state that may show one (recursive locking, an
// unprotected modification, a bad unlock, a stuck state, a quiescent state
// after a skipped xattr update, a closed lock cycle) is replayed through
// RunOnce with the real oracles, so verify reports exactly what `fuzz` and
// `replay` would. Lock cycles are history, not state: phase 1 collects the
// union of lock-order edges over the whole space; only if that union has a
// cycle does phase 2 search again with the edges inside its strongly
// connected components (in insertion order, with the op that made each)
// as part of the state, which is exact for lockdep's per-run graph.
//
// `reduce = false` is the naive baseline: a plain tree walk over every
// choice and schedule, replaying each complete schedule with the oracles.
#ifndef OVLFUZZ_MODEL_VERIFY_EXPLORER_H_
#define OVLFUZZ_MODEL_VERIFY_EXPLORER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/exec/execution.h"
#include "model/harness/run_once.h"
#include "model/oracle/finding.h"
#include "model/program/program.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct VerifyOptions {
  int threads = 2;
  int ops = 2;           // per thread, at most
  int preemptions = -1;  // -1: unbounded
  std::vector<int> only_ops;  // routine ids; empty: every op of the scheme
  // Arguments use only the first N files / dirs / pipes of the scheme's
  // world (-1: all). The others stay in the world, untouched, so a
  // reproducer replays on the scheme as it is.
  int files = -1;
  int dirs = -1;
  int pipes = -1;
  bool reduce = true;    // false: naive enumeration (the baseline)
  // When set, every schedule of exactly this program (threads and ops
  // fixed, no op choices); threads/ops/only_ops are then ignored.
  const Program* fixed_program = nullptr;
  bool all = false;      // keep going after the first finding
  // Finding kinds to look for, a bit (1u << FindingKind) each; 0: every
  // kind. The history only other kinds need (phase 2's lock-order edges,
  // the serial reference of the skipped-xattr oracle) is not tracked, so a
  // deadlock-only search (`verify --oracles deadlock`, SPIN's invalid end
  // states) checks a state property over a smaller space.
  uint32_t kinds = 0;
  // This process takes the top-level subtrees i with i % jobs == job.
  int job = 0;
  int jobs = 1;
  RunLimits limits;
  // Polled every few thousand steps: true stops the search (incomplete).
  std::function<bool()> should_stop;
  // --jobs: a visited set shared by the jobs (VisitedSet::Share), and the
  // two phases run as separate rounds, because whether phase 2 is needed
  // depends on the lock-order edges of the whole space, which the parent
  // collects from every job (VerifyResult::union_edges) and hands back as
  // phase2_edges (CyclicEdges).
  uint64_t* shared_visited = nullptr;
  size_t shared_slots = 0;
  int only_phase = 0;  // 0: both, as needed; 1 or 2: that phase only
  std::vector<uint64_t> phase2_edges;
  // Goal mode (`ovlfuzz explain`): instead of every finding, look for a run
  // whose lock-order graph holds every edge (from << 32 | to; from == to:
  // an acquisition of a class the thread holds) of one of `goals`. Phase 1
  // collects the union of edges; a goal with an edge outside it is absent
  // within the bounds. Phase 2 tracks the remaining goals' edges as state
  // and replays each run that completes a goal: `goal_match` returns the
  // index of the finding that shows the chain, or -1 to keep searching.
  std::vector<std::vector<uint64_t>> goals;
  std::function<int(const RunResult&)> goal_match;
};

struct VerifyStats {
  int64_t states = 0;       // distinct (canonical) states entered
  int64_t transitions = 0;  // steps executed
  int64_t schedules = 0;    // maximal paths: ended, stuck, or cut at a visited state
  int64_t revisits = 0;     // states cut because already explored
  int64_t replays = 0;      // RunOnce replays of candidate steps
  int64_t findings = 0;     // distinct signatures so far
  int subtrees = 0;         // top-level subtrees (this job's)
  int subtrees_done = 0;
  int phase = 1;            // 2 when lock-order edges had to be tracked
  bool complete = false;    // the whole bounded space was explored
  bool visited_full = false;  // a shared visited set filled up (slower, still sound)
};

struct VerifyFinding {
  Finding finding;
  Program program;
  std::vector<uint8_t> schedule;
  int64_t steps = 0;  // the step at which the finding shows
};

// The step at which a finding of run `r` shows (the run's end for findings
// without a site, such as a skipped xattr update seen at quiescence).
inline int64_t FindingStep(const Finding& f, int64_t run_steps) { return f.site.step > 0 ? f.site.step : run_steps; }

struct VerifyResult {
  VerifyStats stats;
  std::vector<VerifyFinding> findings;  // one per signature, in discovery order
  std::vector<uint64_t> union_edges;    // phase 1: every lock-order edge (from << 32 | to)
};

// The edges of `edges` that lie on a cycle (inside a strongly connected
// component): the ones phase 2 tracks. Empty: no run can invert.
std::vector<uint64_t> CyclicEdges(const std::vector<uint64_t>& edges);

using VerifyProgress = std::function<void(const VerifyStats&)>;

VerifyResult Verify(const World& world, const VerifyOptions& options, const VerifyProgress& progress = {});

// The shortest schedule (fewest steps) of `program` that shows `signature`,
// by breadth-first search; false when none within `max_states` states.
bool ShortestSchedule(const World& world, const Program& program, const std::string& signature,
                      const RunLimits& limits, int64_t max_states, VerifyFinding* out);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_EXPLORER_H_
