#include "model/oracle/lock_graph.h"

#include <algorithm>
#include <deque>

namespace ovlfuzz {

bool LockGraph::FindPath(int from, int to, std::vector<int>* path) const {
  // BFS gives the shortest chain, as lockdep's BFS does.
  std::unordered_map<int, int> prev;
  std::deque<int> queue{from};
  prev[from] = from;
  while (!queue.empty()) {
    int n = queue.front();
    queue.pop_front();
    if (n == to) {
      path->clear();
      for (int v = to; v != from; v = prev[v]) path->push_back(v);
      path->push_back(from);
      std::reverse(path->begin(), path->end());
      return true;
    }
    auto it = succ_.find(n);
    if (it == succ_.end()) continue;
    for (int m : it->second) {
      if (prev.emplace(m, n).second) queue.push_back(m);
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
  succ_[from].push_back(to);
  order_.push_back(link);
  return closes;
}

}  // namespace ovlfuzz
