#include "model/explain/chain_goal.h"

#include <algorithm>

namespace ovlfuzz {

ChainGoal ChainGoal::From(const ClassAssignment& a, int index, bool recursive) {
  ChainGoal g;
  g.assignment = index;
  g.recursive = recursive;
  g.cycle = a.cycle;
  g.edges = a.edges;
  return g;
}

std::vector<uint64_t> ChainGoal::EdgeKeys() const {
  std::vector<uint64_t> keys;
  for (const auto& [from, to] : edges) keys.push_back(static_cast<uint64_t>(from) << 32 | static_cast<uint32_t>(to));
  return keys;
}

bool ChainGoal::HasClass(int cls) const { return std::find(cycle.begin(), cycle.end(), cls) != cycle.end(); }

uint64_t EdgesMade(const ChainGoal& goal, const RunResult& r) {
  uint64_t made = 0;
  if (goal.recursive) {
    for (const Finding& f : r.findings)
      if (MatchFinding(goal, f) != ChainMatch::kNone) made = 1;
    return made;
  }
  for (size_t k = 0; k < goal.edges.size(); ++k)
    for (const ChainLink& l : r.edges)
      if (l.from_cls == goal.edges[k].first && l.cls == goal.edges[k].second) {
        made |= uint64_t{1} << k;
        break;
      }
  return made;
}

ChainMatch MatchFinding(const ChainGoal& goal, const Finding& f) {
  const FindingKind want = goal.recursive ? FindingKind::kRecursiveLocking : FindingKind::kLockInversion;
  if (f.kind != want || f.chain.size() != goal.cycle.size()) return ChainMatch::kNone;
  const size_t n = goal.cycle.size();
  for (size_t r = 0; r < n; ++r) {
    bool all = true;
    for (size_t i = 0; i < n && all; ++i) all = f.chain[i].cls == goal.cycle[(i + r) % n];
    if (all) return r == 0 ? ChainMatch::kExact : ChainMatch::kRotated;
  }
  return ChainMatch::kNone;
}

int ChainFinding(const ChainGoal& goal, const RunResult& r, ChainMatch* how) {
  int best = -1;
  ChainMatch best_how = ChainMatch::kNone;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    ChainMatch m = MatchFinding(goal, r.findings[i]);
    if (m > best_how) {
      best_how = m;
      best = static_cast<int>(i);
    }
  }
  if (how) *how = best_how;
  return best;
}

}  // namespace ovlfuzz
