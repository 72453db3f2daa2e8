// `ovlfuzz explain SPLAT`: a lockdep report in, per scheme a verdict out:
// reproduced (a minimized model reproducer whose chain is the splat's, and
// a deadlock when one exists), absent (with what was proven), not-found or
// not-expressible (model/explain/explain.h).
#include <limits.h>
#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/explain_report.h"
#include "cli/verify_common.h"
#include "model/oracle/signature.h"
#include "model/scheme/builtin.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

constexpr double kProgressEverySeconds = 2;

// How a reproducer names its scheme so that it replays from any
// directory: built-in names as they are, files by absolute path.
std::string Slug(const std::string& name) {
  std::string s;
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  return s;
}

// DIR/BASE.ovl, or BASE-2.ovl, ... when a different file has that name.
std::string WriteArtifact(const std::string& dir, const std::string& base, const std::string& text) {
  for (int i = 1;; ++i) {
    std::string path = dir + "/" + base + (i > 1 ? "-" + std::to_string(i) : "") + ".ovl";
    if (WriteExclusive(path, text)) return path;
    try {
      if (ReadFile(path) == text) return path;
    } catch (const std::exception&) {
    }
  }
}

std::string WriteRepro(const World& world, const std::string& ref, const Splat& splat, Repro repro, const Finding& f,
                       const std::string& out_dir) {
  repro.scheme_ref = SchemeRefForRepro(ref);
  repro.scheme_hash = world.scheme().hash;
  std::string chain;
  for (const std::string& c : splat.Cycle()) chain += c + " --> ";
  repro.comments = {"# ovlfuzz explain: " + std::string(FindingKindName(f.kind)) + " for " + splat.path + ":" +
                        std::to_string(splat.header_line) + " (" + splat.title + ")",
                    "# splat chain: " + chain + splat.Cycle().front(), "# signature: " + f.signature};
  return WriteArtifact(out_dir,
                       Slug(world.scheme().name) + "-" + FindingKindName(f.kind) + "-" + SignatureHash(f.signature),
                       FormatRepro(world, repro));
}

std::string Progress(const std::string& scheme, double t, const ExplainProgress& p) {
  char buf[256];
  const std::string ph = p.phase;
  if (ph == "fuzz")
    std::snprintf(buf, sizeof buf, "[explain %s] %6.1fs  fuzz: %s runs, at best %d of %d dependencies in one run",
                  scheme.c_str(), t, FormatCount(p.runs).c_str(), p.best_edges, p.goal_edges);
  else if (ph == "verify")
    std::snprintf(buf, sizeof buf,
                  "[explain %s] %6.1fs  verify %d threads x %d ops: phase %d, %s states, %s transitions",
                  scheme.c_str(), t, p.threads, p.ops, p.verify.phase, FormatCount(p.verify.states).c_str(),
                  FormatCount(p.verify.transitions).c_str());
  else
    std::snprintf(buf, sizeof buf, "[explain %s] %6.1fs  %s", scheme.c_str(), t, ph.c_str());
  return buf;
}

}  // namespace

int CmdExplain(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()("splat", po::value<std::string>()->required(),
                     "the lockdep report (dmesg, console log or syzbot mail)")(
      "scheme", po::value<std::vector<std::string>>(),
      "scheme to explain it on (repeatable; built-in name or "
      "file); default: every built-in")("seconds", po::value<double>()->default_value(60),
                                        "budget per scheme: directed fuzzing, then verify")(
      "threads", po::value<int>(), "verify exactly this many threads (with --ops) instead of growing bounds")(
      "ops", po::value<int>(), "verify exactly this many ops per thread (with --threads)")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the directed fuzzing")(
      "out", po::value<std::string>()->default_value("ovlfuzz-explain"), "directory for reproducers and explain.json")(
      "format", po::value<std::string>()->default_value("text"), "stdout: text or json")("quiet,q",
                                                                                         "no progress lines");
  po::positional_options_description pos;
  pos.add("splat", 1);
  po::variables_map vm;
  if (!ParseArgs("explain",
                 "SPLAT [--scheme S]... [--seconds N] [--threads T --ops K] [--out DIR] [--format text|json] [-q]\n\n"
                 "Reads a lockdep report and, for each scheme, maps its lock classes to the model's, searches for\n"
                 "a run whose lock chain is the splat's (directed fuzzing, then bounded exhaustive search), and\n"
                 "says: reproduced (minimized reproducer, plus a deadlock when one exists), absent (no path of any\n"
                 "op can close the chain, or no run within the stated bounds does), not-found (the budget ended\n"
                 "first) or not-expressible (the scheme lacks a lock class of the splat). docs/explain.md.",
                 args, opts, pos, &vm))
    return kExitClean;
  const double seconds = vm["seconds"].as<double>();
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > 7 * 24 * 3600)
    throw UsageError("--seconds must be a positive number of seconds up to a week");
  int threads = 0, ops = 0;
  if (vm.count("threads") || vm.count("ops")) {
    threads = vm.count("threads") ? vm["threads"].as<int>() : 3;
    ops = vm.count("ops") ? vm["ops"].as<int>() : 2;
    if (threads < 1 || threads > kMaxThreads) throw UsageError("--threads must be 1.." + std::to_string(kMaxThreads));
    if (ops < 1 || ops > kMaxOpsPerThread) throw UsageError("--ops must be 1.." + std::to_string(kMaxOpsPerThread));
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") throw UsageError("--format must be text or json, got '" + format + "'");
  const bool quiet = vm.count("quiet") > 0;
  const std::string path = vm["splat"].as<std::string>();
  const Splat splat = ParseSplat(ReadFile(path), path);

  std::vector<std::string> refs;
  if (vm.count("scheme"))
    refs = vm["scheme"].as<std::vector<std::string>>();
  else
    for (const BuiltinScheme& b : BuiltinSchemes()) refs.push_back(b.name);
  for (const std::string& ref : refs) Schemes().Load(ref);  // every bad scheme before any work
  const std::string out_dir = vm["out"].as<std::string>();
  MakeDirs(out_dir);

  if (format == "text") std::cout << SplatHeading(splat) << std::flush;
  nlohmann::json results = nlohmann::json::array();
  int reproduced = 0, not_found = 0;
  std::string summary;
  using Clock = std::chrono::steady_clock;
  for (const std::string& ref : refs) {
    const World& world = Schemes().Load(ref);
    const std::string& name = world.scheme().name;
    const auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    double next = kProgressEverySeconds;
    ExplainOptions o;
    o.seed = vm["seed"].as<uint64_t>();
    o.seconds = seconds;
    o.threads = threads;
    o.ops = ops;
    o.elapsed = elapsed;
    o.progress = [&](const ExplainProgress& p) {
      const double t = elapsed();
      if (quiet || t < next) return;
      std::cerr << Progress(name, t, p) << "\n";
      while (next <= t) next += kProgressEverySeconds;
    };
    if (!quiet) std::cerr << "[explain " << name << "] mapping classes, then searching (budget " << seconds << "s)\n";
    ExplainResult r = Explain(world, splat, o);
    ExplainFiles files;
    if (r.verdict == Verdict::kReproduced) {
      files.reproducer = WriteRepro(world, ref, splat, r.repro, r.result.findings[r.finding], out_dir);
      if (r.has_deadlock)
        files.deadlock =
            WriteRepro(world, ref, splat, r.deadlock, r.deadlock_result.findings[r.deadlock_finding], out_dir);
    }
    if (format == "text") std::cout << ExplainText(world, splat, r, files) << std::flush;
    results.push_back(ExplainJson(world, ref, r, files));
    reproduced += r.verdict == Verdict::kReproduced;
    not_found += r.verdict == Verdict::kNotFound;
    summary += (summary.empty() ? "" : ", ") + name + " " + VerdictName(r.verdict);
  }
  nlohmann::json doc{{"splat", SplatJson(splat)}, {"results", results}};
  WriteAtomic(out_dir + "/explain.json", doc.dump(2) + "\n");
  if (format == "json")
    std::cout << doc.dump(2) << "\n";
  else
    std::cout << "\novlfuzz explain: " << summary << "; results: " << out_dir << "/explain.json\n";
  return reproduced > 0 ? kExitFinding : not_found > 0 ? kExitCutShort : kExitClean;
}

}  // namespace ovlfuzz::cli
