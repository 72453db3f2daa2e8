// LockGraph: lockdep's class dependency graph. An edge A -> B means "B was
// acquired (blocking) while A was held"; each edge remembers the first site
// that created it and the kinds it was created with. AddEdge() reports the
// cycle a new edge closes, in the order lockdep prints it: #0 is the lock
// being acquired, the last entry is the held lock, each entry with the site
// where its dependency was created.
//
// Recursive readers (lockdep since 5.11, Documentation/locking/
// lockdep-design.rst): a dependency is -(ER)->, -(EN)->, -(SR)-> or -(SN)->
// by how A was held (E exclusive, S shared) and how B was taken (R as a
// recursive reader, N otherwise). Only a *strong* cycle is a deadlock: one
// with no -(*R)-> L -(S*)-> pair, since a recursive reader of L never waits
// for another reader of L. Without recursive readers every cycle is strong.
#ifndef OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_
#define OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_

#include <cstdint>
#include <vector>

#include "model/oracle/finding.h"

namespace ovlfuzz {

enum DepKind : uint8_t { kDepER = 1, kDepEN = 2, kDepSR = 4, kDepSN = 8 };

inline uint8_t DepKindOf(bool from_read, bool to_recursive) {
  return from_read ? (to_recursive ? kDepSR : kDepSN) : (to_recursive ? kDepER : kDepEN);
}

class LockGraph {
 public:
  // Adds from -> link.cls with the kind of `link` (from_read, recursive).
  // Returns true (and fills *cycle) when the edge, or this kind of it, is
  // new and closes a strong cycle; a self-edge is a cycle of length one.
  bool AddEdge(const ChainLink& link, std::vector<ChainLink>* cycle);
  bool HasEdge(int from, int to) const { return EdgeIndex(from, to) >= 0; }
  // Whether from -> to already has `kind` (AddEdge would do nothing): most
  // acquisitions of a run repeat an order, and this is their whole check.
  bool Known(int from, int to, uint8_t kind) const {
    const int e = EdgeIndex(from, to);
    return e >= 0 && (kinds_[e] & kind);
  }
  size_t edge_count() const { return order_.size(); }
  // Every edge with the site that first created it, in creation order.
  const std::vector<ChainLink>& edges() const { return order_; }
  // Forgets every edge and keeps the buffers: the next run's graph.
  void Clear();

 private:
  // A strong path from -> ... -> to, entered `from` with `only_r` (the edge
  // into `from` ends with R), whose last edge may not end with R when the
  // edge closing the cycle starts with S (`end_s`).
  bool FindStrongPath(int from, int to, bool only_r, bool end_s, std::vector<int>* path) const;
  int EdgeIndex(int from, int to) const {
    if (slots_.empty()) return -1;
    const size_t mask = slots_.size() - 1;
    const uint64_t key = Key(from, to);
    for (size_t i = SlotOf(key, mask);; i = (i + 1) & mask) {
      if (slots_[i].edge < 0) return -1;
      if (slots_[i].key == key) return slots_[i].edge;
    }
  }
  static uint64_t Key(int from, int to) {
    return static_cast<uint64_t>(static_cast<uint32_t>(from)) << 32 | static_cast<uint32_t>(to);
  }
  static size_t SlotOf(uint64_t key, size_t mask) { return (key * 0x9e3779b97f4a7c15ULL) >> 40 & mask; }
  void Insert(uint64_t key, int edge);
  void Grow();

  // A run adds a few dozen edges, so they live in flat arrays, not
  // node-based maps: edge e is order_[e] (its first creation) with kinds_[e];
  // slots_ is an open-addressing table from the key (from, to) to e (edge
  // -1: empty; its size a power of two, at most half full), the key kept in
  // the slot so a probe touches nothing else; each class's successors are a
  // list in creation order (head_/tail_/next_, by dense class id), the
  // order the BFS visits them in.
  struct Slot {
    uint64_t key = 0;
    int32_t edge = -1;
  };
  std::vector<Slot> slots_;
  std::vector<int32_t> slot_of_;  // by edge: its slot, so Clear() empties only those
  std::vector<ChainLink> order_;
  std::vector<uint8_t> kinds_;
  std::vector<int32_t> head_, tail_, next_;
  std::vector<uint8_t> has_in_;  // by class: some edge ends in it
  // BFS scratch, reused so a search allocates nothing: prev_ is -1 for
  // every state between searches.
  mutable std::vector<int> prev_, queue_;
  std::vector<int> path_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_LOCK_GRAPH_H_
