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
    std::printf("; PCT bound 1/(n*k^(d-1)) with n=%d, k=%lld: %.4f%%", h.threads, static_cast<long long>(h.steps),
                100 * PctBound(h.threads, h.steps, depth));
  std::printf("\n");
  return kExitClean;
}

}  // namespace ovlfuzz::cli
