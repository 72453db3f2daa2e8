// Scheduling decisions taken from fuzzer input bytes: decision i prefers
// thread choices[i]; if that thread cannot run, the next runnable thread id
// (cyclically) runs. Past the bytes, a PRNG seeded from the input decides.
// A choice list that names the taken threads therefore replays exactly,
// which is how text reproducers convert to binary inputs.
#include <algorithm>

#include "model/core/rng.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {
namespace {

class ByteStrategy : public Strategy {
 public:
  ByteStrategy(std::vector<uint8_t> choices, uint64_t seed) : choices_(std::move(choices)), rng_(seed) {}
  void Begin(int, int64_t) override { next_ = 0; }
  int Pick(const std::vector<int>& runnable, int64_t) override {
    if (next_ >= choices_.size()) return runnable[rng_.Below(runnable.size())];
    int want = choices_[next_++];
    auto it = std::lower_bound(runnable.begin(), runnable.end(), want);
    return it == runnable.end() ? runnable.front() : *it;
  }

 private:
  std::vector<uint8_t> choices_;
  size_t next_ = 0;
  Rng rng_;
};

}  // namespace

std::unique_ptr<Strategy> MakeByteStrategy(std::vector<uint8_t> choices, uint64_t seed) {
  return std::make_unique<ByteStrategy>(std::move(choices), seed);
}

}  // namespace ovlfuzz
