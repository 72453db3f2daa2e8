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
  const int n = std::max({from, to, max_node_}) + 1;
  std::vector<int> prev(2 * n, -1);
  const int start = 2 * from + (only_r ? 1 : 0);
  std::vector<int> queue{start};
  prev[start] = start;
  for (size_t head = 0; head < queue.size(); ++head) {
    const int state = queue[head], v = state / 2;
    const bool r = state & 1;
    if (v == to && !(r && end_s)) {
      path->clear();
      for (int s = state; s != start; s = prev[s]) path->push_back(s / 2);
      path->push_back(from);
      std::reverse(path->begin(), path->end());
      return true;
    }
    auto it = succ_.find(v);
    if (it == succ_.end()) continue;
    for (int m : it->second) {
      uint8_t kinds = edges_.at(Key(v, m)).kinds;
      if (r) kinds &= kStartsE;  // no -(*R)-> v -(S*)->
      if (!kinds) continue;
      const int next = 2 * m + ((kinds & ~kEndsR) == 0 ? 1 : 0);
      if (prev[next] >= 0) continue;
      prev[next] = state;
      queue.push_back(next);
    }
  }
  return false;
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
    return closes;
  }
  edges_.emplace(Key(from, to), Edge{link, kind});
  max_node_ = std::max({max_node_, from, to});
  succ_[from].push_back(to);
  order_.push_back(link);
  return closes;
}

}  // namespace ovlfuzz
