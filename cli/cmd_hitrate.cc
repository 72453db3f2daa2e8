// `ovlfuzz hitrate FILE`: how often one run of a reproducer's program under
// a randomized strategy shows its bug, next to PCT's guarantee
// 1/(n*k^(d-1)). For comparing strategies on a known bug (ci/bench-verify)
// and for checking that a scheme change did not make a bug harder to hit.
#include <cstdio>

#include "cli/cli_common.h"
#include "model/core/input_error.h"
#include "model/harness/replay.h"
#include "model/sched/hit_rate.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

// Runs the exact check may take: n! * k^(d-1) runs per depth tried.
constexpr int64_t kExactPctBudget = 200000;

// PCT's bound is a theorem about bugs of depth <= d. Whether it applies to
// this bug is checked, not assumed: every PCT choice of depth d is run
// (when there are few enough), and the exact rate is compared with it.
std::string PctBoundNote(const World& world, const Program& program, int depth, FindingKind finding,
                         const std::string& bug, const HitRate& h) {
  char head[160];
  std::snprintf(head, sizeof head, "; PCT bound 1/(n*k^(d-1)) with n=%d, k=%lld: %.4f%%", h.threads,
                static_cast<long long>(h.steps), 100 * PctBound(h.threads, h.steps, depth));
  const ExactPct e = ExactPctRate(world, program, depth, finding, bug, kExactPctBudget);
  char tail[320];
  if (!e.computed) {
    std::snprintf(tail, sizeof tail,
                  " (not checked whether it applies: %lld+ PCT choices at d=%d, over the %lld-run "
                  "budget)",
                  static_cast<long long>(e.choices), depth, static_cast<long long>(kExactPctBudget));
  } else if (e.hits == 0) {
    int needs = 0;
    for (int d = depth + 1; d <= 16 && !needs; ++d) {
      const ExactPct more = ExactPctRate(world, program, d, finding, bug, kExactPctBudget);
      if (!more.computed) break;
      if (more.hits > 0) needs = d;
    }
    std::snprintf(
        tail, sizeof tail, "; does NOT apply: none of the %lld PCT choices of depth %d hits this bug (%s)",
        static_cast<long long>(e.choices), depth,
        needs ? ("the smallest depth that does: d=" + std::to_string(needs)).c_str() : "a larger depth is needed");
  } else if (e.rate() < PctBound(h.threads, h.steps, depth)) {
    std::snprintf(tail, sizeof tail,
                  "; does NOT apply: the exact rate over all %lld PCT choices, %.4f%%, is below "
                  "it, so the bug's depth is above %d",
                  static_cast<long long>(e.choices), 100 * e.rate(), depth);
  } else {
    std::snprintf(tail, sizeof tail, "; holds: exact rate over all %lld PCT choices %.4f%%",
                  static_cast<long long>(e.choices), 100 * e.rate());
  }
  return std::string(head) + tail;
}

}  // namespace

int CmdHitrate(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()
      ("file", po::value<std::string>()->required(), "reproducer (.ovl text, or binary with --scheme)")
      ("scheme", po::value<std::string>()->default_value(""), "scheme of a binary input")
      ("runs", po::value<int64_t>()->default_value(100000), "runs, with seeds 1..N")
      ("strategy", po::value<std::string>()->default_value("pct"), "random or pct")
      ("pct-depth", po::value<int>()->default_value(2), "PCT depth d (1-16)")
      ("kind", po::value<std::string>()->default_value(""),
       "which of the replay's findings to measure, by kind (default: the one the artifact's '# signature:' "
       "line names, else the first)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!ParseArgs("hitrate", "FILE [--runs N] [--strategy random|pct] [--pct-depth D]", args, opts, pos, &vm))
    return kExitClean;
  const std::string path = vm["file"].as<std::string>();
  const int64_t runs = vm["runs"].as<int64_t>();
  const int depth = vm["pct-depth"].as<int>();
  if (runs < 1) throw UsageError("--runs must be positive");
  if (depth < 1 || depth > 16) throw UsageError("--pct-depth must be in 1..16");
  StrategyKind kind;
  if (!ParseStrategyName(vm["strategy"].as<std::string>(), &kind))
    throw UsageError("--strategy must be random or pct, got '" + vm["strategy"].as<std::string>() + "'");
  Replayable r = LoadReplayable(ReadFile(path), path, vm["scheme"].as<std::string>(), Schemes());
  RunResult input = Replay(&r, path, RunLimits{});
  if (input.findings.empty()) throw InputError(path, 1, 1, "replay is clean: there is no bug to measure");
  const std::string kind_name = vm["kind"].as<std::string>();
  std::string signature;
  for (const std::string& c : r.repro.comments)
    if (c.rfind("# signature: ", 0) == 0) signature = c.substr(13);
  const Finding* chosen = nullptr;
  for (const Finding& f : input.findings) {
    bool match = kind_name.empty() ? (signature.empty() || f.signature == signature) : FindingKindName(f.kind) == kind_name;
    if (match && !chosen) chosen = &f;
  }
  if (!chosen)
    throw InputError(path, 1, 1, "replay shows no " + (kind_name.empty() ? "'" + signature + "'" : kind_name) + " finding");
  const std::string bug = chosen->bug;
  HitRate h = MeasureHitRate(*r.world, r.repro.program, kind, depth, chosen->kind, bug, runs);
  std::printf("bug: %s (%s)\n", bug.c_str(), FindingKindName(chosen->kind));
  std::printf("%s%s: %lld of %lld runs (%.4f%%)", StrategyName(kind).c_str(),
              kind == StrategyKind::kPct ? (" d=" + std::to_string(depth)).c_str() : "",
              static_cast<long long>(h.hits), static_cast<long long>(h.runs), 100 * h.rate());
  if (kind == StrategyKind::kPct)
    std::printf("%s", PctBoundNote(*r.world, r.repro.program, depth, chosen->kind, bug, h).c_str());
  std::printf("\n");
  return kExitFinding;  // the reproducer shows the bug it measures
}

}  // namespace ovlfuzz::cli
