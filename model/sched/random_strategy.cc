// Uniform random choice among runnable threads at every scheduling point.
#include "model/core/rng.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {
namespace {

class RandomStrategy : public Strategy {
 public:
  explicit RandomStrategy(uint64_t seed) : rng_(seed) {}
  void Begin(int, int64_t) override {}
  int Pick(const std::vector<int>& runnable, int64_t) override {
    return runnable[rng_.Below(runnable.size())];
  }

 private:
  Rng rng_;
};

}  // namespace

std::unique_ptr<Strategy> MakeRandomStrategy(uint64_t seed) {
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace ovlfuzz
