#include "cli/verify_common.h"

#include <poll.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "model/harness/replay.h"
#include "model/harness/run_once.h"
#include "model/oracle/signature.h"
#include "model/program/repro.h"

namespace ovlfuzz::cli {

namespace po = boost::program_options;

size_t MemoryFor(int64_t states) {
  size_t mib = 1;
  // SharedTable: capacity a power of two <= mib * 2^16 words; full at 3/4.
  while (mib < (size_t{1} << 20) && 3 * mib * (size_t{1} << 16) / 4 < static_cast<size_t>(states) * 5 / 4) mib *= 2;
  return mib;
}

namespace {

constexpr double kProgressEverySeconds = 2;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void PrintProgress(const std::string& label, double t, const VerifyStats& s, size_t findings) {
  if (label.empty()) return;
  char eta[32] = "";
  if (s.subtrees_done > 0 && s.subtrees_done < s.subtrees)
    std::snprintf(eta, sizeof eta, "  ETA ~%.0fs", t * (s.subtrees - s.subtrees_done) / s.subtrees_done);
  std::fprintf(stderr, "[verify %s] %6.1fs  subtrees %d/%d  states %s  transitions %s (%s/s)  schedules %s  "
               "findings %zu%s\n",
               label.c_str(), t, s.subtrees_done, s.subtrees, FormatCount(s.states).c_str(),
               FormatCount(s.transitions).c_str(), FormatCount(t > 0 ? static_cast<int64_t>(s.transitions / t) : 0).c_str(),
               FormatCount(s.schedules).c_str(), findings, eta);
}

void AddStats(VerifyStats* a, const VerifyStats& b) {
  a->states += b.states;
  a->transitions += b.transitions;
  a->schedules += b.schedules;
  a->revisits += b.revisits;
  a->replays += b.replays;
  a->subtrees_done += b.subtrees_done;
  a->phase = std::max(a->phase, b.phase);
  a->visited_full |= b.visited_full;
}


VerifyStats StatsFromJson(const nlohmann::json& j) {
  VerifyStats s;
  s.states = j["states"];
  s.transitions = j["transitions"];
  s.schedules = j["schedules"];
  s.revisits = j["revisits"];
  s.replays = j["replays"];
  s.subtrees = j["subtrees"];
  s.subtrees_done = j["subtrees_done"];
  s.phase = j["phase"];
  s.complete = j["complete"];
  s.visited_full = j["visited_full"];
  return s;
}

// A visited set the jobs share: anonymous shared memory, mapped before
// fork, sized by --memory (pages are only committed as they are touched).
class SharedTable {
 public:
  explicit SharedTable(size_t mib) {
    size_t words = mib * (size_t{1} << 20) / sizeof(uint64_t);
    capacity_ = size_t{1} << 16;
    while (capacity_ * 2 + 1 <= words) capacity_ *= 2;
    bytes_ = (capacity_ + 1) * sizeof(uint64_t);
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("cannot map a shared visited set of " + std::to_string(mib) + " MiB");
    slots_ = static_cast<uint64_t*>(p);
  }
  ~SharedTable() { munmap(slots_, bytes_); }
  uint64_t* slots() const { return slots_; }
  size_t capacity() const { return capacity_; }

 private:
  uint64_t* slots_ = nullptr;
  size_t capacity_ = 0;
  size_t bytes_ = 0;
};

struct Round {
  VerifyResult result;
  bool stopped = false;
};

// One round (one phase) in `jobs` child processes sharing one visited set.
// Each child reports progress and its result as JSON lines on a pipe; the
// parent rebuilds findings by replaying the reported paths, so nothing but
// program text, schedules and lock-order edges crosses the pipe.
Round RunRound(const World& world, const VerifyOptions& o, int jobs, size_t memory_mib, double max_seconds,
               const std::string& label, Clock::time_point start, double* next_progress) {
  SharedTable table(memory_mib);
  std::vector<pid_t> pids;
  std::vector<int> fds;
  std::cout << std::flush;
  std::cerr << std::flush;
  for (int j = 0; j < jobs; ++j) {
    int p[2];
    if (pipe(p) != 0) throw std::runtime_error("pipe() failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork() failed");
    if (pid == 0) {
      for (int fd : fds) close(fd);
      close(p[0]);
      FILE* out = fdopen(p[1], "w");
      VerifyOptions mine = o;
      mine.job = j;
      mine.jobs = jobs;
      mine.shared_visited = table.slots();
      mine.shared_slots = table.capacity();
      auto last = Clock::now();
      // should_stop doubles as the progress tick: report, never stop (the
      // parent enforces the time limit by SIGTERM).
      VerifyStats live;
      mine.should_stop = [&] {
        if (Since(last) >= 0.5) {
          last = Clock::now();
          std::fprintf(out, "%s\n", nlohmann::json{{"progress", StatsJson(live)}}.dump().c_str());
          std::fflush(out);
        }
        return false;
      };
      VerifyResult r = Verify(world, mine, [&](const VerifyStats& s) { live = s; });
      nlohmann::json res{{"result", StatsJson(r.stats)},
                         {"union_edges", r.union_edges},
                         {"findings", nlohmann::json::array()}};
      for (const VerifyFinding& f : r.findings) {
        Repro repro;
        repro.scheme_ref = world.scheme().name;
        repro.scheme_hash = world.scheme().hash;
        repro.program = f.program;
        repro.schedule = f.schedule;
        res["findings"].push_back({{"signature", f.finding.signature}, {"repro", FormatRepro(world, repro, /*embed_scheme=*/false)}});
      }
      std::fprintf(out, "%s\n", res.dump().c_str());
      std::fclose(out);
      _exit(0);
    }
    close(p[1]);
    pids.push_back(pid);
    fds.push_back(p[0]);
  }
  std::vector<std::string> buf(jobs);
  std::vector<VerifyStats> live(jobs);
  std::vector<bool> done(jobs, false);
  Round round;
  std::set<std::string> seen;
  std::set<uint64_t> edges;
  int open = jobs;
  auto stop_all = [&] {
    for (int j = 0; j < jobs; ++j)
      if (!done[j]) kill(pids[j], SIGTERM);
    round.stopped = true;
  };
  while (open > 0) {
    std::vector<pollfd> pf;
    for (int j = 0; j < jobs; ++j)
      if (fds[j] >= 0) pf.push_back({fds[j], POLLIN, 0});
    poll(pf.data(), pf.size(), 200);
    for (int j = 0; j < jobs; ++j) {
      if (fds[j] < 0) continue;
      pollfd* me = nullptr;
      for (pollfd& x : pf)
        if (x.fd == fds[j]) me = &x;
      if (!me || !(me->revents & (POLLIN | POLLHUP))) continue;
      char chunk[65536];
      ssize_t n = read(fds[j], chunk, sizeof chunk);
      if (n <= 0) {
        close(fds[j]);
        fds[j] = -1;
        --open;
        continue;
      }
      buf[j].append(chunk, n);
      size_t nl;
      while ((nl = buf[j].find('\n')) != std::string::npos) {
        nlohmann::json line = nlohmann::json::parse(buf[j].substr(0, nl));
        buf[j].erase(0, nl + 1);
        if (line.contains("progress")) {
          live[j] = StatsFromJson(line["progress"]);
          continue;
        }
        done[j] = true;
        live[j] = StatsFromJson(line["result"]);
        for (uint64_t e : line["union_edges"]) edges.insert(e);
        for (const auto& f : line["findings"]) {
          std::string sig = f["signature"];
          if (!seen.insert(sig).second) continue;
          const World* w = nullptr;
          Repro repro = ParseRepro(f["repro"].get<std::string>(), "<job " + std::to_string(j) + ">",
                                   [&](const Repro&, int, int) -> const World& { return world; }, &w);
          auto replay = MakeReplayStrategy(repro.schedule);
          RunResult r = RunOnce(world, repro.program, *replay, o.limits);
          for (Finding& g : r.findings) {
            if (g.signature != sig) continue;
            int64_t at = FindingStep(g, r.steps);
            round.result.findings.push_back({std::move(g), repro.program, repro.schedule, at});
            break;
          }
        }
        if (!o.all && !round.result.findings.empty() && !round.stopped) stop_all();
      }
    }
    double t = Since(start);
    if (max_seconds > 0 && t >= max_seconds && !round.stopped) stop_all();
    if (t >= *next_progress) {
      VerifyStats sum;
      sum.subtrees = live[0].subtrees;
      for (const VerifyStats& s : live) AddStats(&sum, s);
      PrintProgress(label, t, sum, round.result.findings.size());
      *next_progress += kProgressEverySeconds;
    }
  }
  bool all_complete = true;
  for (int j = 0; j < jobs; ++j) {
    int status = 0;
    waitpid(pids[j], &status, 0);
    all_complete &= done[j] && live[j].complete;
    AddStats(&round.result.stats, live[j]);
  }
  round.result.stats.subtrees = live[0].subtrees;
  round.result.stats.complete = all_complete && !round.stopped;
  round.result.union_edges.assign(edges.begin(), edges.end());
  return round;
}

// Phase 1 in every job; phase 2 only if the union of every job's lock-order
// edges has a cycle (one job alone sees only part of the space).
VerifyRun RunForked(const World& world, const VerifyOptions& o, int jobs, size_t memory_mib, double max_seconds,
                    const std::string& label) {
  const auto start = Clock::now();
  double next_progress = kProgressEverySeconds;
  VerifyOptions one = o;
  one.only_phase = 1;
  Round r = RunRound(world, one, jobs, memory_mib, max_seconds, label, start, &next_progress);
  VerifyRun run;
  run.result = std::move(r.result);
  if (o.reduce && !r.stopped && run.result.stats.complete && (o.all || run.result.findings.empty())) {
    std::vector<uint64_t> cyclic = CyclicEdges(run.result.union_edges);
    if (!cyclic.empty()) {
      VerifyOptions two = o;
      two.only_phase = 2;
      two.phase2_edges = cyclic;
      Round r2 = RunRound(world, two, jobs, memory_mib, max_seconds, label, start, &next_progress);
      AddStats(&run.result.stats, r2.result.stats);
      run.result.stats.phase = 2;
      run.result.stats.complete = r2.result.stats.complete;
      std::set<std::string> have;
      for (const VerifyFinding& f : run.result.findings) have.insert(f.finding.signature);
      for (VerifyFinding& f : r2.result.findings)
        if (have.insert(f.finding.signature).second) run.result.findings.push_back(std::move(f));
    }
  }
  run.seconds = Since(start);
  return run;
}

}  // namespace

nlohmann::json StatsJson(const VerifyStats& s) {
  return {{"states", s.states},     {"transitions", s.transitions}, {"schedules", s.schedules},
          {"revisits", s.revisits}, {"replays", s.replays},         {"subtrees", s.subtrees},
          {"subtrees_done", s.subtrees_done}, {"phase", s.phase},   {"complete", s.complete},
          {"visited_full", s.visited_full}};
}

std::string FormatCount(int64_t n) {
  char buf[32];
  if (n >= 1000000000) std::snprintf(buf, sizeof buf, "%.2fG", n / 1e9);
  else if (n >= 1000000) std::snprintf(buf, sizeof buf, "%.2fM", n / 1e6);
  else if (n >= 10000) std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  return buf;
}

void AddVerifyBoundOptions(po::options_description* opts) {
  opts->add_options()
      ("threads", po::value<int>()->default_value(2), "up to this many model threads (1-8)")
      ("ops", po::value<int>()->default_value(2), "up to this many ops per thread (1-8)")
      ("preemptions", po::value<int>(), "at most this many preemptions per schedule (default: unbounded)")
      ("only-ops", po::value<std::string>()->default_value(""),
       "comma-separated op names to choose from (default: every op of the scheme)")
      ("files", po::value<int>(), "arguments use only the first N files of the scheme's world")
      ("dirs", po::value<int>(), "arguments use only the first N dirs")
      ("pipes", po::value<int>(), "arguments use only the first N pipes")
      ("max-steps", po::value<int64_t>()->default_value(RunLimits{}.max_steps),
       "step budget per schedule (beyond: hang)");
}

VerifyOptions VerifyBoundsFrom(const po::variables_map& vm, const World& world) {
  VerifyOptions o;
  o.threads = vm["threads"].as<int>();
  o.ops = vm["ops"].as<int>();
  if (o.threads < 1 || o.threads > kMaxThreads) throw UsageError("--threads must be in 1.." + std::to_string(kMaxThreads));
  if (o.ops < 1 || o.ops > 8) throw UsageError("--ops must be in 1..8");
  if (vm.count("preemptions")) {
    o.preemptions = vm["preemptions"].as<int>();
    if (o.preemptions < 0 || o.preemptions > 64) throw UsageError("--preemptions must be in 0..64");
  }
  o.limits.max_steps = vm["max-steps"].as<int64_t>();
  if (o.limits.max_steps < 1) throw UsageError("--max-steps must be positive");
  auto count = [&](const char* name, int max) {
    if (!vm.count(name)) return -1;
    int v = vm[name].as<int>();
    if (v < 1 || v > max)
      throw UsageError(std::string("--") + name + " must be in 1.." + std::to_string(max) + " (the scheme's world)");
    return v;
  };
  o.files = count("files", world.files());
  o.dirs = count("dirs", world.dirs());
  o.pipes = count("pipes", world.pipes());
  const Scheme& s = world.scheme();
  const std::string list = vm["only-ops"].as<std::string>();
  // Given at all, the list must name ops: ",,," is a typo, not "all ops".
  for (const std::string& name : vm["only-ops"].defaulted() ? std::vector<std::string>{} : SplitCommas(list)) {
    if (name.empty()) throw UsageError("--only-ops: empty op name in '" + list + "' (write OP,OP,...)");
    int found = -1;
    for (size_t r = 0; r < s.routines.size(); ++r)
      if (s.routines[r].is_op && s.routines[r].name == name) found = static_cast<int>(r);
    if (found < 0) {
      std::string ops;
      for (const Routine& r : s.routines)
        if (r.is_op) ops += (ops.empty() ? "" : ",") + r.name;
      throw UsageError("--only-ops: scheme " + s.name + " has no op '" + name + "' (ops: " + ops + ")");
    }
    if (std::find(o.only_ops.begin(), o.only_ops.end(), found) == o.only_ops.end()) o.only_ops.push_back(found);
  }
  return o;
}

namespace {
constexpr int kFindingKinds = static_cast<int>(FindingKind::kUnprotectedModification) + 1;
}  // namespace

uint32_t ParseOracleKinds(const std::string& list) {
  uint32_t kinds = 0;
  for (const std::string& name : SplitCommas(list)) {
    int found = -1;
    for (int k = 0; k < kFindingKinds; ++k)
      if (name == FindingKindName(static_cast<FindingKind>(k))) found = k;
    if (found < 0) {
      std::string all;
      for (int k = 0; k < kFindingKinds; ++k)
        all += (k ? "," : "") + std::string(FindingKindName(static_cast<FindingKind>(k)));
      throw UsageError("--oracles: unknown finding kind '" + name + "' in '" + list + "' (kinds: " + all + ")");
    }
    kinds |= 1u << found;
  }
  return kinds;
}

std::string OracleKindNames(uint32_t kinds) {
  std::string out;
  for (int k = 0; k < kFindingKinds; ++k)
    if ((kinds >> k) & 1) out += (out.empty() ? "" : ",") + std::string(FindingKindName(static_cast<FindingKind>(k)));
  return out;
}

std::string DescribeBounds(const World& world, const VerifyOptions& o) {
  const Scheme& s = world.scheme();
  int total = 0;
  for (const Routine& r : s.routines) total += r.is_op;
  std::ostringstream d;
  d << "up to " << o.threads << " thread" << (o.threads > 1 ? "s" : "") << " x " << o.ops << " op"
    << (o.ops > 1 ? "s" : "") << ", ";
  if (o.preemptions < 0) d << "no preemption bound";
  else d << "at most " << o.preemptions << " preemption" << (o.preemptions == 1 ? "" : "s");
  if (o.only_ops.empty()) {
    d << ", all " << total << " ops";
  } else {
    d << ", ops ";
    for (size_t i = 0; i < o.only_ops.size(); ++i) d << (i ? "," : "") << s.routines[o.only_ops[i]].name;
    d << " (" << o.only_ops.size() << " of " << total << ")";
  }
  auto n = [](int limit, int all) { return limit < 0 ? all : limit; };
  d << ", args from " << n(o.files, world.files()) << " file(s), " << n(o.dirs, world.dirs()) << " dir(s), "
    << n(o.pipes, world.pipes()) << " pipe(s)";
  if (o.kinds) d << ", oracles " << OracleKindNames(o.kinds);
  return d.str();
}

VerifyRun RunVerify(const World& world, const VerifyOptions& o, int jobs, size_t memory_mib, double max_seconds,
                    const std::string& label) {
  if (jobs > 1) return RunForked(world, o, jobs, memory_mib, max_seconds, label);
  const auto start = Clock::now();
  VerifyOptions mine = o;
  double next_progress = kProgressEverySeconds;
  VerifyStats live;
  mine.should_stop = [&] {
    double t = Since(start);
    if (t >= next_progress) {
      PrintProgress(label, t, live, live.findings);
      while (next_progress <= t) next_progress += kProgressEverySeconds;
    }
    return max_seconds > 0 && t >= max_seconds;
  };
  VerifyRun run;
  run.result = Verify(world, mine, [&](const VerifyStats& s) { live = s; });
  run.seconds = Since(start);
  return run;
}

std::string WriteVerifyArtifact(const World& world, const std::string& scheme_ref, const std::string& out_dir,
                                const VerifyFinding& f) {
  Repro repro;
  repro.scheme_ref = scheme_ref;
  repro.scheme_hash = world.scheme().hash;
  repro.program = f.program;
  repro.schedule = f.schedule;
  repro.comments = {"# ovlfuzz verify reproducer: " + std::string(FindingKindName(f.finding.kind)),
                    "# signature: " + f.finding.signature};
  std::string artifact =
      out_dir + "/" + FindingKindName(f.finding.kind) + "-" + SignatureHash(f.finding.signature) + ".ovl";
  WriteExclusive(artifact, FormatRepro(world, repro));
  return artifact;
}

}  // namespace ovlfuzz::cli
