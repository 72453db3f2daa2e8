#include "model/report/lock_graph_dot.h"

#include <algorithm>
#include <functional>
#include <sstream>

namespace ovlfuzz {
namespace {

// A DOT double-quoted string; label escapes like \n are added by the caller
// after quoting the parts, so a backslash in a name stays a backslash.
std::string Quote(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o + "\"";
}

// The same, without the quotes, for building multi-line labels.
std::string Inner(const std::string& s) {
  std::string q = Quote(s);
  return q.substr(1, q.size() - 2);
}

}  // namespace

void LockGraphPicture::AddEdge(const std::string& from, const std::string& to, const std::string& site) {
  Edge& e = edges_[{from, to}];
  if (!site.empty() && std::find(e.sites.begin(), e.sites.end(), site) == e.sites.end()) e.sites.push_back(site);
}

void LockGraphPicture::MarkFinding(const std::string& from, const std::string& to) {
  edges_[{from, to}].finding = true;
}

std::set<std::string> LockGraphPicture::Nodes() const {
  std::set<std::string> nodes;
  for (const auto& [key, edge] : edges_) {
    nodes.insert(key.first);
    nodes.insert(key.second);
  }
  return nodes;
}

std::set<LockGraphPicture::Key> LockGraphPicture::CycleEdges() const {
  // Tarjan's SCC over node indices (sorted names, so the result never
  // depends on insertion order). The graphs are tens of classes: recursion
  // depth is no concern.
  const std::set<std::string> names = Nodes();
  const std::vector<std::string> node(names.begin(), names.end());
  auto index_of = [&](const std::string& n) {
    return static_cast<int>(std::lower_bound(node.begin(), node.end(), n) - node.begin());
  };
  std::vector<std::vector<int>> succ(node.size());
  for (const auto& [key, edge] : edges_) succ[index_of(key.first)].push_back(index_of(key.second));
  std::vector<int> index(node.size(), -1), low(node.size(), 0), comp(node.size(), -1), comp_size;
  std::vector<bool> on_stack(node.size(), false);
  std::vector<int> stack;
  int counter = 0;
  std::function<void(int)> visit = [&](int v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (int w : succ[v]) {
      if (index[w] < 0) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    const int c = static_cast<int>(comp_size.size());
    comp_size.push_back(0);
    for (int w = -1; w != v;) {
      w = stack.back();
      stack.pop_back();
      on_stack[w] = false;
      comp[w] = c;
      ++comp_size[c];
    }
  };
  for (size_t v = 0; v < node.size(); ++v)
    if (index[v] < 0) visit(static_cast<int>(v));

  std::set<Key> on_cycle;
  for (const auto& [key, edge] : edges_) {
    const int a = index_of(key.first), b = index_of(key.second);
    if (a == b || (comp[a] == comp[b] && comp_size[comp[a]] > 1)) on_cycle.insert(key);
  }
  return on_cycle;
}

std::string RenderLockGraphDot(const LockGraphPicture& picture) {
  const std::set<std::string> names = picture.Nodes();
  const std::set<LockGraphPicture::Key> cycle = picture.CycleEdges();
  std::set<std::string> cycle_nodes, finding_nodes;
  for (const auto& [key, edge] : picture.edges()) {
    if (cycle.count(key)) cycle_nodes.insert({key.first, key.second});
    if (edge.finding) finding_nodes.insert({key.first, key.second});
  }
  // Short node ids keep the SVG's <title>s parseable ("n3->n7"): class
  // names themselves contain "->".
  std::map<std::string, std::string> id;
  for (const std::string& n : names) id[n] = "n" + std::to_string(id.size());

  std::ostringstream o;
  o << "// ovlfuzz lock graph: lock classes, lockdep dependencies held -> acquired.\n"
    << "// red bold: on a lock-order cycle; red thick: the cycle of a finding.\n"
    << "digraph lockgraph {\n"
    << "  graph [label=\"" << Inner(picture.title) << "\\n"
    << Inner(picture.source) << "\", labelloc=t, fontname=\"Helvetica\", fontsize=12];\n"
    << "  node [shape=box, style=rounded, fontname=\"monospace\", fontsize=11];\n"
    << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\", fontcolor=\"#555555\"];\n";
  for (const std::string& n : names) {
    o << "  " << id[n] << " [label=" << Quote(n);
    if (finding_nodes.count(n))
      o << ", color=red, fontcolor=\"#aa0000\", style=\"rounded,filled,bold\", fillcolor=\"#fde2e1\", "
           "class=\"finding\"";
    else if (cycle_nodes.count(n))
      o << ", color=red, fontcolor=\"#aa0000\", class=\"cycle\"";
    o << "];\n";
  }
  for (const auto& [key, edge] : picture.edges()) {
    std::string label;
    for (size_t i = 0; i < edge.sites.size() && i < kMaxEdgeLabelSites; ++i)
      label += (i ? "\\n" : "") + Inner(edge.sites[i]);
    if (edge.sites.size() > kMaxEdgeLabelSites)
      label += "\\n+" + std::to_string(edge.sites.size() - kMaxEdgeLabelSites) + " more";
    o << "  " << id[key.first] << " -> " << id[key.second] << " [label=\"" << label
      << "\", tooltip=" << Quote(key.first + " -> " + key.second);
    if (edge.finding)
      o << ", color=red, fontcolor=red, style=bold, penwidth=3, class=\"finding\"";
    else if (cycle.count(key))
      o << ", color=red, fontcolor=red, style=bold, penwidth=1.5, class=\"cycle\"";
    o << "];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace ovlfuzz
