#include "model/harness/fuzz_session.h"

#include <algorithm>

#include "model/analysis/static_locks.h"
#include "model/oracle/signature.h"
#include "model/sched/deadlock_directed.h"

namespace ovlfuzz {

namespace {
constexpr size_t kMaxCorpus = 4096;
}  // namespace

FuzzSession::FuzzSession(const World& world, std::string scheme_ref, FuzzConfig config, FuzzHooks hooks)
    : world_(world), scheme_ref_(std::move(scheme_ref)), config_(config), hooks_(std::move(hooks)), rng_(config.seed) {}

Program FuzzSession::NextProgram() {
  if (!corpus_.empty() && rng_.Chance(7, 10)) {
    Program p = corpus_[rng_.Below(corpus_.size())];
    Mutate(world_, config_.gen, rng_, &p);
    if (!p.threads.empty()) return p;
  }
  return GenerateProgram(world_, config_.gen, rng_);
}

bool FuzzSession::AddFeatures(const RunResult& r) {
  bool fresh = false;
  for (const ChainLink& l : r.edges) {
    const uint64_t from = static_cast<uint64_t>(l.from_cls), to = static_cast<uint64_t>(l.cls);
    if (features_.insert((uint64_t{1} << 62) | (from << 24) | to).second) {
      fresh = true;
      ++stats_.edges;
    }
  }
  for (int64_t f : r.blocking_features) fresh |= features_.insert(static_cast<uint64_t>(f)).second;
  return fresh;
}

std::vector<Finding> FuzzSession::Execute(const Program& program, uint64_t strategy_seed, StrategyKind kind,
                                          RunResult* result) {
  StrategyConfig sc{kind, config_.pct_depth, strategy_seed};
  auto strategy = MakeStrategy(sc);
  return Execute(program, *strategy, sc, {}, result);
}

std::vector<Finding> FuzzSession::Execute(const Program& program, Strategy& strategy, const StrategyConfig& sc,
                                          const std::vector<Oracle*>& observers, RunResult* result) {
  RunResult& r = result ? *result : scratch_result_;
  runner_.Run(world_, program, strategy, config_.run_limits, observers, &r);
  ++stats_.runs;
  stats_.skipped_updates += r.skipped_updates;
  if (AddFeatures(r) && corpus_.size() < kMaxCorpus) {
    corpus_.push_back(program);
    stats_.corpus = corpus_.size();
  }
  std::vector<Finding> fresh;
  for (Finding& f : r.findings) {
    if (!signatures_.insert(f.signature).second) continue;
    stats_.findings = signatures_.size();
    bugs_.insert(f.bug);
    stats_.bugs = bugs_.size();
    Repro repro;
    repro.scheme_ref = scheme_ref_;
    repro.scheme_hash = world_.scheme().hash;
    repro.strategy = sc;
    repro.program = program;
    repro.schedule = r.schedule;
    if (hooks_.on_finding) hooks_.on_finding(f, repro, program, stats_);
    fresh.push_back(std::move(f));
  }
  return fresh;
}

Program FuzzSession::CycleProgram(const std::vector<ChainLink>& links, std::vector<OpCall> ops,
                                  std::vector<std::set<int>>* park) const {
  const Scheme& s = world_.scheme();
  // One thread per op is more threads than a deadlock needs when one op can
  // make two consecutive links (v5.0's splice_to_ovl takes the pipe, the ovl
  // inode and upper freeze; the inversion may have been closed by unlink
  // instead): let that op make both, as long as the program is too big.
  auto distinct = [](const std::vector<OpCall>& v) {
    std::vector<OpCall> d;
    for (const OpCall& c : v)
      if (std::find(d.begin(), d.end(), c) == d.end()) d.push_back(c);
    return d.size();
  };
  bool read_side = false;
  for (const ChainLink& l : links) read_side |= l.read;
  size_t freezers = 0;
  for (int op : s.ops) freezers += read_side && s.Contains(op, Opc::kFreezeBegin);
  const StaticLockGraph* graph = nullptr;
  for (size_t i = 0; i < ops.size() && ops.size() > 1; ++i) {
    if (distinct(ops) + freezers <= static_cast<size_t>(config_.gen.max_threads)) break;
    if (!graph) graph = &CachedStaticLockGraph(world_);
    const size_t next = (i + 1) % ops.size();
    if (ops[next] == ops[i]) continue;
    for (const StaticSite& site : graph->Sites(links[next].from_cls, links[next].cls))
      if (site.call == ops[i]) {
        ops[next] = ops[i];
        break;
      }
  }
  Program p;
  park->clear();
  for (size_t i = 0; i < ops.size(); ++i) {
    auto at = std::find(p.threads.begin(), p.threads.end(), std::vector<OpCall>{ops[i]});
    if (at == p.threads.end()) {
      p.threads.push_back({ops[i]});
      park->emplace_back();
      at = p.threads.end() - 1;
    }
    // The thread holds the dependency's held side when the cycle closes.
    (*park)[at - p.threads.begin()].insert(links[i].from_cls);
  }
  // Readers only block each other through a queued writer: add the ops
  // that freeze a superblock.
  for (int op : s.ops) {
    if (!read_side || !s.Contains(op, Opc::kFreezeBegin)) continue;
    OpCall c;
    c.routine = static_cast<int16_t>(op);
    p.threads.push_back({c});
    park->emplace_back();
  }
  if (p.threads.size() > static_cast<size_t>(config_.gen.max_threads)) return Program{};
  Sanitize(world_, &p);
  return p;
}

void FuzzSession::SearchSchedules(const Program& p, const std::vector<std::set<int>>& park) {
  if (p.threads.empty()) return;
  // Lockdep's cycle is one of classes: the run may have closed it on two
  // pipes or two files, which cannot deadlock. The directed runs alternate
  // with a copy whose ops all name the first object of each type.
  Program same = p;
  for (auto& ops : same.threads)
    for (OpCall& c : ops) std::fill(std::begin(c.args), std::end(c.args), 0);
  Sanitize(world_, &same);
  for (int i = 0; i < config_.escalation_runs; ++i) {
    if (config_.max_runs > 0 && stats_.runs >= config_.max_runs) return;
    const uint64_t seed = rng_.Next();
    std::vector<Finding> found;
    if (i < kDirectedRuns) {
      // Deadlock-directed first: park each cycle thread on its held side.
      DeadlockDirectedStrategy directed(park, seed);
      found = Execute(i % 2 ? same : p, directed, StrategyConfig{config_.strategy, config_.pct_depth, seed},
                      {&directed});
    } else {
      found = Execute(p, seed, i % 2 ? StrategyKind::kRandom : StrategyKind::kPct);
    }
    for (const Finding& f : found)
      if (f.kind == FindingKind::kDeadlock) return;
  }
}

void FuzzSession::AddToSessionGraph(const RunResult& r, const Program& program) {
  for (const ChainLink& l : r.edges) {
    const std::pair<int, int> key{l.from_cls, l.cls};
    if (session_graph_.HasEdge(key.first, key.second)) continue;
    edge_op_[key] = program.threads[l.site.thread][l.site.op_index];
    std::vector<ChainLink> cycle;
    if (!session_graph_.AddEdge(l, &cycle) || cycle.size() < 2) continue;
    std::vector<std::string> elems;
    std::vector<OpCall> ops;
    for (const ChainLink& c : cycle) {
      const OpCall& op = edge_op_.at({c.from_cls, c.cls});
      ops.push_back(op);
      elems.push_back(world_.ClassName(c.cls) + "@" + world_.scheme().routines[op.routine].name);
    }
    if (signatures_.count(CanonicalCycleSignature(FindingKind::kLockInversion, elems))) continue;
    ++stats_.cross_run_cycles;
    std::vector<std::set<int>> park;
    const Program p = CycleProgram(cycle, ops, &park);
    SearchSchedules(p, park);
  }
}

void FuzzSession::Seed(const Program& program) {
  if (!program.threads.empty()) Execute(program, rng_.Next(), config_.strategy);
}

void FuzzSession::Run() {
  for (;;) {
    if (config_.max_runs > 0 && stats_.runs >= config_.max_runs) break;
    if (stats_.runs % hooks_.poll_every == 0 && hooks_.should_stop && hooks_.should_stop(stats_)) break;
    Program program = NextProgram();
    RunResult& r = loop_result_;
    std::vector<Finding> fresh = Execute(program, rng_.Next(), config_.strategy, &r);
    for (const Finding& f : fresh) {
      if (f.kind != FindingKind::kLockInversion || config_.escalation_runs == 0) continue;
      std::vector<OpCall> ops;
      for (const ChainLink& l : f.chain) ops.push_back(program.threads[l.site.thread][l.site.op_index]);
      std::vector<std::set<int>> park;
      const Program p = CycleProgram(f.chain, ops, &park);
      SearchSchedules(p, park);
    }
    if (config_.escalation_runs > 0) AddToSessionGraph(r, program);
  }
  if (hooks_.should_stop) hooks_.should_stop(stats_);
}

}  // namespace ovlfuzz
