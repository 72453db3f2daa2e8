#include "model/sched/deadlock_directed.h"

#include <algorithm>

#include "model/exec/event.h"

namespace ovlfuzz {

DeadlockDirectedStrategy::DeadlockDirectedStrategy(std::vector<std::set<int>> park, uint64_t seed)
    : park_(std::move(park)), rng_(seed) {}

void DeadlockDirectedStrategy::Begin(int threads, int64_t) {
  park_.resize(threads);
  holding_.assign(threads, {});
  parked_.assign(threads, false);
}

int DeadlockDirectedStrategy::Pick(const std::vector<int>& runnable, int64_t) {
  // Tier 0: cycle threads still on their way; 1: threads outside the
  // cycle; 2: parked cycle threads.
  auto tier = [&](int t) { return park_[t].empty() ? 1 : parked_[t] ? 2 : 0; };
  int best = 3;
  for (int t : runnable) best = std::min(best, tier(t));
  std::vector<int> pick;
  for (int t : runnable)
    if (tier(t) == best) pick.push_back(t);
  return pick[rng_.Below(pick.size())];
}

void DeadlockDirectedStrategy::OnEvent(const Event& e, const Execution&) {
  if (e.thread < 0 || e.thread >= static_cast<int>(park_.size())) return;
  const int t = e.thread;
  if (e.kind == EventKind::kAcquired && park_[t].count(e.cls)) {
    holding_[t].insert(e.cls);
    parked_[t] = holding_[t].size() == park_[t].size();
  } else if (e.kind == EventKind::kReleased && park_[t].count(e.cls)) {
    holding_[t].erase(e.cls);
    parked_[t] = false;
  } else if (e.kind == EventKind::kOpEnd) {
    holding_[t].clear();
    parked_[t] = false;
  }
}

}  // namespace ovlfuzz
