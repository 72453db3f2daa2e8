// FuzzSession: the built-in fuzzing loop behind `ovlfuzz fuzz`.
//
// Each iteration generates a program or mutates one from the corpus, runs it
// under a fresh strategy seed, keeps it in the corpus when it reaches a new
// lock-order edge or a new "waited for" class (coverage that sees
// concurrency), and reports every finding whose signature is new. The loop
// is deterministic for a given seed: run i always executes the same program
// with the same schedule. Time and output belong to the caller, through the
// hooks, so the model stays free of clocks and I/O.
#ifndef OVLFUZZ_MODEL_HARNESS_FUZZ_SESSION_H_
#define OVLFUZZ_MODEL_HARNESS_FUZZ_SESSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "model/core/rng.h"
#include "model/harness/run_once.h"
#include "model/oracle/lock_graph.h"
#include "model/program/generate.h"
#include "model/program/repro.h"

namespace ovlfuzz {

struct FuzzConfig {
  GenLimits gen;
  StrategyKind strategy = StrategyKind::kPct;
  int pct_depth = 3;
  uint64_t seed = 1;
  int64_t max_runs = 0;  // 0: until should_stop() says so
  int escalation_runs = 256;  // schedules tried per new lock inversion (0: off)
  RunLimits run_limits;
};

struct FuzzStats {
  int64_t runs = 0;
  size_t edges = 0;          // distinct lock-order edges seen
  size_t cross_run_cycles = 0;  // cycles closed only across runs (then searched in one run)
  size_t corpus = 0;
  size_t findings = 0;       // distinct signatures
  size_t bugs = 0;           // distinct root bugs (BugKey) among them
  int64_t skipped_updates = 0;
};

struct FuzzHooks {
  // A finding with a new signature; `repro` replays it.
  std::function<void(const Finding&, const Repro&, const Program&, const FuzzStats&)> on_finding;
  // Called every `poll_every` runs; return true to stop.
  std::function<bool(const FuzzStats&)> should_stop;
  int poll_every = 64;
};

class FuzzSession {
 public:
  FuzzSession(const World& world, std::string scheme_ref, FuzzConfig config, FuzzHooks hooks);
  // Runs a program from a saved corpus before Run(): it joins the corpus
  // only if it reaches coverage the earlier seeds did not (a merge that
  // prunes, like libFuzzer's -merge=1). Counts as a run.
  void Seed(const Program& program);
  void Run();
  const FuzzStats& stats() const { return stats_; }
  // The programs kept for new coverage, seeds included, in order found.
  const std::vector<Program>& corpus() const { return corpus_; }
  // The session-wide dependency graph, and the op that first created each
  // of its edges (from, to): what `ovlfuzz graph` draws.
  const LockGraph& graph() const { return session_graph_; }
  const std::map<std::pair<int, int>, OpCall>& edge_ops() const { return edge_op_; }

 private:
  Program NextProgram();
  bool AddFeatures(const RunResult& r);
  // Runs `program` under `strategy_seed`, updates corpus and stats, and
  // reports new signatures. Returns the run's findings.
  std::vector<Finding> Execute(const Program& program, uint64_t strategy_seed, StrategyKind kind,
                               RunResult* result = nullptr);
  // The same under a given strategy; `sc` is what its reproducers record
  // (they carry the schedule taken, which is what replays them).
  std::vector<Finding> Execute(const Program& program, Strategy& strategy, const StrategyConfig& sc,
                               const std::vector<Oracle*>& observers, RunResult* result = nullptr);
  // Builds the program of a lock cycle: the ops that created its links
  // (links[i] by ops[i]), one per thread, plus the freeze op when a read
  // (freeze-protection) acquisition is involved; `park` gets each thread's
  // held classes of the cycle (deadlock_directed.h). Empty when it would
  // need too many threads.
  Program CycleProgram(const std::vector<ChainLink>& links, std::vector<OpCall> ops,
                       std::vector<std::set<int>>* park) const;
  // Runs `p` under deadlock-directed schedules, then many PCT/random ones
  // (stops at a deadlock). Used to escalate a new lock inversion (lockdep's
  // "possible" deadlock) to a real one, and to reproduce inside one run a
  // cycle seen only across runs.
  void SearchSchedules(const Program& p, const std::vector<std::set<int>>& park);
  static constexpr int kDirectedRuns = 4;
  // Adds a run's dependencies to the session-wide (lockdep-style) graph;
  // a cycle that closes only across runs is searched for in one run.
  void AddToSessionGraph(const RunResult& r, const Program& program);

  const World& world_;
  std::string scheme_ref_;
  FuzzConfig config_;
  FuzzHooks hooks_;
  Rng rng_;
  FuzzStats stats_;
  std::vector<Program> corpus_;
  std::set<uint64_t> features_;
  std::set<std::string> signatures_;
  std::set<std::string> bugs_;
  LockGraph session_graph_;
  std::map<std::pair<int, int>, OpCall> edge_op_;  // op that created each session edge
  // Reused run after run (run_once.h): the main loop's result, and the one
  // of the runs it escalates to while still reading its own.
  Runner runner_;
  RunResult loop_result_, scratch_result_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_HARNESS_FUZZ_SESSION_H_
