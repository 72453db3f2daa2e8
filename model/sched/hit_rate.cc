#include "model/sched/hit_rate.h"

#include <cmath>

#include "model/harness/run_once.h"

namespace ovlfuzz {

HitRate MeasureHitRate(const World& world, const Program& program, StrategyKind kind, int pct_depth,
                       FindingKind finding, const std::string& bug, int64_t runs, const RunLimits& limits) {
  HitRate h;
  h.runs = runs;
  h.threads = static_cast<int>(program.threads.size());
  h.steps = StepsHint(world, program);
  for (int64_t i = 1; i <= runs; ++i) {
    auto strategy = MakeStrategy(StrategyConfig{kind, pct_depth, static_cast<uint64_t>(i)});
    RunResult r = RunOnce(world, program, *strategy, limits);
    for (const Finding& f : r.findings) {
      if (f.kind != finding || f.bug != bug) continue;
      ++h.hits;
      break;
    }
  }
  return h;
}

double PctBound(int threads, int64_t steps, int depth) {
  return 1.0 / (threads * std::pow(static_cast<double>(steps), depth - 1));
}

}  // namespace ovlfuzz
