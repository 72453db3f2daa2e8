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

void FuzzSession::Run() {
  for (;;) {
    if (config_.max_runs > 0 && stats_.runs >= config_.max_runs) break;
    if (stats_.runs % hooks_.poll_every == 0 && hooks_.should_stop && hooks_.should_stop(stats_)) break;
    Program program = NextProgram();
    uint64_t run_seed = rng_.Next();
    StrategyConfig sc{config_.strategy, config_.pct_depth, run_seed};
    auto strategy = MakeStrategy(sc);
    RunResult r = RunOnce(world_, program, *strategy, config_.run_limits);
    ++stats_.runs;
    stats_.skipped_updates += r.skipped_updates;
    if (AddFeatures(r) && corpus_.size() < kMaxCorpus) {
      corpus_.push_back(program);
      stats_.corpus = corpus_.size();
    }
    for (const Finding& f : r.findings) {
      if (!signatures_.insert(f.signature).second) continue;
      stats_.findings = signatures_.size();
      Repro repro;
      repro.scheme_ref = scheme_ref_;
      repro.scheme_hash = world_.scheme().hash;
      repro.strategy = sc;
      repro.program = program;
      repro.schedule = r.schedule;
      if (hooks_.on_finding) hooks_.on_finding(f, repro, program, stats_);
    }
  }
  if (hooks_.should_stop) hooks_.should_stop(stats_);
}

}  // namespace ovlfuzz
