// Replays a recorded list of choices. A choice that is not runnable (or a
// list that runs out) marks the replay as diverged: the artifact does not
// match this scheme/program, which the caller reports as bad input.
#include "model/sched/strategy.h"

#include <algorithm>

namespace ovlfuzz {
namespace {

class ReplayStrategy : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<uint8_t> choices) : choices_(std::move(choices)) {}
  void Begin(int, int64_t) override { next_ = 0; }
  int Pick(const std::vector<int>& runnable, int64_t) override {
    if (next_ < choices_.size()) {
      int want = choices_[next_++];
      if (std::find(runnable.begin(), runnable.end(), want) != runnable.end()) return want;
    }
    diverged_ = true;
    return runnable[0];
  }
  bool Diverged() const override { return diverged_; }

 private:
  std::vector<uint8_t> choices_;
  size_t next_ = 0;
  bool diverged_ = false;
};

}  // namespace

std::unique_ptr<Strategy> MakeReplayStrategy(std::vector<uint8_t> choices) {
  return std::make_unique<ReplayStrategy>(std::move(choices));
}

}  // namespace ovlfuzz
