#include "model/explain/deadlock_escalation.h"

#include <algorithm>

namespace ovlfuzz {

namespace {

std::vector<OpCall> Freezers(const World& world) {
  const Scheme& s = world.scheme();
  std::vector<OpCall> freezers;
  for (int op : s.ops)
    if (s.Contains(op, Opc::kFreezeBegin) && s.routines[op].params.empty()) {
      OpCall c;
      c.routine = static_cast<int16_t>(op);
      freezers.push_back(c);
    }
  return freezers;
}

// The ops that created the chain's dependencies, one thread each.
Program EdgeOps(const Program& program, const Finding& chain) {
  Program edges;
  for (const ChainLink& l : chain.chain) {
    if (l.site.thread < 0 || l.site.op_index < 0) continue;
    const std::vector<OpCall> one{program.threads[l.site.thread][l.site.op_index]};
    if (std::find(edges.threads.begin(), edges.threads.end(), one) == edges.threads.end()) edges.threads.push_back(one);
  }
  return edges;
}

// Distinct chain classes the deadlock's threads wait on.
int Coverage(const Finding& f) {
  std::vector<int> classes;
  for (int t : f.cycle)
    if (std::find(classes.begin(), classes.end(), f.threads[t].wait_cls) == classes.end())
      classes.push_back(f.threads[t].wait_cls);
  return static_cast<int>(classes.size());
}

}  // namespace

int DeadlockThreadsNeeded(const World& world, const Program& program, const Finding& chain) {
  return static_cast<int>(EdgeOps(program, chain).threads.size() + (Freezers(world).empty() ? 0 : 1));
}

std::vector<Program> DeadlockCandidates(const World& world, const Program& program, const Finding& chain) {
  const std::vector<OpCall> freezers = Freezers(world);
  const Program edges = EdgeOps(program, chain);
  std::vector<Program> out;
  auto add = [&](Program p) {
    if (p.threads.empty() || static_cast<int>(p.threads.size()) > kMaxThreads) return;
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  };
  for (const Program* base : {static_cast<const Program*>(&edges), &program}) {
    add(*base);
    for (const OpCall& f : freezers) {
      Program p = *base;
      p.threads.push_back({f});
      add(std::move(p));
    }
  }
  return out;
}

bool DeadlockOnChain(const ChainGoal& goal, const Finding& f) {
  if (f.kind != FindingKind::kDeadlock || f.cycle.empty()) return false;
  for (int t : f.cycle)
    if (t < 0 || t >= static_cast<int>(f.threads.size()) || !goal.HasClass(f.threads[t].wait_cls)) return false;
  return true;
}

bool EscalateToDeadlock(const World& world, const ChainGoal& goal, const Program& program, const Finding& chain,
                        const RunLimits& limits, const std::function<bool()>& should_stop, VerifyFinding* out) {
  int best = 0;
  // The first candidate with a deadlock on the chain ends the search (the
  // candidates grow): its deadlock that waits on most classes is kept.
  for (const Program& p : DeadlockCandidates(world, program, chain)) {
    if (best > 0 || (should_stop && should_stop())) break;
    VerifyOptions o;
    o.fixed_program = &p;
    o.all = true;
    o.limits = limits;
    o.should_stop = should_stop;
    VerifyResult r = Verify(world, o);
    for (VerifyFinding& f : r.findings)
      if (DeadlockOnChain(goal, f.finding) && Coverage(f.finding) > best) {
        best = Coverage(f.finding);
        *out = std::move(f);
      }
  }
  return best > 0;
}

}  // namespace ovlfuzz
