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
  const size_t states = 2 * (std::max<size_t>({static_cast<size_t>(from), static_cast<size_t>(to), head_.size()}) + 1);
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
    if (static_cast<size_t>(v) >= head_.size()) continue;
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

void LockGraph::Insert(uint64_t key, int edge) {
  const size_t mask = slots_.size() - 1;
  size_t i = SlotOf(key, mask);
  while (slots_[i].edge >= 0) i = (i + 1) & mask;
  slots_[i] = {key, edge};
  slot_of_[edge] = static_cast<int32_t>(i);
}

void LockGraph::Grow() {
  slots_.assign(std::max<size_t>(64, 2 * slots_.size()), Slot());
  for (size_t e = 0; e < order_.size(); ++e) Insert(Key(order_[e].from_cls, order_[e].cls), static_cast<int>(e));
}

void LockGraph::Clear() {
  // Only the slots in use: the table is as large as the largest run's ever
  // was, and most runs use a tenth of it.
  for (int32_t i : slot_of_) slots_[i] = Slot();
  order_.clear();
  kinds_.clear();
  next_.clear();
  slot_of_.clear();
  std::fill(head_.begin(), head_.end(), -1);
  std::fill(tail_.begin(), tail_.end(), -1);
  std::fill(has_in_.begin(), has_in_.end(), 0);
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
  } else if (static_cast<size_t>(std::max(from, to)) < head_.size() && head_[to] >= 0 &&
             has_in_[from] &&  // a path to -> ... -> from needs an edge out of `to` and one into `from`
             FindStrongPath(to, from, link.recursive, link.from_read, &path_)) {
    cycle->clear();
    cycle->push_back(link);  // #0: the new lock, acquired while `from` is held
    for (size_t i = 1; i < path_.size(); ++i) cycle->push_back(order_[EdgeIndex(path_[i - 1], path_[i])]);
    closes = true;
  }
  if (existing >= 0) {
    kinds_[existing] |= kind;
    return closes;
  }
  const int e = static_cast<int>(order_.size());
  if (order_.empty()) {  // a run adds a few dozen edges: grow once, not five times
    order_.reserve(32);
    kinds_.reserve(32);
    next_.reserve(32);
    slot_of_.reserve(32);
  }
  order_.push_back(link);
  slot_of_.push_back(-1);  // Insert() sets it
  if (2 * order_.size() > slots_.size())
    Grow();  // re-inserts order_, e included
  else
    Insert(Key(from, to), e);
  if (static_cast<size_t>(std::max(from, to)) >= head_.size()) {
    head_.resize(std::max(from, to) + 1, -1);
    tail_.resize(head_.size(), -1);
    has_in_.resize(head_.size(), 0);
  }
  has_in_[to] = 1;
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
