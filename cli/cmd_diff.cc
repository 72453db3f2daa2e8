// `ovlfuzz diff --scheme A --scheme B`: which bugs a patch (A -> B) removes
// and which it adds, each with a minimized reproducer that shows the
// difference (model/harness/scheme_diff.h).
#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/verify_common.h"
#include "model/harness/scheme_diff.h"
#include "model/oracle/signature.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

constexpr double kProgressEverySeconds = 2;

std::string SideCheck(const World& other, const DiffBug& d) {
  std::string n = FormatCount(d.other.schedules) + " schedules, " + FormatCount(d.other.states) + " states";
  if (d.other_clean) return "clean on " + other.scheme().name + " in every schedule of this program (" + n + ")";
  return "no finding on " + other.scheme().name + " within the check's time budget, search INCOMPLETE (" + n + ")";
}

}  // namespace

int CmdDiff(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()
      ("scheme", po::value<std::vector<std::string>>()->required(),
       "give twice: the scheme before (A) and after (B) the change")
      ("seconds", po::value<double>(), "fuzz both on the same programs for this long (default 10)")
      ("runs", po::value<int64_t>(), "fuzz this many programs instead of a time budget (deterministic)")
      ("seed", po::value<uint64_t>()->default_value(1), "seed of the program generator and schedules")
      ("verify-bounds", "instead of fuzzing, explore every program and schedule within the bounds below "
                        "(--threads, --ops, --preemptions, --only-ops, --files, --dirs, --pipes) on both")
      ("out", po::value<std::string>()->default_value("ovlfuzz-diff"), "directory for reproducers and diff.json")
      ("quiet,q", "no progress lines");
  po::options_description bounds("bounds (with --verify-bounds; --threads/--ops also shape fuzzed programs)");
  AddVerifyBoundOptions(&bounds);
  opts.add(bounds);
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("diff", "--scheme A --scheme B [--seconds N | --runs N | --verify-bounds ...] [options]", args,
                 opts, pos, &vm))
    return kExitClean;
  const auto refs = vm["scheme"].as<std::vector<std::string>>();
  if (refs.size() != 2) throw UsageError("give --scheme exactly twice (before and after), got " +
                                         std::to_string(refs.size()));
  const World& a = Schemes().Load(refs[0]);
  const World& b = Schemes().Load(refs[1]);
  int common = 0, ops_a = 0;
  for (const Routine& r : a.scheme().routines) {
    if (!r.is_op) continue;
    ++ops_a;
    for (const Routine& q : b.scheme().routines)
      if (q.is_op && q.name == r.name && q.params == r.params) {
        ++common;
        break;
      }
  }
  if (common == 0)
    throw UsageError("schemes " + a.scheme().name + " and " + b.scheme().name +
                     " have no op in common (same name and parameters): nothing to compare");
  const bool exhaustive = vm.count("verify-bounds") > 0;
  if (exhaustive && (vm.count("seconds") || vm.count("runs")))
    throw UsageError("--verify-bounds explores everything within bounds; it takes no --seconds or --runs");
  double seconds = 0;
  DiffOptions o;
  if (vm.count("runs")) {
    o.max_runs = vm["runs"].as<int64_t>();
    if (o.max_runs < 1) throw UsageError("--runs must be positive");
  }
  if (vm.count("seconds")) {
    seconds = vm["seconds"].as<double>();
    if (!(seconds > 0)) throw UsageError("--seconds must be positive");
  } else if (!vm.count("runs")) {
    seconds = 10;
  }
  o.seed = vm["seed"].as<uint64_t>();
  VerifyOptions va = VerifyBoundsFrom(vm, a), vb = VerifyBoundsFrom(vm, b);
  o.limits = va.limits;
  // Fuzzed programs: the generator's defaults unless --threads/--ops say.
  if (!vm["threads"].defaulted()) o.gen.max_threads = va.threads;
  if (!vm["ops"].defaulted()) o.gen.max_ops = va.ops;
  if (exhaustive) {
    o.verify_a = &va;
    o.verify_b = &vb;
  }
  const std::string out_dir = vm["out"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0;
  MakeDirs(out_dir);

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  o.elapsed = elapsed;
  double next_progress = kProgressEverySeconds;
  o.should_stop = [&](int64_t runs) {
    double t = elapsed();
    if (!quiet && t >= next_progress) {
      std::fprintf(stderr, "[diff %s -> %s] %6.1fs  programs %lld (%.0f/s)\n", a.scheme().name.c_str(),
                   b.scheme().name.c_str(), t, static_cast<long long>(runs), runs / t);
      next_progress += kProgressEverySeconds;
    }
    return seconds > 0 && t >= seconds;
  };
  std::cerr << "ovlfuzz diff: " << a.scheme().name << " (A) -> " << b.scheme().name << " (B): "
            << (exhaustive ? "every program and schedule, " + DescribeBounds(a, va)
                           : "the same generated programs and seeds, " +
                                 (o.max_runs > 0 ? std::to_string(o.max_runs) + " programs"
                                                 : std::to_string(static_cast<int>(seconds)) + "s"))
            << "; ops in common: " << common << " of " << ops_a << "\n";
  DiffResult r = DiffSchemes(a, b, o);

  nlohmann::json summary{{"a", a.scheme().name}, {"b", b.scheme().name}, {"programs", r.runs},
                         {"exhaustive", exhaustive}, {"bugs", nlohmann::json::array()}};
  int removed = 0, added = 0, kept = 0;
  const char* headings[] = {"only in A (gone in B)", "only in B (new in B)", "in both"};
  int last = -1;
  for (const DiffBug& d : r.bugs) {
    int side = static_cast<int>(d.side);
    if (side != last) {
      std::cout << "\n== " << headings[side] << " ==\n";
      last = side;
    }
    std::cout << d.bug << "  [" << SignatureHash(d.bug) << "]\n";
    nlohmann::json j{{"bug", d.bug}, {"side", side == 0 ? "A" : side == 1 ? "B" : "both"}};
    for (int s = 0; s < 2; ++s) {
      for (const std::string& sig : d.signatures[s])
        std::cout << "  " << (s == 0 ? a : b).scheme().name << ": " << sig << "\n";
      j[s == 0 ? "signatures_a" : "signatures_b"] = d.signatures[s];
    }
    if (d.side == DiffSide::kBoth) {
      ++kept;
    } else {
      const World& shows = d.side == DiffSide::kOnlyA ? a : b;
      const World& other = d.side == DiffSide::kOnlyA ? b : a;
      (d.side == DiffSide::kOnlyA ? removed : added)++;
      std::string artifact = WriteVerifyArtifact(shows, SchemeRefForRepro(refs[d.side == DiffSide::kOnlyA ? 0 : 1]), out_dir, d.repro);
      std::cout << "  reproducer (" << d.repro.program.threads.size() << " thread(s), " << d.repro.program.OpCount()
                << " op(s)): shows it on " << shows.scheme().name << "; " << SideCheck(other, d) << "\n"
                << "  replay: ovlfuzz replay " << ShellQuote(artifact) << "\n";
      j["artifact"] = artifact;
      j["other_clean"] = d.other_clean;
      j["other_schedules"] = d.other.schedules;
    }
    summary["bugs"].push_back(j);
  }
  WriteAtomic(out_dir + "/diff.json", summary.dump(2) + "\n");
  std::cout << "\novlfuzz diff: " << b.scheme().name << " removes " << removed << " bug(s) of " << a.scheme().name
            << ", adds " << added << ", keeps " << kept << " ("
            << (exhaustive ? "exhaustive within bounds" : FormatCount(r.runs) + " programs on each") << ", "
            << static_cast<int64_t>(elapsed() * 10) / 10.0 << "s); summary: " << out_dir << "/diff.json\n";
  return added > 0 ? kExitFinding : kExitClean;
}

}  // namespace ovlfuzz::cli
