#include "model/sched/hit_rate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/harness/run_once.h"

namespace ovlfuzz {
namespace {

// A hit: the run shows a finding of kind `finding` whose bug is `bug`.
bool Shows(const RunResult& r, FindingKind finding, const std::string& bug) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.kind == finding && f.bug == bug; });
}

}  // namespace

HitRate MeasureHitRate(const World& world, const Program& program, StrategyKind kind, int pct_depth,
                       FindingKind finding, const std::string& bug, int64_t runs, const RunLimits& limits) {
  HitRate h;
  h.runs = runs;
  h.threads = static_cast<int>(program.threads.size());
  h.steps = StepsHint(world, program);
  for (int64_t i = 1; i <= runs; ++i) {
    auto strategy = MakeStrategy(StrategyConfig{kind, pct_depth, static_cast<uint64_t>(i)});
    h.hits += Shows(RunOnce(world, program, *strategy, limits), finding, bug);
  }
  return h;
}

ExactPct ExactPctRate(const World& world, const Program& program, int pct_depth, FindingKind finding,
                      const std::string& bug, int64_t max_runs, const RunLimits& limits) {
  ExactPct e;
  const int n = static_cast<int>(program.threads.size());
  const int64_t k = std::max<int64_t>(StepsHint(world, program), 1);
  // n! * k^(d-1), stopping as soon as it passes the budget (no overflow).
  int64_t choices = 1;
  for (int i = 2; i <= n && choices <= max_runs; ++i) choices *= i;
  for (int i = 1; i < pct_depth && choices <= max_runs; ++i) choices *= k;
  e.choices = choices;
  if (choices > max_runs) return e;
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  do {
    std::vector<int64_t> points(pct_depth - 1, 1);
    for (;;) {
      auto strategy = MakeFixedPctStrategy(order, points);
      e.hits += Shows(RunOnce(world, program, *strategy, limits), finding, bug);
      // Next change-point tuple, like an odometer over [1, k].
      size_t i = 0;
      while (i < points.size() && points[i] == k) points[i++] = 1;
      if (i == points.size()) break;
      ++points[i];
    }
  } while (std::next_permutation(order.begin(), order.end()));
  e.computed = true;
  return e;
}

double PctBound(int threads, int64_t steps, int depth) {
  return 1.0 / (threads * std::pow(static_cast<double>(steps), depth - 1));
}

}  // namespace ovlfuzz
