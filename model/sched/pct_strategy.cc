// PCT (Burckhardt et al., "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs", ASPLOS 2010). Threads get distinct random
// priorities d..d+n-1; d-1 change points are drawn uniformly from [1, k];
// at the i-th change point the running thread's priority drops to i (below
// every initial priority). The highest-priority runnable thread always runs.
// A bug of depth d is then hit with probability >= 1/(n * k^(d-1)).
//
// Steps are counted as the paper counts them, but only where a choice
// exists: Pick() is called when at least two threads can run, and a change
// point is placed on the j-th such call. A change point on a step with one
// runnable thread would demote a thread without affecting the schedule
// (and, if it were applied later instead, demote the wrong one), so the
// bound holds with k = the number of decisions, at most steps_hint.
// tests/sched/pct_bound_test.cc measures the hit rate against the bound.
#include <algorithm>

#include "model/core/rng.h"
#include "model/scheme/scheme.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {
namespace {

class PctStrategy : public Strategy {
 public:
  PctStrategy(uint64_t seed, int depth) : rng_(seed), depth_(std::max(depth, 1)) {}
  // One fixed choice of PCT's random draws (ExactPctRate enumerates them).
  PctStrategy(std::vector<int> order, std::vector<int64_t> change_points)
      : rng_(0), depth_(static_cast<int>(change_points.size()) + 1), fixed_(true), order_(std::move(order)),
        change_points_(std::move(change_points)) {}

  void Begin(int threads, int64_t steps_hint) override {
    priority_.assign(threads, 0);
    decisions_ = 0;
    if (fixed_) {
      for (int i = 0; i < threads && i < static_cast<int>(order_.size()); ++i) priority_[order_[i]] = depth_ + i;
      return;
    }
    int order[kMaxThreads];  // a run after a run allocates nothing here
    for (int i = 0; i < threads; ++i) order[i] = i;
    for (int i = threads - 1; i > 0; --i) std::swap(order[i], order[rng_.Below(i + 1)]);
    for (int i = 0; i < threads; ++i) priority_[order[i]] = depth_ + i;
    change_points_.clear();
    int64_t k = std::max<int64_t>(steps_hint, 1);
    for (int i = 1; i < depth_; ++i) change_points_.push_back(1 + static_cast<int64_t>(rng_.Below(k)));
  }

  int Pick(const std::vector<int>& runnable, int64_t) override {
    const int64_t decision = ++decisions_;
    int best = runnable[0];
    for (int t : runnable)
      if (priority_[t] > priority_[best]) best = t;
    // A change point at this step demotes the thread that would run now.
    for (size_t i = 0; i < change_points_.size(); ++i) {
      if (change_points_[i] == decision) {
        priority_[best] = static_cast<int>(i) + 1;
        best = runnable[0];
        for (int t : runnable)
          if (priority_[t] > priority_[best]) best = t;
      }
    }
    return best;
  }

 private:
  Rng rng_;
  int depth_;
  bool fixed_ = false;
  std::vector<int> order_;  // fixed: order_[i] gets priority depth_ + i
  std::vector<int> priority_;
  std::vector<int64_t> change_points_;
  int64_t decisions_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> MakePctStrategy(uint64_t seed, int depth) {
  return std::make_unique<PctStrategy>(seed, depth);
}

std::unique_ptr<Strategy> MakeFixedPctStrategy(std::vector<int> order, std::vector<int64_t> change_points) {
  return std::make_unique<PctStrategy>(std::move(order), std::move(change_points));
}

std::unique_ptr<Strategy> MakeStrategy(const StrategyConfig& config) {
  if (config.kind == StrategyKind::kRandom) return MakeRandomStrategy(config.seed);
  return MakePctStrategy(config.seed, config.pct_depth);
}

std::string StrategyName(StrategyKind kind) { return kind == StrategyKind::kRandom ? "random" : "pct"; }

bool ParseStrategyName(const std::string& name, StrategyKind* kind) {
  if (name == "random") *kind = StrategyKind::kRandom;
  else if (name == "pct") *kind = StrategyKind::kPct;
  else return false;
  return true;
}

}  // namespace ovlfuzz
