// LockGraph: lockdep's class dependency graph. An edge A -> B means "B was
// acquired (blocking) while A was held"; each edge remembers the first site
// that created it. AddEdge() reports the cycle a new edge closes, in the
// order lockdep prints it: #0 is the lock being acquired, the last entry is
// the held lock, each entry with the site where its dependency was created.
#ifndef OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_
#define OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_

#include <unordered_map>
#include <vector>

#include "model/oracle/finding.h"

namespace ovlfuzz {

class LockGraph {
 public:
  // Adds from -> link.cls. Returns true (and fills *cycle) when the edge is
  // new and closes a cycle; a self-edge is a cycle of length one.
  bool AddEdge(const ChainLink& link, std::vector<ChainLink>* cycle);
  bool HasEdge(int from, int to) const { return edges_.count(Key(from, to)) != 0; }
  size_t edge_count() const { return edges_.size(); }
  // Every edge with the site that created it, in creation order.
  const std::vector<ChainLink>& edges() const { return order_; }

 private:
  static uint64_t Key(int from, int to) { return (static_cast<uint64_t>(from) << 32) | static_cast<uint32_t>(to); }
  bool FindPath(int from, int to, std::vector<int>* path) const;

  std::unordered_map<uint64_t, ChainLink> edges_;
  std::unordered_map<int, std::vector<int>> succ_;
  std::vector<ChainLink> order_;
  int max_node_ = 0;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_
