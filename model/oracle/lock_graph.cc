#include "model/oracle/lock_graph.h"

#include <algorithm>

namespace ovlfuzz {

bool LockGraph::FindPath(int from, int to, std::vector<int>* path) const {
  // BFS gives the shortest chain, as lockdep's BFS does. Class ids are
  // small dense integers, so plain vectors serve as the visited map.
  std::vector<int> prev(std::max({from, to, max_node_}) + 1, -1);
  std::vector<int> queue{from};
  prev[from] = from;
  for (size_t head = 0; head < queue.size(); ++head) {
    int v = queue[head];
    if (v == to) {
      path->clear();
      for (int u = to; u != from; u = prev[u]) path->push_back(u);
      path->push_back(from);
      std::reverse(path->begin(), path->end());
      return true;
    }
    auto it = succ_.find(v);
    if (it == succ_.end()) continue;
    for (int m : it->second) {
      if (prev[m] >= 0) continue;
      prev[m] = v;
      queue.push_back(m);
    }
  }
  return false;
}

bool LockGraph::AddEdge(const ChainLink& link, std::vector<ChainLink>* cycle) {
  const int from = link.from_cls, to = link.cls;
  if (HasEdge(from, to)) return false;
  bool closes = false;
  std::vector<int> path;
  if (from == to) {
    cycle->assign(1, link);
    closes = true;
  } else if (FindPath(to, from, &path)) {
    cycle->clear();
    cycle->push_back(link);  // #0: the new lock, acquired while `from` is held
    for (size_t i = 1; i < path.size(); ++i) cycle->push_back(edges_.at(Key(path[i - 1], path[i])));
    closes = true;
  }
  edges_.emplace(Key(from, to), link);
  max_node_ = std::max({max_node_, from, to});
  succ_[from].push_back(to);
  order_.push_back(link);
  return closes;
}

}  // namespace ovlfuzz
