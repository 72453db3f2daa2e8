#include "model/oracle/lock_graph.h"

#include <algorithm>

namespace ovlfuzz {

namespace {
constexpr uint8_t kEndsR = kDepER | kDepSR;
constexpr uint8_t kStartsE = kDepER | kDepEN;
}  // namespace

bool LockGraph::FindStrongPath(int from, int to, bool only_r, bool end_s, std::vector<int>* path) const {
  // BFS gives the shortest chain, as lockdep's BFS does, over states (class,
  // entered only through -(*R)->): state 2v+1 may only leave by -(E*)->.
  // Class ids are small dense integers, so plain vectors serve as the
  // visited map.
  const size_t states = 2 * (std::max<size_t>({static_cast<size_t>(from), static_cast<size_t>(to), succ_.size()}) + 1);
  if (prev_.size() < states) prev_.resize(states, -1);
  const int start = 2 * from + (only_r ? 1 : 0);
  queue_.assign(1, start);
  prev_[start] = start;
  bool found = false;
  int end = -1;
  for (size_t head = 0; head < queue_.size() && !found; ++head) {
    const int state = queue_[head], v = state / 2;
    const bool r = state & 1;
    if (v == to && !(r && end_s)) {
      found = true;
      end = state;
      break;
    }
    if (static_cast<size_t>(v) >= succ_.size()) continue;
    for (const Adj& a : succ_[v]) {
      uint8_t kinds = a.kinds;
      if (r) kinds &= kStartsE;  // no -(*R)-> v -(S*)->
      if (!kinds) continue;
      const int next = 2 * a.to + ((kinds & ~kEndsR) == 0 ? 1 : 0);
      if (prev_[next] >= 0) continue;
      prev_[next] = state;
      queue_.push_back(next);
    }
  }
  if (found) {
    path->clear();
    for (int st = end; st != start; st = prev_[st]) path->push_back(st / 2);
    path->push_back(from);
    std::reverse(path->begin(), path->end());
  }
  for (int st : queue_) prev_[st] = -1;
  return found;
}

bool LockGraph::AddEdge(const ChainLink& link, std::vector<ChainLink>* cycle) {
  const int from = link.from_cls, to = link.cls;
  const uint8_t kind = DepKindOf(link.from_read, link.recursive);
  auto it = edges_.find(Key(from, to));
  if (it != edges_.end() && (it->second.kinds & kind)) return false;
  bool closes = false;
  std::vector<int> path;
  if (from == to) {
    cycle->assign(1, link);
    closes = true;
  } else if (FindStrongPath(to, from, link.recursive, link.from_read, &path)) {
    cycle->clear();
    cycle->push_back(link);  // #0: the new lock, acquired while `from` is held
    for (size_t i = 1; i < path.size(); ++i) cycle->push_back(edges_.at(Key(path[i - 1], path[i])).first);
    closes = true;
  }
  if (it != edges_.end()) {
    it->second.kinds |= kind;
    for (Adj& a : succ_[from])
      if (a.to == to) a.kinds |= kind;
    return closes;
  }
  edges_.emplace(Key(from, to), Edge{link, kind});
  if (succ_.size() <= static_cast<size_t>(std::max(from, to))) succ_.resize(std::max(from, to) + 1);
  succ_[from].push_back({to, kind});
  order_.push_back(link);
  return closes;
}

}  // namespace ovlfuzz
