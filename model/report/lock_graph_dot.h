// The lock graph as a picture: lock classes as nodes, lockdep dependencies
// (held class -> acquired class) as edges labelled with the ops and scheme
// lines that create them, rendered as Graphviz DOT text. Edges on a
// lock-order cycle (a strongly connected component of more than one class,
// or a self-loop: recursive locking) are red and bold; the edges of a
// finding's cycle are red and thicker still, so the bug stands out from the
// cycles it shares classes with.
//
// Pure text in, text out: the layout is Graphviz's job, and spawning `dot`
// belongs to the front end (cli/graphviz.h), not to the model library.
// Same picture, same bytes: nodes and edges are emitted sorted.
#ifndef OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_DOT_H_
#define OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_DOT_H_

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ovlfuzz {

class LockGraphPicture {
 public:
  struct Edge {
    std::vector<std::string> sites;  // "op FILE:LINE", first seen first, no duplicates
    bool finding = false;            // on the cycle of a finding
  };
  using Key = std::pair<std::string, std::string>;  // (held class, acquired class)

  // Adds from -> to (kept once) and, when not empty and new, its site.
  void AddEdge(const std::string& from, const std::string& to, const std::string& site);
  // Marks from -> to as part of a finding's cycle (adding the edge if missing).
  void MarkFinding(const std::string& from, const std::string& to);

  const std::map<Key, Edge>& edges() const { return edges_; }
  std::set<std::string> Nodes() const;
  // The edges that lie on some lock-order cycle (SCC of size > 1, or a
  // self-loop), found with Tarjan's algorithm over the sorted nodes.
  std::set<Key> CycleEdges() const;

  std::string title;   // first line of the graph's caption, e.g. "scheme v5.0"
  std::string source;  // where the edges came from, second caption line

 private:
  std::map<Key, Edge> edges_;
};

// At most this many sites are printed per edge; the rest as "+N more".
constexpr size_t kMaxEdgeLabelSites = 3;

// DOT text of the picture (digraph "lockgraph"), deterministic.
std::string RenderLockGraphDot(const LockGraphPicture& picture);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_REPORT_LOCK_GRAPH_DOT_H_
