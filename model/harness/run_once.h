// RunOnce: the single entry point every front end uses (CLI fuzz/replay,
// tests, and later the libFuzzer/AFL++ adapters): run one program of one
// scheme under one strategy with all oracles, and return the findings, the
// schedule actually taken and coverage features.
#ifndef OVLFUZZ_MODEL_HARNESS_RUN_ONCE_H_
#define OVLFUZZ_MODEL_HARNESS_RUN_ONCE_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "model/exec/execution.h"
#include "model/oracle/finding.h"
#include "model/program/program.h"
#include "model/sched/strategy.h"
#include "model/world/world.h"

namespace ovlfuzz {

class Oracle;

struct RunResult {
  std::vector<Finding> findings;
  std::vector<uint8_t> schedule;  // thread chosen at each decision with >1 runnable
  std::vector<int64_t> decision_steps;  // the step of each decision
  int64_t steps = 0;
  int64_t preemptions = 0;        // switches away from a still-runnable thread
  bool diverged = false;          // replay only: the recorded schedule did not fit
  int64_t skipped_updates = 0;
  std::vector<ChainLink> edges;            // lock-class dependencies, first site each
  std::vector<int64_t> blocking_features;  // hashed "who waits for what" states
};

// `observers` (e.g. a TraceRecorder) see the events too; they report nothing.
// Runs on this thread's Runner, so a run after a run allocates little more
// than its result.
RunResult RunOnce(const World& world, const Program& program, Strategy& strategy,
                  const RunLimits& limits = {}, const std::vector<Oracle*>& observers = {});

// RunOnce's machinery, kept from run to run: the oracles and the execution's
// buffers are reset, not rebuilt, so that a run of the same size as an
// earlier one allocates nothing in the model (libc malloc was a tenth of a
// run, ASan's allocator a third of a sanitized one). Run(..., out) also
// reuses the result's vectors. A run is the same with a fresh Runner or a
// used one, bit for bit (tests/harness/runner_test.cc).
class Runner {
 public:
  Runner();
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void Run(const World& world, const Program& program, Strategy& strategy, const RunLimits& limits,
           const std::vector<Oracle*>& observers, RunResult* out);

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  bool busy_ = false;  // a run inside a run (an observer's RunOnce) gets its own Runner
};

// Whether an op takes part in the serial reference run: every op except the
// ones that freeze or thaw (a reference without freezes has no failed trylock).
bool InSerialReference(const World& world, const OpCall& call);

// The ops of `program` in completion order as one thread, minus ops that
// freeze or thaw: the serial reference run of the skipped-xattr oracle.
Program SerialReference(const World& world, const Program& program,
                        const std::vector<std::pair<int, int>>& completion_order);

// True when the run shows a finding with this signature: the predicate of
// minimization and of every "still reproduces" check.
inline bool ShowsSignature(const RunResult& r, const std::string& signature) {
  for (const Finding& f : r.findings)
    if (f.signature == signature) return true;
  return false;
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_HARNESS_RUN_ONCE_H_
