// Deadlock-directed scheduling (after DeadlockFuzzer, Joshi et al., PLDI
// 2009): once a lock inversion is known, a real deadlock needs each thread
// of the cycle stopped while it holds its side of the cycle, before it asks
// for the next. This strategy parks a thread as soon as it holds every
// class it must hold (its `park` set: the held side of each dependency of
// the cycle its op created) and prefers, in this order, threads of the
// cycle that are not parked yet, threads outside the cycle (a freezer, so
// it queues for sb_writers while the readers hold it), and parked threads
// last. The parked threads then ask for their next lock and block on each
// other. Ties are broken by a seeded Rng, so runs stay reproducible; a
// thread unparks when its op ends (the inversion did not close this time).
//
// It is also an Oracle so RunOnce feeds it the run's events (which locks a
// thread acquired): pass it as an observer as well as the strategy.
#ifndef OVLFUZZ_MODEL_SCHED_DEADLOCK_DIRECTED_H_
#define OVLFUZZ_MODEL_SCHED_DEADLOCK_DIRECTED_H_

#include <cstdint>
#include <set>
#include <vector>

#include "model/core/rng.h"
#include "model/oracle/oracle.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {

class DeadlockDirectedStrategy : public Strategy, public Oracle {
 public:
  // park[t]: the classes (with subclass) thread t must hold before it
  // parks; empty for threads outside the cycle.
  DeadlockDirectedStrategy(std::vector<std::set<int>> park, uint64_t seed);

  void Begin(int threads, int64_t steps_hint) override;
  int Pick(const std::vector<int>& runnable, int64_t step) override;
  void OnEvent(const Event& event, const Execution& x) override;
  EventMask Interests() const override {
    return EventBit(EventKind::kAcquired) | EventBit(EventKind::kReleased) | EventBit(EventKind::kOpEnd);
  }
  void Collect(const Execution&, std::vector<Finding>*) override {}

 private:
  std::vector<std::set<int>> park_;
  std::vector<std::set<int>> holding_;  // classes of park_[t] thread t holds now
  std::vector<bool> parked_;
  Rng rng_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHED_DEADLOCK_DIRECTED_H_
