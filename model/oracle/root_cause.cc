#include "model/oracle/root_cause.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "model/analysis/static_locks.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {
namespace {

// Successors of each class in the static graph (self-dependencies left
// out: recursion is not a lock-order cycle).
using Successors = std::map<int, std::vector<int>>;
using Edges = std::vector<std::pair<int, int>>;

struct SchemeCycles {
  Successors succ;
  std::map<Edges, std::vector<int>> memo;  // a cycle's edges -> its root cause
};

// Keyed by the scheme's text hash: the same text gives the same classes,
// whichever World object a run uses. The caller holds `mu`: verify's jobs
// and the TSan lane run oracles on several threads.
std::mutex mu;

SchemeCycles& CyclesOf(const World& world) {
  static std::map<uint64_t, std::unique_ptr<SchemeCycles>> cache;
  std::unique_ptr<SchemeCycles>& slot = cache[world.scheme().hash];
  if (!slot) {
    slot = std::make_unique<SchemeCycles>();
    const StaticLockGraph& graph = CachedStaticLockGraph(world);
    for (int from : graph.classes())
      for (int to : graph.classes())
        if (from != to && graph.HasEdge(from, to)) slot->succ[from].push_back(to);
  }
  return *slot;
}

// Shortest path to -> ... -> from in `succ` (breadth first, successors in
// class order): with the edge from -> to, a cycle. Empty when none.
std::vector<int> ShortestCycleThrough(const Successors& succ, int from, int to) {
  std::map<int, int> parent{{to, to}};
  std::deque<int> queue{to};
  while (!queue.empty()) {
    const int c = queue.front();
    queue.pop_front();
    if (c == from) {
      std::vector<int> path;
      for (int x = from; x != to; x = parent[x]) path.push_back(x);
      path.push_back(to);
      std::reverse(path.begin(), path.end());  // to ... from
      return path;
    }
    auto it = succ.find(c);
    if (it == succ.end()) continue;
    for (int n : it->second)
      if (parent.emplace(n, c).second) queue.push_back(n);
  }
  return {};
}

std::string SortedNames(const World& world, std::vector<int> classes) {
  std::vector<std::string> names;
  for (int c : classes) names.push_back(world.ClassName(c));
  std::sort(names.begin(), names.end());
  std::string s;
  for (const std::string& n : names) s += n + "\n";
  return s;
}

}  // namespace

std::vector<int> RootCauseCycle(const World& world, const std::vector<std::pair<int, int>>& edges) {
  std::vector<int> own;
  for (const auto& e : edges) own.push_back(e.second);
  if (edges.size() < 2) return own;
  std::lock_guard<std::mutex> lock(mu);
  SchemeCycles& cycles = CyclesOf(world);
  // Fuzzing closes the same few cycles over and over: remember each answer.
  auto [memo, fresh] = cycles.memo.try_emplace(edges);
  if (!fresh) return memo->second;
  std::vector<int> best;
  std::string best_names;
  for (const auto& [from, to] : edges) {
    std::vector<int> cycle = ShortestCycleThrough(cycles.succ, from, to);
    if (cycle.empty()) continue;
    const std::string names = SortedNames(world, cycle);
    if (best.empty() || cycle.size() < best.size() || (cycle.size() == best.size() && names < best_names)) {
      best = std::move(cycle);
      best_names = names;
    }
  }
  memo->second = best.empty() || best.size() > own.size() ? own : best;
  return memo->second;
}

std::string RootCauseBugKey(const World& world, FindingKind kind, const std::vector<std::pair<int, int>>& edges) {
  std::vector<std::string> names;
  for (int cls : RootCauseCycle(world, edges)) names.push_back(world.ClassName(cls));
  return BugKey(kind, names);
}

}  // namespace ovlfuzz
