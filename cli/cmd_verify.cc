// `ovlfuzz verify`: bounded exhaustive exploration (model/verify) with
// progress, lockdep-shaped reports, artifacts and a closing line that states
// exactly which bounds were proven.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/verify_common.h"
#include "model/oracle/signature.h"
#include "model/report/text_report.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

// --max-seconds ran out before the bounded space was explored: neither a
// finding (1) nor a proof (0).

int CmdVerify(const std::vector<std::string>& args) {
  po::options_description opts("options");
  AddVerifyBoundOptions(&opts);
  opts.add_options()
      ("scheme", po::value<std::string>()->required(), "built-in scheme name (see 'ovlfuzz schemes') or a .scheme file")
      ("jobs", po::value<int>()->default_value(1), "split the program space across this many processes")
      ("memory", po::value<size_t>()->default_value(1024),
       "MiB of the visited set the --jobs processes share (8 bytes per state; when it is 3/4 full each "
       "job keeps its new states in a private table: same verdict, less shared pruning)")
      ("oracles", po::value<std::string>(),
       "comma-separated finding kinds to look for (default: all), e.g. 'deadlock': SPIN's invalid end states, "
       "checked without the history the other oracles need")
      ("all", "keep going after the first finding and report every signature")
      ("naive", "no reduction: walk every choice and schedule and replay each (the baseline)")
      ("max-seconds", po::value<double>()->default_value(0), "stop after this many seconds (0: no limit); "
                                                              "an unfinished search exits 3 and proves nothing")
      ("out", po::value<std::string>()->default_value("ovlfuzz-out"), "directory for artifacts and verify.json")
      ("check-expect", "explore everything (implies --all) and exit 0 when the finding kinds equal the scheme's "
                       "expect: line, 1 otherwise, 3 when a kind is missing and --max-seconds cut the search")
      ("quiet,q", "no progress lines");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("verify", "--scheme NAME|FILE --threads T --ops K [--preemptions P] [options]", args, opts, pos,
                 &vm))
    return kExitClean;
  const std::string scheme_ref = vm["scheme"].as<std::string>();
  const World& world = Schemes().Load(scheme_ref);
  VerifyOptions o = VerifyBoundsFrom(vm, world);
  if (vm.count("oracles")) o.kinds = ParseOracleKinds(vm["oracles"].as<std::string>());
  const bool check_expect = vm.count("check-expect") > 0;
  o.all = vm.count("all") > 0 || check_expect;
  o.reduce = vm.count("naive") == 0;
  const int jobs = vm["jobs"].as<int>();
  if (jobs < 1 || jobs > 64) throw UsageError("--jobs must be in 1..64");
  const double max_seconds = vm["max-seconds"].as<double>();
  if (!(max_seconds >= 0)) throw UsageError("--max-seconds must not be negative");
  const std::string out_dir = vm["out"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0;
  const size_t memory = vm["memory"].as<size_t>();
  if (memory < 1 || memory > (size_t{1} << 20)) throw UsageError("--memory must be in 1..1048576 MiB");
  MakeDirs(out_dir);

  const std::string bounds = DescribeBounds(world, o);
  std::cerr << "ovlfuzz verify: scheme " << world.scheme().name << ", " << bounds
            << (o.reduce ? "" : " (naive: no reduction)") << (jobs > 1 ? ", " + std::to_string(jobs) + " jobs" : "")
            << "\n";
  VerifyRun run = RunVerify(world, o, jobs, memory, max_seconds, quiet ? "" : world.scheme().name);
  if (run.result.stats.visited_full)
    std::cerr << "ovlfuzz verify: note: the shared visited set (--memory " << memory
              << ") filled up; the jobs went on with private tables, so less of their work was shared; --memory "
              << MemoryFor(run.result.stats.states) << " holds all " << run.result.stats.states << " states\n";
  const VerifyStats& st = run.result.stats;

  nlohmann::json summary = StatsJson(st);
  summary.update({{"scheme", world.scheme().name},
                  {"bounds", bounds},
                  {"threads", o.threads},
                  {"ops", o.ops},
                  {"preemptions", o.preemptions},
                  {"reduce", o.reduce},
                  {"seconds", run.seconds},
                  {"findings", nlohmann::json::array()}});
  std::set<std::string> bugs;
  for (VerifyFinding& f : run.result.findings) {
    if (!o.all && &f == &run.result.findings.front()) {
      // The first finding is the one a reviewer reads: the fewest steps.
      VerifyFinding shortest;
      if (ShortestSchedule(world, f.program, f.finding.signature, o.limits, 200000, &shortest) &&
          shortest.steps <= f.steps)
        f = std::move(shortest);
    }
    std::string artifact = WriteVerifyArtifact(world, SchemeRefForRepro(scheme_ref), out_dir, f);
    ReportContext ctx(world, f.program);
    if (bugs.insert(f.finding.bug).second)
      std::cout << ctx.Render(f.finding);
    else
      std::cout << "variant of " << f.finding.bug << " [" << SignatureHash(f.finding.bug) << "]:\n  "
                << f.finding.signature << "\n";
    std::cout << "replay: ovlfuzz replay " << ShellQuote(artifact) << "\n\n";
    summary["findings"].push_back({{"kind", FindingKindName(f.finding.kind)},
                                   {"signature", f.finding.signature},
                                   {"bug", f.finding.bug},
                                   {"artifact", artifact},
                                   {"steps", f.steps}});
  }
  WriteAtomic(out_dir + "/verify.json", summary.dump(2) + "\n");

  std::ostringstream tail;
  tail << FormatCount(st.states) << " states, " << FormatCount(st.transitions) << " transitions, "
       << FormatCount(st.schedules) << " schedules, " << std::fixed;
  tail.precision(2);
  tail << run.seconds << "s";
  if (check_expect) {
    std::set<std::string> kinds;
    for (const VerifyFinding& f : run.result.findings) kinds.insert(FindingKindName(f.finding.kind));
    std::cout << "ovlfuzz verify: " << run.result.findings.size() << " finding(s) within " << bounds << " ("
              << tail.str() << (st.complete ? ", search complete" : ", search INCOMPLETE") << ")\n";
    if (!o.kinds) return CheckExpect("verify", world.scheme(), kinds, st.complete ? 0 : kExitCutShort);
    // --oracles: only the expected kinds that were looked for count.
    Scheme looked_for = world.scheme();
    looked_for.expect.clear();
    for (const std::string& k : world.scheme().expect)
      if (ParseOracleKinds(k) & o.kinds) looked_for.expect.push_back(k);
    return CheckExpect("verify", looked_for, kinds, st.complete ? 0 : kExitCutShort);
  }
  if (!run.result.findings.empty()) {
    std::cout << "ovlfuzz verify: " << run.result.findings.size() << " finding(s) within " << bounds << " ("
              << tail.str() << (st.complete ? ", search complete" : ", stopped at the first finding") << ")\n";
    return kExitFinding;
  }
  if (!st.complete) {
    std::cout << "ovlfuzz verify: no finding so far, search INCOMPLETE (time limit): nothing is proven for "
              << bounds << " (" << tail.str() << ")\n";
    return kExitCutShort;
  }
  std::cout << "ovlfuzz verify: no finding within bounds: scheme " << world.scheme().name << ", " << bounds << ": no "
            << (o.kinds ? OracleKindNames(o.kinds)
                        : "deadlock, lock inversion, missed trylock fallback, skipped xattr update or fault")
            << " in any schedule (" << tail.str() << ")\n";
  return kExitClean;
}

}  // namespace ovlfuzz::cli
