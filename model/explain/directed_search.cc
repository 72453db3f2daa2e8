#include "model/explain/directed_search.h"

#include <algorithm>
#include <set>

#include "model/core/rng.h"

namespace ovlfuzz {
namespace {

// The first runs take the calls whose scheme lines match the splat best.
constexpr int64_t kGreedyRuns = 256;

const OpCall& PickWeighted(const std::vector<WeightedCall>& calls, bool greedy, Rng& rng) {
  if (greedy) {
    int top = 0;
    for (const WeightedCall& c : calls) top = std::max(top, c.weight);
    std::vector<const OpCall*> best;
    for (const WeightedCall& c : calls)
      if (c.weight == top) best.push_back(&c.call);
    return *best[rng.Below(best.size())];
  }
  int64_t total = 0;
  for (const WeightedCall& c : calls) total += c.weight;
  int64_t x = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(total)));
  for (const WeightedCall& c : calls) {
    if (x < c.weight) return c.call;
    x -= c.weight;
  }
  return calls.back().call;
}

// One op call per dependency of the chain, shuffled onto 1..T threads.
Program Structured(const World& world, const GoalCalls& g, const GenLimits& gen, bool greedy, Rng& rng) {
  std::vector<OpCall> calls;
  const bool dedupe = rng.Chance(1, 2);
  for (const auto& options : g.calls) {
    OpCall c = PickWeighted(options, greedy, rng);
    if (!dedupe || std::find(calls.begin(), calls.end(), c) == calls.end()) calls.push_back(c);
  }
  if (rng.Chance(1, 4)) calls.insert(calls.begin() + rng.Below(calls.size() + 1), RandomOpCall(world, rng));
  for (size_t i = calls.size(); i > 1; --i) std::swap(calls[i - 1], calls[rng.Below(i)]);
  const int most = std::min<int>({gen.max_threads, kMaxThreads, static_cast<int>(calls.size())});
  const int threads = static_cast<int>(rng.Range(1, std::max(1, most)));
  Program p;
  p.threads.resize(threads);
  for (size_t i = 0; i < calls.size(); ++i) {
    // The first calls seed every thread, the rest go anywhere.
    size_t t = i < static_cast<size_t>(threads) ? i : rng.Below(threads);
    if (p.threads[t].size() < kMaxOpsPerThread) p.threads[t].push_back(calls[i]);
  }
  return p;
}

}  // namespace

bool DirectedSearch(const World& world, const std::vector<GoalCalls>& goals, const DirectedOptions& o, DirectedHit* hit,
                    DirectedStats* stats) {
  *stats = DirectedStats{};
  if (goals.empty()) return false;
  Rng rng(o.seed);
  std::vector<Program> corpus;
  std::set<std::pair<int, uint64_t>> seen;  // (goal, dependencies made)
  DirectedHit rotated;
  for (int64_t run = 0;; ++run) {
    if (o.max_runs > 0 && run >= o.max_runs) break;
    if (run % o.poll_every == 0 && o.should_stop && o.should_stop(*stats)) break;
    if (rotated.goal >= 0 && run - rotated.run >= std::max<int64_t>(2048, rotated.run)) break;
    Program p;
    if (!corpus.empty() && rng.Chance(3, 10)) {
      p = corpus[rng.Below(corpus.size())];
      Mutate(world, o.gen, rng, &p);
    }
    if (p.threads.empty()) {
      // The best-ranked goal half of the time, any goal otherwise.
      size_t g = rng.Chance(1, 2) ? 0 : rng.Below(goals.size());
      p = Structured(world, goals[g], o.gen, run < kGreedyRuns, rng);
    }
    StrategyConfig sc{rng.Chance(1, 2) ? StrategyKind::kRandom : StrategyKind::kPct, 3, rng.Next()};
    auto strategy = MakeStrategy(sc);
    RunResult r = RunOnce(world, p, *strategy, o.limits);
    stats->runs = run + 1;
    for (size_t g = 0; g < goals.size(); ++g) {
      const ChainGoal& goal = goals[g].goal;
      const uint64_t made = EdgesMade(goal, r);
      if (made == 0) continue;
      const int count = __builtin_popcountll(made);
      if (count > stats->best_edges) {
        stats->best_edges = count;
        stats->best_goal = static_cast<int>(g);
      }
      if (seen.emplace(static_cast<int>(g), made).second && corpus.size() < 1024) corpus.push_back(p);
      stats->corpus = corpus.size();
      if (made != AllEdges(goal)) continue;
      ChainMatch how;
      int f = ChainFinding(goal, r, &how);
      if (how == ChainMatch::kNone || (how == ChainMatch::kRotated && rotated.goal >= 0)) continue;
      DirectedHit h{static_cast<int>(g), p, sc, r, f, how, run};
      if (how == ChainMatch::kExact) {
        *hit = std::move(h);
        return true;
      }
      rotated = std::move(h);
    }
  }
  if (rotated.goal < 0) return false;
  *hit = std::move(rotated);
  return true;
}

}  // namespace ovlfuzz
