// Strategy: picks which runnable model thread takes the next step.
//
// A strategy is tiny and deterministic (Shuttle's Scheduler): Begin() starts
// an execution, Pick() chooses among the runnable threads (only called when
// there are at least two). Random and PCT draw from a seeded Rng; Replay
// follows a recorded list of choices.
#ifndef OVLFUZZ_MODEL_SCHED_STRATEGY_H_
#define OVLFUZZ_MODEL_SCHED_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ovlfuzz {

class Strategy {
 public:
  virtual ~Strategy() = default;
  // `steps_hint` estimates the run's length in scheduling steps (PCT's k).
  virtual void Begin(int threads, int64_t steps_hint) = 0;
  // `runnable` is sorted, size >= 2. Returns one of its elements.
  virtual int Pick(const std::vector<int>& runnable, int64_t step) = 0;
  // Replay only: true once a recorded choice could not be followed.
  virtual bool Diverged() const { return false; }
};

enum class StrategyKind { kRandom, kPct };

struct StrategyConfig {
  StrategyKind kind = StrategyKind::kPct;
  int pct_depth = 3;
  uint64_t seed = 0;
};

std::unique_ptr<Strategy> MakeRandomStrategy(uint64_t seed);
std::unique_ptr<Strategy> MakePctStrategy(uint64_t seed, int depth);
// PCT with its random draws given: thread order[i] gets the i-th lowest
// initial priority; change_points (decision numbers, 1-based) set d - 1.
std::unique_ptr<Strategy> MakeFixedPctStrategy(std::vector<int> order, std::vector<int64_t> change_points);
std::unique_ptr<Strategy> MakeReplayStrategy(std::vector<uint8_t> choices);
// Fuzzer-input decisions: see byte_strategy.cc.
std::unique_ptr<Strategy> MakeByteStrategy(std::vector<uint8_t> choices, uint64_t seed);
std::unique_ptr<Strategy> MakeStrategy(const StrategyConfig& config);
// Non-preemptive with explicit preemptions (step, thread): sticky_strategy.cc.
std::unique_ptr<Strategy> MakeStickyStrategy(std::vector<int> order,
                                             std::vector<std::pair<int64_t, int>> preemptions);

std::string StrategyName(StrategyKind kind);
bool ParseStrategyName(const std::string& name, StrategyKind* kind);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHED_STRATEGY_H_
