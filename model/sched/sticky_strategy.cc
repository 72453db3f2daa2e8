// Runs threads as long as they can (no preemption): the current thread keeps
// running while runnable; when it blocks or finishes, the first runnable
// thread in `order` runs. Explicit preemptions (step -> thread) switch away
// from a runnable thread at chosen steps. The minimizer uses it to find
// the schedule with the fewest preemptions that still shows a finding.
#include <algorithm>

#include "model/sched/strategy.h"

namespace ovlfuzz {
namespace {

class StickyStrategy : public Strategy {
 public:
  StickyStrategy(std::vector<int> order, std::vector<std::pair<int64_t, int>> preemptions)
      : order_(std::move(order)), preemptions_(std::move(preemptions)) {}
  void Begin(int, int64_t) override { current_ = -1; }
  int Pick(const std::vector<int>& runnable, int64_t step) override {
    auto can = [&](int t) { return std::find(runnable.begin(), runnable.end(), t) != runnable.end(); };
    for (const auto& [at, t] : preemptions_)
      if (at == step && can(t)) return current_ = t;
    if (current_ >= 0 && can(current_)) return current_;
    for (int t : order_)
      if (can(t)) return current_ = t;
    return current_ = runnable.front();
  }

 private:
  std::vector<int> order_;
  std::vector<std::pair<int64_t, int>> preemptions_;
  int current_ = -1;
};

}  // namespace

std::unique_ptr<Strategy> MakeStickyStrategy(std::vector<int> order, std::vector<std::pair<int64_t, int>> preemptions) {
  return std::make_unique<StickyStrategy>(std::move(order), std::move(preemptions));
}

}  // namespace ovlfuzz
