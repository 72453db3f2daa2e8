// `ovlfuzz fuzz`: the built-in fuzzing loop with progress output, artifacts
// and summary.json.
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/graphviz.h"
#include "fuzz/threads_engine.h"
#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/harness/fuzz_session.h"
#include "model/harness/replay.h"
#include "model/program/generate.h"
#include "model/oracle/signature.h"
#include "model/report/html_report.h"
#include "model/report/json_report.h"
#include "model/report/text_report.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

namespace {

constexpr double kDefaultSeconds = 20;
constexpr double kProgressEverySeconds = 2;

// The free-running baseline (fuzz/threads_engine.h): same generator, real
// threads, only the deadlock watchdog as oracle. Programs are saved without
// a schedule: a real-thread run cannot be replayed bit for bit.
FuzzStats RunThreadsEngine(const World& world, const std::string& scheme_ref, const FuzzConfig& cfg,
                           const FuzzHooks& hooks) {
  FuzzStats stats;
  Rng rng(cfg.seed);
  std::set<std::string> seen, bugs;
  for (;;) {
    if (cfg.max_runs > 0 && stats.runs >= cfg.max_runs) break;
    if (hooks.should_stop && hooks.should_stop(stats)) break;
    Program p = GenerateProgram(world, cfg.gen, rng);
    ThreadsRunResult r = RunOnThreads(world, p, ThreadsRunOptions{});
    ++stats.runs;
    if (!r.deadlock || !seen.insert(r.finding.signature).second) continue;
    stats.findings = seen.size();
    bugs.insert(r.finding.bug);
    stats.bugs = bugs.size();
    Repro repro;
    repro.scheme_ref = scheme_ref;
    repro.scheme_hash = world.scheme().hash;
    repro.strategy = {cfg.strategy, cfg.pct_depth, rng.Next()};
    repro.program = p;
    if (hooks.on_finding) hooks.on_finding(r.finding, repro, p, stats);
  }
  return stats;
}

// The .ovl files directly in `dir` (none when it does not exist yet).
std::vector<std::string> CorpusFiles(const std::string& dir) {
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".ovl") == 0) files.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Adds the session's corpus to `dir`: one text program per file, named by
// a hash of its text (no schedule: the fuzzer reschedules; no embedded
// scheme: the session names it). Files already there stay, whoever wrote
// them: the session never deletes a file it did not write, and an entry
// with the same name has the same text. Returns {entries, newly written}.
std::pair<size_t, size_t> SaveCorpus(const World& world, const std::string& dir, const std::vector<Program>& corpus) {
  MakeDirs(dir);
  std::set<std::string> keep;
  size_t written = 0;
  for (const Program& p : corpus) {
    Repro r;
    r.scheme_ref = world.scheme().name;
    r.scheme_hash = world.scheme().hash;
    r.program = p;
    r.comments = {"# ovlfuzz corpus entry (new lock-order or blocking coverage)"};
    const std::string text = FormatRepro(world, r, /*embed_scheme=*/false);
    const std::string path = dir + "/c-" + Hex64(Fnv1a64(text)) + ".ovl";
    if (keep.insert(path).second && access(path.c_str(), F_OK) != 0) {
      WriteAtomic(path, text);
      ++written;
    }
  }
  return {keep.size(), written};
}

struct Found {
  std::string kind, signature, bug, artifact;
  double first_found_seconds;
  int64_t first_found_runs;  // the run (1-based) that found it
};

// SIGINT/SIGTERM end the session at the next poll (a few ms): the summary
// is still written, marked interrupted. The signals are blocked and polled
// with sigpending() rather than caught by a handler: under TSan a handler
// runs deferred, in the ThreadState of whichever model fiber was current,
// and a fiber destroyed at the end of its run took the signal with it. Once
// one is taken, the default action is back, so a second Ctrl-C kills at once.
int g_stop_signal = 0;

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void BlockStopSignals() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int PollStopSignal() {
  if (g_stop_signal != 0) return g_stop_signal;
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) != 0) return 0;
  for (int sig : {SIGINT, SIGTERM}) {
    if (sigismember(&pending, sig) != 1) continue;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    const timespec now{0, 0};
    if (sigtimedwait(&one, nullptr, &now) == sig) g_stop_signal = sig;
  }
  if (g_stop_signal != 0) {
    const sigset_t set = StopSignals();
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  }
  return g_stop_signal;
}

// Names this session's summary-<id>.json: concurrent sessions with one
// --out each keep their own; summary.json is the latest to finish.
std::string SessionId() {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(stamp) + "-" + std::to_string(getpid());
}

}  // namespace

int CmdFuzz(const std::vector<std::string>& args) {
  po::options_description opts("options");
  opts.add_options()
      ("scheme", po::value<std::string>()->required(), "built-in scheme name (see 'ovlfuzz schemes') or a .scheme file")
      ("seconds", po::value<double>(), "time budget in seconds (default 20 unless --runs is given)")
      ("runs", po::value<int64_t>(), "number of runs (deterministic for a given --seed)")
      ("seed", po::value<uint64_t>()->default_value(1), "seed of the session")
      ("threads", po::value<int>()->default_value(3), "maximum model threads per program (1-8)")
      ("ops", po::value<int>()->default_value(4), "maximum ops per thread (1-32)")
      ("strategy", po::value<std::string>()->default_value("pct"), "scheduling strategy: random or pct")
      ("pct-depth", po::value<int>()->default_value(3), "PCT bug depth d (1-16)")
      ("max-steps", po::value<int64_t>()->default_value(RunLimits{}.max_steps), "step budget per run (beyond: hang)")
      ("out", po::value<std::string>()->default_value("ovlfuzz-out"), "directory for artifacts and summary.json")
      ("engine", po::value<std::string>()->default_value("controlled"),
       "controlled (deterministic scheduler, all oracles) or threads (real OS threads, watchdog; the baseline)")
      ("corpus", po::value<std::string>()->default_value(""),
       "corpus directory: its .ovl programs seed the session (kept only if they add coverage), and the "
       "session's corpus entries are added to it at the end (no file in it is ever deleted)")
      ("report", po::value<std::string>()->default_value(""),
       "also write reports next to each artifact: json, html or json,html")
      ("stop-at-first", "stop after the run that produced the first finding (its artifacts and summary are written)")
      ("check-expect", "exit 0 when the finding kinds found equal the scheme's expect: line, 1 otherwise "
                       "(printed as expected vs found)")
      ("quiet,q", "no progress lines");
  po::positional_options_description pos;
  po::variables_map vm;
  if (!ParseArgs("fuzz", "--scheme NAME|FILE [--seconds N | --runs N] [options]", args, opts, pos, &vm))
    return kExitClean;

  FuzzConfig cfg;
  cfg.seed = vm["seed"].as<uint64_t>();
  cfg.gen.max_threads = vm["threads"].as<int>();
  cfg.gen.max_ops = vm["ops"].as<int>();
  cfg.pct_depth = vm["pct-depth"].as<int>();
  cfg.run_limits.max_steps = vm["max-steps"].as<int64_t>();
  if (cfg.gen.max_threads < 1 || cfg.gen.max_threads > kMaxThreads) throw UsageError("--threads must be in 1.." + std::to_string(kMaxThreads));
  if (cfg.gen.max_ops < 1 || cfg.gen.max_ops > kMaxOpsPerThread) throw UsageError("--ops must be in 1..32");
  if (cfg.pct_depth < 1 || cfg.pct_depth > 16) throw UsageError("--pct-depth must be in 1..16");
  if (cfg.run_limits.max_steps < 1) throw UsageError("--max-steps must be positive");
  if (!ParseStrategyName(vm["strategy"].as<std::string>(), &cfg.strategy))
    throw UsageError("--strategy must be random or pct, got '" + vm["strategy"].as<std::string>() + "'");
  double seconds = 0;
  if (vm.count("runs")) {
    cfg.max_runs = vm["runs"].as<int64_t>();
    if (cfg.max_runs < 1) throw UsageError("--runs must be positive");
  }
  if (vm.count("seconds")) {
    seconds = vm["seconds"].as<double>();
    if (!(seconds > 0)) throw UsageError("--seconds must be positive");
  } else if (!vm.count("runs")) {
    seconds = kDefaultSeconds;
  }
  const std::string engine = vm["engine"].as<std::string>();
  if (engine != "controlled" && engine != "threads")
    throw UsageError("--engine must be controlled or threads, got '" + engine + "'");
  bool report_json = false, report_html = false;
  {
    std::string list = vm["report"].as<std::string>();
    for (size_t i = 0; i < list.size();) {
      size_t j = list.find(',', i);
      std::string item = list.substr(i, j == std::string::npos ? std::string::npos : j - i);
      if (item == "json") report_json = true;
      else if (item == "html") report_html = true;
      else throw UsageError("--report takes json, html or json,html; got '" + item + "'");
      i = j == std::string::npos ? list.size() : j + 1;
    }
  }
  const std::string scheme_ref = vm["scheme"].as<std::string>();
  const std::string out_dir = vm["out"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0;
  const World& world = Schemes().Load(scheme_ref);
  const std::string corpus_dir = vm["corpus"].as<std::string>();
  if (!corpus_dir.empty() && engine != "controlled") throw UsageError("--corpus needs --engine controlled");
  std::vector<Program> seeds;
  for (const std::string& path : CorpusFiles(corpus_dir)) {
    const std::string data = ReadFile(path);
    if (!LooksText(data))
      throw InputError(path, 1, 1, "not an ovlfuzz text program (a corpus holds .ovl text)");
    Replayable r = LoadReplayable(data, path, scheme_ref, Schemes());
    seeds.push_back(r.repro.program);
  }
  MakeDirs(out_dir);
  const std::string session_id = SessionId();
  BlockStopSignals();

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  double next_progress = kProgressEverySeconds;
  std::vector<Found> found;
  auto progress = [&](const FuzzStats& s, bool final) {
    double t = elapsed();
    char line[256];
    std::snprintf(line, sizeof line,
                  "[%s] %6.1fs  runs %lld (%.0f/s)  bugs %zu (signatures %zu)  lock edges %zu  corpus %zu  "
                  "skipped-xattr %lld",
                  world.scheme().name.c_str(), t, static_cast<long long>(s.runs), t > 0 ? s.runs / t : 0.0,
                  s.bugs, s.findings, s.edges, s.corpus, static_cast<long long>(s.skipped_updates));
    if (!quiet || final) std::cerr << line << (final ? "  done" : "") << "\n";
  };

  const bool stop_at_first = vm.count("stop-at-first") > 0;
  FuzzHooks hooks;
  if (stop_at_first) hooks.poll_every = 1;  // polling does not touch the session's RNG: same runs, same order
  hooks.should_stop = [&](const FuzzStats& s) {
    double t = elapsed();
    if (t >= next_progress) {
      progress(s, false);
      while (next_progress <= t) next_progress += kProgressEverySeconds;
    }
    return PollStopSignal() != 0 || (stop_at_first && !found.empty()) || (seconds > 0 && t >= seconds);
  };
  hooks.on_finding = [&](const Finding& f, const Repro& repro_in, const Program& program, const FuzzStats& at) {
    ReportContext ctx(world, program);
    Repro repro = repro_in;
    repro.comments = {"# ovlfuzz reproducer: " + std::string(FindingKindName(f.kind)),
                      "# " + ctx.Short(f), "# signature: " + f.signature};
    std::string artifact = out_dir + "/" + FindingKindName(f.kind) + "-" + SignatureHash(f.signature) + ".ovl";
    bool fresh = WriteExclusive(artifact, FormatRepro(world, repro));
    // The first signature of a root bug gets the full lockdep report; later
    // ones (the same chain closed by another op) one line each, so a bug
    // reads once, as lockdep reports it once per boot.
    const bool new_bug = std::none_of(found.begin(), found.end(), [&](const Found& x) { return x.bug == f.bug; });
    if (new_bug)
      std::cout << ctx.Render(f);
    else
      std::cout << "variant of " << f.bug << " [" << SignatureHash(f.bug) << "]:\n  " << f.signature << "\n";
    if (engine == "threads")
      std::cout << "(threads engine: real-thread run, saved without a schedule; replay runs the program under "
                   "the controlled scheduler and may not hit the same interleaving)\n";
    if (!fresh) std::cout << "(artifact already existed with this signature; kept the earlier one)\n";
    if (fresh && (report_json || report_html) && !repro.schedule.empty()) {
      // Replay the artifact once more to record the event trace.
      std::string base = artifact.substr(0, artifact.size() - 4), replay = "ovlfuzz replay " + ShellQuote(artifact);
      TraceRecorder trace;
      auto strategy = MakeReplayStrategy(repro.schedule);
      RunResult rr = RunOnce(world, repro.program, *strategy, cfg.run_limits, {&trace});
      if (report_json) WriteExclusive(base + ".json", RenderJsonReport(world, repro, rr, replay));
      if (report_html)
        WriteExclusive(base + ".html",
                       RenderHtmlReport(world, repro, rr, trace.events(), replay, InlineSvgOrEmpty));
    }
    std::cout << "replay: ovlfuzz replay " << ShellQuote(artifact) << "\n\n" << std::flush;
    found.push_back({FindingKindName(f.kind), f.signature, f.bug, artifact, elapsed(), at.runs});
  };

  FuzzStats s;
  if (engine == "threads") {
    s = RunThreadsEngine(world, SchemeRefForRepro(scheme_ref), cfg, hooks);
  } else {
    FuzzSession session(world, SchemeRefForRepro(scheme_ref), cfg, hooks);
    for (const Program& p : seeds) session.Seed(p);
    const size_t merged = session.corpus().size();
    session.Run();
    s = session.stats();
    if (!corpus_dir.empty()) {
      auto [saved, written] = SaveCorpus(world, corpus_dir, session.corpus());
      std::cerr << "corpus " << corpus_dir << ": " << seeds.size() << " programs read, " << merged
                << " kept after merge, " << saved << " in the session's corpus, " << written
                << " new files (files are never deleted)\n";
    }
  }
  progress(s, true);

  double total = elapsed();
  nlohmann::json summary{{"scheme", world.scheme().name},
                         {"engine", engine},
                         {"seed", cfg.seed},
                         {"strategy", StrategyName(cfg.strategy)},
                         {"runs", s.runs},
                         {"seconds", total},
                         {"runs_per_second", total > 0 ? s.runs / total : 0.0},
                         {"lock_edges", s.edges},
                         {"cross_run_cycles", s.cross_run_cycles},
                         {"skipped_xattr_updates", s.skipped_updates},
                         {"bugs", s.bugs},
                         {"findings", nlohmann::json::array()}};
  for (const Found& f : found)
    summary["findings"].push_back({{"kind", f.kind},
                                   {"signature", f.signature},
                                   {"bug", f.bug},
                                   {"bug_hash", SignatureHash(f.bug)},
                                   {"artifact", f.artifact},
                                   {"first_found_seconds", f.first_found_seconds},
                                   {"first_found_runs", f.first_found_runs}});
  const int sig = g_stop_signal;
  summary["session"] = session_id;
  summary["interrupted"] = sig != 0;
  if (sig != 0) summary["signal"] = sig == SIGINT ? "SIGINT" : "SIGTERM";
  summary["stopped_at_first"] = stop_at_first && !found.empty();
  const std::string text = summary.dump(2) + "\n";
  const std::string own = out_dir + "/summary-" + session_id + ".json";
  WriteAtomic(own, text);
  WriteAtomic(out_dir + "/summary.json", text);
  std::cout << "ovlfuzz fuzz: scheme " << world.scheme().name << ": " << s.runs << " runs in "
            << static_cast<int64_t>(total * 10) / 10.0 << "s, " << s.bugs << " bug(s) in " << found.size()
            << " distinct signature(s)" << (sig ? std::string(", interrupted by ") + summary["signal"].get<std::string>() : "")
            << "; summary: " << out_dir << "/summary.json (this session: " << own << ")\n";
  if (sig != 0) return kExitInterrupted + sig;
  if (vm.count("check-expect")) {
    std::set<std::string> kinds;
    for (const Found& f : found) kinds.insert(f.kind);
    return CheckExpect("fuzz", world.scheme(), kinds);
  }
  return found.empty() ? kExitClean : kExitFinding;
}

}  // namespace ovlfuzz::cli
