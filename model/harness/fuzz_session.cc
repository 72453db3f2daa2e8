#include "model/harness/fuzz_session.h"

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
  for (const auto& [from, to] : r.edges) {
    if (features_.insert((uint64_t{1} << 62) | (static_cast<uint64_t>(from) << 24) | static_cast<uint64_t>(to)).second) {
      fresh = true;
      ++stats_.edges;
    }
  }
  for (int64_t f : r.blocking_features) fresh |= features_.insert(static_cast<uint64_t>(f)).second;
  return fresh;
}

std::vector<Finding> FuzzSession::Execute(const Program& program, uint64_t strategy_seed, StrategyKind kind) {
  StrategyConfig sc{kind, config_.pct_depth, strategy_seed};
  auto strategy = MakeStrategy(sc);
  RunResult r = RunOnce(world_, program, *strategy, config_.run_limits);
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

void FuzzSession::Escalate(const Finding& inversion, const Program& program) {
  const Scheme& s = world_.scheme();
  Program p;
  std::set<std::pair<int, int>> seen;
  bool read_side = false;
  for (const ChainLink& l : inversion.chain) {
    read_side |= l.read;
    if (seen.insert({l.site.thread, l.site.op_index}).second)
      p.threads.push_back({program.threads[l.site.thread][l.site.op_index]});
  }
  // Readers only block each other through a queued writer: add the ops
  // that freeze a superblock.
  if (read_side) {
    for (int op : s.ops) {
      for (const Instr& in : s.routines[op].code) {
        if (in.op != Opc::kFreezeBegin) continue;
        OpCall c;
        c.routine = static_cast<int16_t>(op);
        p.threads.push_back({c});
        break;
      }
    }
  }
  if (p.threads.size() > kMaxThreads) return;
  Sanitize(world_, &p);
  for (int i = 0; i < config_.escalation_runs; ++i) {
    if (config_.max_runs > 0 && stats_.runs >= config_.max_runs) return;
    StrategyKind kind = i % 2 ? StrategyKind::kRandom : StrategyKind::kPct;
    for (const Finding& f : Execute(p, rng_.Next(), kind))
      if (f.kind == FindingKind::kDeadlock) return;
  }
}

void FuzzSession::Run() {
  for (;;) {
    if (config_.max_runs > 0 && stats_.runs >= config_.max_runs) break;
    if (stats_.runs % hooks_.poll_every == 0 && hooks_.should_stop && hooks_.should_stop(stats_)) break;
    Program program = NextProgram();
    for (const Finding& f : Execute(program, rng_.Next(), config_.strategy))
      if (f.kind == FindingKind::kLockInversion && config_.escalation_runs > 0) Escalate(f, program);
  }
  if (hooks_.should_stop) hooks_.should_stop(stats_);
}

}  // namespace ovlfuzz
