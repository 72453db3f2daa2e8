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
  const size_t states =
      2 * (std::max<size_t>({static_cast<size_t>(from), static_cast<size_t>(to), static_cast<size_t>(n_)}) + 1);
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
    if (v >= n_) continue;
    for (int e = head_[v]; e >= 0; e = next_[e]) {
      uint8_t kinds = kinds_[e];
      if (r) kinds &= kStartsE;  // no -(*R)-> v -(S*)->
      if (!kinds) continue;
      const int next = 2 * order_[e].cls + ((kinds & ~kEndsR) == 0 ? 1 : 0);
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

void LockGraph::Grow(int classes) {
  const int n = std::max({classes, 2 * n_, 16});
  index_.assign(static_cast<size_t>(n) * n, -1);
  for (size_t e = 0; e < order_.size(); ++e)
    index_[static_cast<size_t>(order_[e].from_cls) * n + order_[e].cls] = static_cast<int32_t>(e);
  head_.resize(n, -1);
  tail_.resize(n, -1);
  n_ = n;
}

bool LockGraph::AddEdge(const ChainLink& link, std::vector<ChainLink>* cycle) {
  const int from = link.from_cls, to = link.cls;
  const uint8_t kind = DepKindOf(link.from_read, link.recursive);
  const int existing = EdgeIndex(from, to);
  if (existing >= 0 && (kinds_[existing] & kind)) return false;
  bool closes = false;
  if (from == to) {
    cycle->assign(1, link);
    closes = true;
  } else if (FindStrongPath(to, from, link.recursive, link.from_read, &path_)) {
    cycle->clear();
    cycle->push_back(link);  // #0: the new lock, acquired while `from` is held
    for (size_t i = 1; i < path_.size(); ++i) cycle->push_back(order_[EdgeIndex(path_[i - 1], path_[i])]);
    closes = true;
  }
  if (existing >= 0) {
    kinds_[existing] |= kind;
    return closes;
  }
  if (std::max(from, to) >= n_) Grow(std::max(from, to) + 1);
  const int e = static_cast<int>(order_.size());
  index_[static_cast<size_t>(from) * n_ + to] = e;
  order_.push_back(link);
  kinds_.push_back(kind);
  next_.push_back(-1);
  if (tail_[from] >= 0)
    next_[tail_[from]] = e;
  else
    head_[from] = e;
  tail_[from] = e;
  return closes;
}

}  // namespace ovlfuzz
