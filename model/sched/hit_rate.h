// Hit rate: how often one run of a fixed program under a randomized
// strategy shows a given bug, next to PCT's guarantee. `ovlfuzz hitrate`,
// ci/bench-verify and the PCT bound test measure with it; seeds 1..runs
// make every measurement reproducible.
#ifndef OVLFUZZ_MODEL_SCHED_HIT_RATE_H_
#define OVLFUZZ_MODEL_SCHED_HIT_RATE_H_

#include <cstdint>
#include <string>

#include "model/exec/execution.h"
#include "model/oracle/finding.h"
#include "model/program/program.h"
#include "model/sched/strategy.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct HitRate {
  int64_t runs = 0;
  int64_t hits = 0;
  int threads = 0;      // PCT's n
  int64_t steps = 0;    // PCT's k (StepsHint)
  double rate() const { return runs ? static_cast<double>(hits) / runs : 0; }
};

// Runs `program` `runs` times, seed i for run i (1-based), counting runs
// with a finding of kind `finding` whose bug (Finding::bug) is `bug`. The
// kind matters: a deadlock shares its bug with the lock inversion it
// realizes, which lockdep reports in far more schedules.
HitRate MeasureHitRate(const World& world, const Program& program, StrategyKind kind, int pct_depth,
                       FindingKind finding, const std::string& bug, int64_t runs, const RunLimits& limits = {});

// PCT's hit probability for one run of `program`, exactly: every one of its
// n! priority orders x k^(d-1) change-point draws (all equally likely, as
// PctStrategy draws them) is run once. `computed` is false, and nothing
// is run, when that is more than `max_runs` runs. Hits count as in
// MeasureHitRate: a finding of kind `finding` with bug `bug`.
struct ExactPct {
  bool computed = false;
  int64_t choices = 0;  // n! * k^(d-1)
  int64_t hits = 0;
  double rate() const { return choices ? static_cast<double>(hits) / choices : 0; }
};
ExactPct ExactPctRate(const World& world, const Program& program, int pct_depth, FindingKind finding,
                      const std::string& bug, int64_t max_runs, const RunLimits& limits = {});

// Burckhardt et al.: a bug of depth d is hit with probability at least
// 1 / (n * k^(d-1)) per run of PCT with depth >= d.
double PctBound(int threads, int64_t steps, int depth);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHED_HIT_RATE_H_
