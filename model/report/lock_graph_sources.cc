#include "model/report/lock_graph_sources.h"

namespace ovlfuzz {
namespace {

// The routine of the op a site is in, or -1 when the site names none.
int OpOf(const Program& program, const Site& s) {
  if (s.thread < 0 || s.thread >= static_cast<int>(program.threads.size())) return -1;
  const auto& ops = program.threads[s.thread];
  if (s.op_index < 0 || s.op_index >= static_cast<int>(ops.size())) return -1;
  return ops[s.op_index].routine;
}

}  // namespace

std::string LockSiteLabel(const World& world, int op_routine, int routine, int pc) {
  const Scheme& s = world.scheme();
  std::string label = op_routine >= 0 ? s.routines[op_routine].name : "?";
  if (routine >= 0 && pc >= 0) label += " " + s.Where(s.routines[routine].code[pc].line);
  return label;
}

void AddStaticEdges(const World& world, const StaticLockGraph& graph, LockGraphPicture* picture) {
  // The static graph keeps edges in a hash map; asking every class pair
  // (tens of classes) gives them in a stable order without exposing it.
  for (int from : graph.classes())
    for (int to : graph.classes()) {
      if (!graph.HasEdge(from, to)) continue;
      const std::string a = world.ClassName(from), b = world.ClassName(to);
      picture->AddEdge(a, b, "");
      for (const StaticSite& site : graph.Sites(from, to))
        picture->AddEdge(a, b, LockSiteLabel(world, site.call.routine, site.routine, site.pc));
    }
}

void AddChainEdges(const World& world, const std::vector<ChainLink>& edges,
                   const std::function<int(const ChainLink&)>& op_of, LockGraphPicture* picture) {
  for (const ChainLink& l : edges) {
    if (l.from_cls < 0 || l.cls < 0) continue;
    picture->AddEdge(world.ClassName(l.from_cls), world.ClassName(l.cls),
                     LockSiteLabel(world, op_of(l), l.site.routine, l.site.pc));
  }
}

void AddRunEdges(const World& world, const Program& program, const RunResult& result, LockGraphPicture* picture) {
  auto op_of = [&](const ChainLink& l) { return OpOf(program, l.site); };
  AddChainEdges(world, result.edges, op_of, picture);
  for (const Finding& f : result.findings) {
    // A finding's own links carry their sites too (the closing edge of a
    // lock inversion is not in the run's edge list when it was refused).
    AddChainEdges(world, f.chain, op_of, picture);
    MarkFindingCycle(world, f, &program, picture);
  }
}

void MarkFindingCycle(const World& world, const Finding& finding, const Program* program, LockGraphPicture* picture) {
  for (const ChainLink& l : finding.chain)
    if (l.from_cls >= 0 && l.cls >= 0) picture->MarkFinding(world.ClassName(l.from_cls), world.ClassName(l.cls));
  // Deadlock: thread u holds the lock another thread of the cycle waits
  // for while it waits itself, so held class -> u's waited class is the
  // dependency that closes the cycle; u's other held locks are bystanders.
  auto valid = [&](int t) { return t >= 0 && t < static_cast<int>(finding.threads.size()); };
  for (int u : finding.cycle) {
    if (!valid(u) || finding.threads[u].wait_cls < 0) continue;
    const ThreadSnapshot& tu = finding.threads[u];
    for (const HeldLock& h : tu.held)
      for (int t : finding.cycle)
        if (t != u && valid(t) && finding.threads[t].wait_inst == h.inst && h.cls >= 0) {
          const std::string from = world.ClassName(h.cls), to = world.ClassName(tu.wait_cls);
          picture->MarkFinding(from, to);
          if (program) picture->AddEdge(from, to, LockSiteLabel(world, OpOf(*program, tu.at), tu.at.routine, tu.at.pc));
        }
  }
}

}  // namespace ovlfuzz
