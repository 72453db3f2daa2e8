#include "model/explain/explain.h"

#include <algorithm>
#include <set>

#include "model/explain/deadlock_escalation.h"
#include "model/explain/directed_search.h"
#include "model/explain/lockdep_name.h"
#include "model/analysis/static_locks.h"

namespace ovlfuzz {
namespace {

constexpr size_t kMaxGoals = 64;
// verify's bounds, smallest first: (threads, ops per thread).
constexpr std::pair<int, int> kLadder[] = {{2, 1}, {3, 1}, {2, 2}, {3, 2}, {2, 3}, {4, 2}, {3, 3}, {4, 3}};

uint64_t EdgeKey(std::pair<int, int> e) {
  return static_cast<uint64_t>(e.first) << 32 | static_cast<uint32_t>(e.second);
}

class Explainer {
 public:
  Explainer(const World& world, const Splat& splat, const ExplainOptions& o)
      : world_(world), splat_(splat), o_(o), graph_(world) {}

  ExplainResult Run() {
    mapping_ = MapSplat(splat_, world_, graph_);
    r_.assignments = static_cast<int>(mapping_.assignments.size());
    if (!mapping_.missing.empty() || mapping_.assignments.empty()) {
      r_.verdict = Verdict::kNotExpressible;
      r_.missing = mapping_.missing;
      if (r_.missing.empty()) r_.missing = TooFewClasses();
      return Finish();
    }
    if (mapping_.truncated)
      r_.warnings.push_back("more than " + std::to_string(SplatMapping::kMaxAssignments) +
                            " class assignments; the search tries the first ones");
    SetMapping(mapping_.assignments.front());
    const bool recursive = splat_.kind == SplatKind::kRecursive;
    for (size_t i = 0; i < mapping_.assignments.size() && goals_.size() < kMaxGoals; ++i)
      goals_.push_back(ChainGoal::From(mapping_.assignments[i], static_cast<int>(i), recursive));
    for (const ClassAssignment& a : mapping_.assignments) r_.feasible += a.Feasible();
    for (const ChainGoal& g : goals_)
      if (mapping_.assignments[g.assignment].Feasible()) feasible_.push_back(g);
    if (!feasible_.empty() && Fuzz()) return Finish();
    if (feasible_.empty() || !Reproduced()) Verify();
    return Finish();
  }

 private:
  double Elapsed() const { return o_.elapsed ? o_.elapsed() : 0; }
  double Left() const { return o_.seconds - Elapsed(); }
  bool Reproduced() const { return r_.verdict == Verdict::kReproduced; }

  ExplainResult Finish() {
    r_.seconds = Elapsed();
    return std::move(r_);
  }

  void SetMapping(const ClassAssignment& a) {
    r_.mapping = a;
    r_.warnings.insert(r_.warnings.end(), a.warnings.begin(), a.warnings.end());
  }

  // Families whose splat keys outnumber the scheme's (no one-to-one map).
  std::vector<std::string> TooFewClasses() const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const std::string& c : splat_.Cycle()) {
      LockdepName n = ParseLockdepName(c);
      if (!seen.insert(n.family).second) continue;
      std::set<std::string> splat_keys, model_keys;
      for (const std::string& d : splat_.Cycle())
        if (ParseLockdepName(d).family == n.family) splat_keys.insert(ParseLockdepName(d).Text());
      for (int cls : graph_.classes())
        if (ParseLockdepName(world_.ClassName(cls)).family == n.family) model_keys.insert(world_.ClassName(cls));
      if (splat_keys.size() > model_keys.size())
        out.push_back(n.family + " (the splat has " + std::to_string(splat_keys.size()) +
                      " classes of it, the scheme " + std::to_string(model_keys.size()) + ")");
    }
    return out;
  }

  std::string EdgeText(std::pair<int, int> e) const {
    return world_.ClassName(e.first) + " -> " + world_.ClassName(e.second);
  }

  // Weighted op calls per dependency: every call a static site names, its
  // weight 1 + the square of its sites' best frame-match score (a clear
  // match dominates the draw, no match still gets drawn).
  GoalCalls CallsFor(const ChainGoal& g) const {
    GoalCalls gc;
    gc.goal = g;
    const Scheme& s = world_.scheme();
    for (size_t k = 0; k < g.edges.size(); ++k) {
      const std::vector<SplatFrame> frames = splat_.EdgeFrames(static_cast<int>(k));
      const std::vector<SplatFrame> none, &held = k == 0 ? splat_.held.frames : none;
      std::vector<WeightedCall> calls;
      for (const StaticSite& site : graph_.Sites(g.edges[k].first, g.edges[k].second)) {
        int score =
            MatchFrames(s, site.routine, site.pc, site.stack, frames, site.HeldLines(), held).score;
        int w = 1 + score * score;
        auto it = std::find_if(calls.begin(), calls.end(), [&](const WeightedCall& c) { return c.call == site.call; });
        if (it == calls.end())
          calls.push_back({site.call, w});
        else
          it->weight = std::max(it->weight, w);
      }
      gc.calls.push_back(std::move(calls));
    }
    return gc;
  }

  bool Fuzz() {
    std::vector<GoalCalls> goals;
    for (const ChainGoal& g : feasible_) goals.push_back(CallsFor(g));
    DirectedOptions d;
    d.seed = o_.seed;
    d.limits = o_.limits;
    if (o_.threads > 0)
      d.gen.max_threads = o_.threads;
    else
      d.gen.max_threads = kMaxThreads;
    if (o_.ops > 0) d.gen.max_ops = o_.ops;
    const double until = o_.seconds / 3;
    const int goal_edges = static_cast<int>(feasible_.front().edges.size());
    d.should_stop = [&](const DirectedStats& st) {
      if (o_.progress) {
        ExplainProgress p;
        p.phase = "fuzz";
        p.runs = st.runs;
        p.best_edges = st.best_edges;
        p.goal_edges = goal_edges;
        o_.progress(p);
      }
      return Elapsed() >= until;
    };
    DirectedHit hit;
    DirectedStats stats;
    bool found = DirectedSearch(world_, goals, d, &hit, &stats);
    r_.fuzz_runs = stats.runs;
    r_.best_edges = stats.best_edges;
    if (!found) return false;
    const ChainGoal& goal = goals[hit.goal].goal;
    Reproduce(goal, hit.program, hit.strategy, hit.result, hit.finding, hit.match,
              "directed fuzzing, run " + std::to_string(hit.run + 1));
    return true;
  }

  // The routines that can create a dependency of any of `goals`.
  std::vector<int> CandidateOps(const std::vector<ChainGoal>& goals) const {
    std::set<int> ops;
    for (const ChainGoal& g : goals)
      for (const auto& e : g.edges)
        for (const StaticSite& site : graph_.Sites(e.first, e.second)) ops.insert(site.call.routine);
    return {ops.begin(), ops.end()};
  }

  void Verify() {
    r_.static_proof = feasible_.empty();
    const std::vector<ChainGoal>& goals = r_.static_proof ? goals_ : feasible_;
    if (r_.static_proof) StaticReasons();
    const std::vector<int> ops = CandidateOps(goals);
    // With a static proof, verify is a cross-check and gets a quarter of
    // the budget; otherwise it is the search and gets what is left.
    const double deadline = r_.static_proof ? std::min(o_.seconds, Elapsed() + o_.seconds / 4) : o_.seconds;
    std::vector<std::pair<int, int>> ladder;
    if (o_.threads > 0 && o_.ops > 0)
      ladder.emplace_back(o_.threads, o_.ops);
    else
      ladder.assign(std::begin(kLadder), std::end(kLadder));
    VerifyResult last;
    bool any = false;
    for (const auto& bound : ladder) {
      const int threads = bound.first, per = bound.second;
      if (ops.empty() || Elapsed() >= deadline) break;
      VerifyOptions v;
      v.threads = threads;
      v.ops = per;
      v.only_ops = ops;
      v.limits = o_.limits;
      for (const ChainGoal& g : goals) v.goals.push_back(g.EdgeKeys());
      v.goal_match = [&](const RunResult& rr) {
        for (const ChainGoal& g : goals) {
          int f = ChainFinding(g, rr);
          if (f >= 0) return f;
        }
        return -1;
      };
      v.should_stop = [&] { return Elapsed() >= deadline; };
      const double start = Elapsed();
      VerifyResult res = ovlfuzz::Verify(world_, v, [&](const VerifyStats& st) {
        if (!o_.progress) return;
        ExplainProgress p;
        p.phase = "verify";
        p.threads = threads;
        p.ops = per;
        p.verify = st;
        o_.progress(p);
      });
      if (!res.findings.empty()) {
        VerifyFinding& f = res.findings.front();
        for (const ChainGoal& g : goals) {
          auto strategy = MakeReplayStrategy(f.schedule);
          RunResult rr = RunOnce(world_, f.program, *strategy, o_.limits);
          ChainMatch how;
          int idx = ChainFinding(g, rr, &how);
          if (idx < 0) continue;
          Reproduce(g, f.program, StrategyConfig{}, rr, idx, how,
                    "verify, up to " + std::to_string(threads) + " threads x " + std::to_string(per) + " ops");
          return;
        }
      }
      if (!res.stats.complete) {
        r_.cut = std::to_string(threads) + " threads x " + std::to_string(per) + " ops";
        break;
      }
      r_.proven.push_back(ProvenBounds{threads, per, ops, res.stats, Elapsed() - start});
      last = std::move(res);
      any = true;
    }
    if (any && !r_.static_proof) DynamicReasons(goals, last.union_edges);
    if (any && r_.static_proof) CrossCheck(last.union_edges);
    if (r_.static_proof)
      r_.verdict = Verdict::kAbsent;
    else
      r_.verdict = r_.proven.empty() ? Verdict::kNotFound : Verdict::kAbsent;
  }

  void StaticReasons() {
    for (const ChainGoal& g : goals_) {
      for (size_t k = 0; k < g.edges.size(); ++k) {
        if (graph_.HasEdge(g.edges[k].first, g.edges[k].second)) continue;
        std::string r = "with " + mapping_.assignments[g.assignment].Describe(world_) + ": ";
        if (g.recursive)
          r += "no op acquires " + world_.ClassName(g.edges[k].first) + " while holding it";
        else
          r += "no op acquires " + world_.ClassName(g.edges[k].second) + " while holding " +
               world_.ClassName(g.edges[k].first) + " (the dependency of -> #" + std::to_string(k) + ")";
        r_.reasons.push_back(r + ", on any path");
        break;
      }
    }
  }

  void DynamicReasons(const std::vector<ChainGoal>& goals, const std::vector<uint64_t>& made) {
    for (const ChainGoal& g : goals) {
      std::string r = "with " + mapping_.assignments[g.assignment].Describe(world_) + ": ";
      size_t k = 0;
      while (k < g.edges.size() && std::binary_search(made.begin(), made.end(), EdgeKey(g.edges[k]))) ++k;
      if (k < g.edges.size())
        r += "no run creates " + EdgeText(g.edges[k]) + " (the dependency of -> #" + std::to_string(k) + ")";
      else
        r += "runs create each dependency, but no run all of them together";
      r_.reasons.push_back(r);
    }
  }

  // A dependency verify saw that the static graph says no op creates would
  // void the static proof: say so and fall back on verify's bounds.
  void CrossCheck(const std::vector<uint64_t>& made) {
    for (const ChainGoal& g : goals_)
      for (const auto& e : g.edges)
        if (!graph_.HasEdge(e.first, e.second) && std::binary_search(made.begin(), made.end(), EdgeKey(e))) {
          r_.warnings.push_back("internal: verify created " + EdgeText(e) +
                                ", which the static lock graph says no op creates; the static proof is void");
          r_.static_proof = false;
        }
  }

  void Reproduce(const ChainGoal& goal, const Program& program, const StrategyConfig& sc, const RunResult& result,
                 int finding, ChainMatch how, const std::string& found_by) {
    r_.verdict = Verdict::kReproduced;
    r_.found_by = found_by;
    r_.found_seconds = Elapsed();
    r_.goal = goal;
    r_.warnings.clear();
    SetMapping(mapping_.assignments[goal.assignment]);
    if (mapping_.truncated)
      r_.warnings.push_back("more than " + std::to_string(SplatMapping::kMaxAssignments) + " class assignments");
    Repro in;
    in.scheme_hash = world_.scheme().hash;
    in.strategy = sc;
    in.program = program;
    in.schedule = result.schedule;
    const std::string signature = result.findings[finding].signature;
    MinimizeOptions m;
    m.limits = o_.limits;
    m.elapsed = [this] { return Elapsed(); };
    m.max_seconds = Elapsed() + std::max(1.0, std::min(10.0, Left()));
    m.accept = [&](const RunResult& rr) {
      for (const Finding& f : rr.findings)
        if (f.signature == signature && MatchFinding(goal, f) >= how) return true;
      return false;
    };
    Progress("minimize");
    MinimizeResult min = Minimize(world_, in, result, signature, m);
    r_.repro = min.repro;
    r_.result = min.result;
    r_.before = min.before;
    r_.after = min.after;
    r_.finding = ChainFinding(goal, r_.result, &r_.match);
    if (r_.match == ChainMatch::kRotated)
      r_.warnings.push_back(
          "the model closes the cycle at another dependency than the splat (every run that "
          "created all of them in the search did)");
    Edges();
    Progress("deadlock");
    const double until = Elapsed() + std::max(1.0, std::min(15.0, Left()));
    VerifyFinding dl;
    const Finding& chain = r_.result.findings[r_.finding];
    if (!EscalateToDeadlock(
            world_, goal, r_.repro.program, chain, o_.limits, [&] { return Elapsed() >= until; }, &dl)) {
      int needed = DeadlockThreadsNeeded(world_, r_.repro.program, chain);
      if (needed > kMaxThreads)
        r_.deadlock_note = "a deadlock on this chain needs " + std::to_string(needed) +
                           " threads (one per op of the chain, and a freezer), more than the model's " +
                           std::to_string(kMaxThreads);
      return;
    }
    MinimizeOptions dm = m;
    dm.accept = nullptr;
    dm.max_seconds = Elapsed() + std::max(1.0, std::min(10.0, Left()));
    MinimizeResult dmin;
    if (!MinimizeSchedule(world_, dl.program, dl.schedule, dl.finding.signature, dm, &dmin)) return;
    r_.has_deadlock = true;
    r_.deadlock = dmin.repro;
    r_.deadlock_result = dmin.result;
    for (size_t i = 0; i < r_.deadlock_result.findings.size(); ++i)
      if (r_.deadlock_result.findings[i].signature == dl.finding.signature) r_.deadlock_finding = static_cast<int>(i);
  }

  void Progress(const char* phase) {
    if (!o_.progress) return;
    ExplainProgress p;
    p.phase = phase;
    o_.progress(p);
  }

  // Each splat entry beside the acquisition of the reproducer that made
  // its dependency, with the static site for the call stack and held lock.
  void Edges() {
    const Finding& f = r_.result.findings[r_.finding];
    const Scheme& s = world_.scheme();
    for (size_t k = 0; k < r_.goal.edges.size(); ++k) {
      EdgeView v;
      v.k = static_cast<int>(k);
      v.edge = r_.goal.edges[k];
      for (const ChainLink& l : f.chain)
        if (l.from_cls == v.edge.first && l.cls == v.edge.second) v.link = l;
      std::vector<std::pair<int, int>> stack, held_lines;
      if (v.link.site.thread >= 0 && v.link.site.op_index >= 0) {
        const OpCall& call = r_.repro.program.threads[v.link.site.thread][v.link.site.op_index];
        for (const StaticSite& site : graph_.Sites(v.edge.first, v.edge.second))
          if (site.call == call && site.routine == v.link.site.routine && site.pc == v.link.site.pc) {
            stack = site.stack;
            v.held_routine = site.held_routine;
            v.held_pc = site.held_pc;
            held_lines = site.HeldLines();
            break;
          }
      }
      v.match = MatchFrames(s, v.link.site.routine, v.link.site.pc, stack, splat_.EdgeFrames(v.k), held_lines,
                            k == 0 ? splat_.held.frames : std::vector<SplatFrame>{});
      r_.edges.push_back(std::move(v));
    }
  }

  const World& world_;
  const Splat& splat_;
  const ExplainOptions& o_;
  StaticLockGraph graph_;
  SplatMapping mapping_;
  std::vector<ChainGoal> goals_, feasible_;
  ExplainResult r_;
};

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kReproduced:
      return "reproduced";
    case Verdict::kAbsent:
      return "absent";
    case Verdict::kNotFound:
      return "not-found";
    case Verdict::kNotExpressible:
      return "not-expressible";
  }
  return "?";
}

ExplainResult Explain(const World& world, const Splat& splat, const ExplainOptions& options) {
  return Explainer(world, splat, options).Run();
}

}  // namespace ovlfuzz
