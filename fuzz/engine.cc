#include "fuzz/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/sha1.h"
#include "model/core/input_error.h"
#include "model/harness/minimize.h"
#include "model/harness/run_once.h"
#include "model/oracle/oracle.h"
#include "model/program/binary_codec.h"
#include "model/program/generate.h"
#include "model/report/text_report.h"
#include "model/scheme/scheme_loader.h"

#ifndef OVLFUZZ_FUZZ_SCHEME
#error "build each target with -DOVLFUZZ_FUZZ_SCHEME=\"<built-in scheme>\""
#endif

// libFuzzer's extra counters: coverage that sees concurrency. Each
// lock-order dependency (held class -> acquired class, per op kind) gets a
// counter, so inputs that reach a new lock order are kept even when code
// coverage is flat. Blocking-state features ("who waits for whom", meant to
// guide towards deadlocks as the built-in engine's do) are off by default
// (OVLFUZZ_BLOCKING_FEATURES below): in ci/bench-libfuzzer-study
// (docs/perf-libfuzzer-study.md) edges alone found the first deadlock in a
// median of 3,450 executions on v5.0 (40 seeds) against 8,938 with the
// per-state features, and within 1.13x of them on start-write-callback and
// s-writers-redirect, with no misses; the median first crash of each
// scheme came within ~300 executions either way. The per-state features
// cost much: in 30,000 runs of fuzz_mainline libFuzzer counted ~9,800
// features instead of ~770, kept ~4,800 corpus entries instead of ~120
// (each one written to disk) and ran 3x fewer executions per CPU second.
// The coarser designs studied were slower per run than edges alone and no
// quicker to v5.0's deadlock.
// 2^OVLFUZZ_EXTRA_COUNTER_BITS counters (fuzz/CMakeLists.txt; 12 unless
// configured otherwise): libFuzzer clears and scans the whole array after
// every exec. A built-in scheme has about 100 lock-order keys (88-103 seen
// in 200,000 random 3 x 4 runs of each), of which at most 4 share a counter
// at 4,096; at 65,536, clearing and scanning took a tenth of every exec.
// The per-state designs (~9,800 keys) need 16 bits:
// ci/bench-libfuzzer-study builds with that.
// On clang 14 the array must be non-static and `used` to be picked up.
#ifndef OVLFUZZ_EXTRA_COUNTER_BITS
#define OVLFUZZ_EXTRA_COUNTER_BITS 12
#endif
extern "C" {
__attribute__((used, section("__libfuzzer_extra_counters")))
uint8_t ovlfuzz_extra_counters[1 << OVLFUZZ_EXTRA_COUNTER_BITS];
}

namespace ovlfuzz::engine {

namespace {

constexpr GenLimits kEngineLimits{4, 8};
std::string g_artifact_prefix = "./";
double g_minimize_seconds = -1;  // < 0: crash minimization off

void Bump(uint64_t h) {
  uint8_t& c = ovlfuzz_extra_counters[(h * 0x9e3779b97f4a7c15ULL) >> (64 - OVLFUZZ_EXTRA_COUNTER_BITS)];
  if (c != 0xff) ++c;
}

// The blocking-feature design (OVLFUZZ_BLOCKING_FEATURES; see the counters'
// comment above), kept selectable so that ci/bench-libfuzzer-study can
// measure each against the others on the same build:
//   state      r.blocking_features: waiter's class, the class it holds on
//              top, the sorted classes every blocked thread waits for
//   state1024  the same hash folded to 1024 values
//   multi      state, only while two or more threads are blocked
//   wanted     the sorted classes every blocked thread waits for
//   count      the number of blocked threads and the newest waiter's class
//   pair       the waiter's class and the class it holds on top
//   paircount  pair and the number of blocked threads
//   none       no blocking features, lock-order edges only (the default)
enum class Blocking { kState, kState1024, kMulti, kWanted, kCount, kPair, kPairCount, kNone };

Blocking BlockingDesign() {
  static const Blocking design = [] {
    const char* v = std::getenv("OVLFUZZ_BLOCKING_FEATURES");
    const std::string name = v && *v ? v : "none";
    static const std::pair<const char*, Blocking> kNames[] = {
        {"state", Blocking::kState},         {"state1024", Blocking::kState1024}, {"multi", Blocking::kMulti},
        {"wanted", Blocking::kWanted},       {"count", Blocking::kCount},         {"pair", Blocking::kPair},
        {"paircount", Blocking::kPairCount}, {"none", Blocking::kNone},
    };
    for (const auto& [n, b] : kNames)
      if (name == n) return b;
    std::fprintf(stderr,
                 "ovlfuzz: error: OVLFUZZ_BLOCKING_FEATURES=%s: expected state, state1024, multi, wanted, count, "
                 "pair, paircount or none\n",
                 name.c_str());
    std::exit(2);
  }();
  return design;
}

// OVLFUZZ_ONLY_FINDING=<kind> (e.g. deadlock): only findings of that kind
// abort, so a study can measure the executions to the first deadlock on a
// scheme whose lock inversion is found first.
const char* OnlyFinding() {
  static const char* kind = std::getenv("OVLFUZZ_ONLY_FINDING");
  return kind && *kind ? kind : nullptr;
}

// The designs that need more than r.blocking_features: recomputed from the
// executor's state at each kBlocked event (RunOnce's own observer keeps
// only its hash).
class BlockingObserver : public Oracle {
 public:
  explicit BlockingObserver(Blocking design) : design_(design) {}
  EventMask Interests() const override { return EventBit(EventKind::kBlocked); }
  void OnEvent(const Event& e, const Execution& x) override {
    int waiting[kMaxThreads], n = 0;
    for (int t = 0; t < x.threads(); ++t)
      if (x.thread(t).status == ThreadState::Status::kBlocked) waiting[n++] = x.thread(t).want_cls;
    const ThreadState& me = x.thread(e.thread);
    const uint64_t want = static_cast<uint64_t>(e.cls + 1);
    const uint64_t top = me.held.empty() ? 0 : static_cast<uint64_t>(me.held.back().cls + 1);
    const uint64_t count = static_cast<uint64_t>(n);
    // The high bits keep each design's keys apart from the edge keys.
    uint64_t h = 0;
    switch (design_) {
      case Blocking::kPair:
        h = (1ULL << 59) | top << 20 | want;
        break;
      case Blocking::kPairCount:
        h = (1ULL << 58) | count << 40 | top << 20 | want;
        break;
      case Blocking::kCount:
        h = (1ULL << 61) | count << 20 | want;
        break;
      case Blocking::kWanted:
        std::sort(waiting, waiting + n);
        h = 0xcbf29ce484222325ULL;
        for (int i = 0; i < n; ++i) h = (h ^ static_cast<uint64_t>(waiting[i] + 1)) * 0x100000001b3ULL;
        h |= 1ULL << 62;
        break;
      case Blocking::kMulti:  // BlockedObserver's hash (model/harness/run_once.cc)
        if (n < 2) return;
        h = 0x9e3779b97f4a7c15ULL * want ^ top << 20;
        std::sort(waiting, waiting + n);
        for (int i = 0; i < n; ++i) h = (h ^ static_cast<uint64_t>(waiting[i] + 1)) * 0x100000001b3ULL;
        break;
      default:
        return;
    }
    features.push_back(h);
  }
  void Collect(const Execution&, std::vector<Finding>*) override {}
  std::vector<uint64_t> features;

 private:
  Blocking design_;
};

// Scheduler-choice mutations: the other half of the search space.
bool PerturbChoice(BinaryInput* in, Rng& rng) {
  if (in->choices.empty()) return false;
  in->choices[rng.Below(in->choices.size())] = static_cast<uint8_t>(rng.Below(kMaxThreads));
  return true;
}
bool InsertChoice(BinaryInput* in, Rng& rng) {
  if (in->choices.size() >= 4096) return false;
  in->choices.insert(in->choices.begin() + rng.Below(in->choices.size() + 1),
                     static_cast<uint8_t>(rng.Below(kMaxThreads)));
  return true;
}
bool DropChoice(BinaryInput* in, Rng& rng) {
  if (in->choices.empty()) return false;
  in->choices.erase(in->choices.begin() + rng.Below(in->choices.size()));
  return true;
}
bool TruncateChoices(BinaryInput* in, Rng& rng) {
  if (in->choices.empty()) return false;
  in->choices.resize(rng.Below(in->choices.size()));
  return true;
}
bool Reseed(BinaryInput* in, Rng& rng) {
  in->seed = rng.Next();
  return true;
}

struct ChoiceMutation {
  const char* name;
  bool (*apply)(BinaryInput*, Rng&);
};
const ChoiceMutation kChoiceMutations[] = {
    {"perturb-choice", PerturbChoice}, {"insert-choice", InsertChoice}, {"drop-choice", DropChoice},
    {"truncate-choices", TruncateChoices}, {"reseed", Reseed},
};

size_t Emit(const BinaryInput& in, uint8_t* out, size_t max_size) {
  std::string enc = EncodeBinary(TargetWorld(), in);
  if (enc.size() > max_size) return 0;
  std::memcpy(out, enc.data(), enc.size());
  return enc.size();
}

}  // namespace

const char* TargetScheme() { return OVLFUZZ_FUZZ_SCHEME; }

const World& TargetWorld() {
  static SchemeSet* set = new SchemeSet([](const std::string& path) -> std::string {
    throw InputError(path, 1, 1, "fuzz targets use built-in schemes only");
  });
  static const World& world = set->Load(OVLFUZZ_FUZZ_SCHEME);
  return world;
}

void Initialize() {
  TargetWorld();
  BlockingDesign();
  OnlyFinding();
}

void SetArtifactPrefix(const std::string& prefix) { g_artifact_prefix = prefix; }

void RunInput(const uint8_t* data, size_t size) {
  const World& w = TargetWorld();
  BinaryInput in = DecodeBinary(w, data, size);
  auto strategy = MakeByteStrategy(in.choices, in.seed);
  const Blocking design = BlockingDesign();
  const bool own_observer = design != Blocking::kState && design != Blocking::kState1024 && design != Blocking::kNone;
  // Kept from input to input, so a run allocates little (run_once.h): ASan's
  // allocator was a third of a sanitized run.
  thread_local Runner runner;
  thread_local RunResult r;
  thread_local BlockingObserver observer(design);
  thread_local const std::vector<Oracle*> observers =
      own_observer ? std::vector<Oracle*>{&observer} : std::vector<Oracle*>{};
  observer.features.clear();
  runner.Run(w, in.program, *strategy, {}, observers, &r);
  for (const ChainLink& l : r.edges) {
    int op = in.program.threads[l.site.thread][l.site.op_index].routine;
    Bump((static_cast<uint64_t>(l.from_cls) << 40) ^ (static_cast<uint64_t>(l.cls) << 20) ^ static_cast<uint64_t>(op));
  }
  // Each blocking feature counts once per run, as the built-in engine counts
  // it (FuzzSession keeps a set): how often one run revisits a state is not
  // progress, yet libFuzzer made each count bucket a feature of its own
  // and kept inputs that differed only in it.
  thread_local std::vector<uint64_t> features;
  features.clear();
  if (design == Blocking::kState || design == Blocking::kState1024) {
    for (int64_t f : r.blocking_features)
      features.push_back(design == Blocking::kState ? static_cast<uint64_t>(f) : (1ULL << 60) | (f & 1023));
  } else if (own_observer) {
    features.swap(observer.features);
  }
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  for (uint64_t f : features) Bump(f);
  if (r.findings.empty()) return;
  if (const char* only = OnlyFinding()) {
    bool hit = false;
    for (const Finding& f : r.findings) hit |= std::strcmp(FindingKindName(f.kind), only) == 0;
    if (!hit) return;
  }

  ReportContext ctx(w, in.program);
  std::string out = "\n";
  for (const Finding& f : r.findings) out += "ovlfuzz: " + ctx.Short(f) + "\n";
  out += "\n" + ctx.Render(r.findings.front());
  const std::string artifact = g_artifact_prefix + "crash-" + Sha1Hex(data, size);
  out += "replay: ovlfuzz replay " + artifact + " --scheme " + OVLFUZZ_FUZZ_SCHEME + "\n";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
#if defined(OVLFUZZ_TSAN)
  // Under TSan, libFuzzer's deadly-signal handler hangs in TSan's
  // signal-unsafe-call check (it allocates inside the handler), so the
  // target saves the crash under libFuzzer's own name and exits instead.
  if (std::FILE* f = std::fopen(artifact.c_str(), "wbx")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  std::fprintf(stderr, "ovlfuzz: crash input written to %s\n", artifact.c_str());
  std::_Exit(77);
#else
  std::abort();  // libFuzzer saves the input as crash-<sha1>
#endif
}

size_t Mutate(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  BinaryInput in = DecodeBinary(TargetWorld(), data, size);
  if (rng.Chance(3, 10)) {
    const ChoiceMutation& m = kChoiceMutations[rng.Below(sizeof kChoiceMutations / sizeof kChoiceMutations[0])];
    if (!m.apply(&in, rng)) Reseed(&in, rng);
  } else {
    ovlfuzz::Mutate(TargetWorld(), kEngineLimits, rng, &in.program);
  }
  return Emit(in, data, max_size);
}

void EnableCrashMinimization(double max_seconds) { g_minimize_seconds = max_seconds; }
bool CrashMinimizationEnabled() { return g_minimize_seconds >= 0; }

size_t MinimizeCrash(uint8_t* data, size_t size, size_t max_size) {
  // libFuzzer calls the mutator on the same crash many times per step.
  static std::map<std::string, std::string>* memo = new std::map<std::string, std::string>;
  const std::string key(reinterpret_cast<const char*>(data), size);
  auto it = memo->find(key);
  if (it == memo->end()) {
    const World& w = TargetWorld();
    BinaryInput in = DecodeBinary(w, data, size);
    auto strategy = MakeByteStrategy(in.choices, in.seed);
    RunResult r = RunOnce(w, in.program, *strategy);
    std::string out;
    if (!r.findings.empty()) {
      Repro repro;
      repro.scheme_ref = OVLFUZZ_FUZZ_SCHEME;
      repro.scheme_hash = w.scheme().hash;
      repro.program = in.program;
      repro.schedule = r.schedule;
      MinimizeOptions opts;
      const auto start = std::chrono::steady_clock::now();
      opts.elapsed = [start] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      };
      opts.max_seconds = g_minimize_seconds;
      MinimizeResult m = Minimize(w, repro, r, r.findings.front().signature, opts);
      out = ShortestBinary(w, m.repro, r.findings.front().signature);
      std::fprintf(stderr, "ovlfuzz: minimize_crash: %zu -> %zu bytes, %d -> %d ops (%s)\n", size, out.size(),
                   m.before.ops, m.after.ops, r.findings.front().signature.c_str());
    }
    it = memo->emplace(key, std::move(out)).first;
  }
  const std::string& min = it->second;
  if (min.empty() || min.size() >= size || min.size() > max_size) return 0;
  std::memcpy(data, min.data(), min.size());
  return min.size();
}

size_t CrossOver(const uint8_t* a, size_t a_size, const uint8_t* b, size_t b_size, uint8_t* out,
                 size_t max_out_size, unsigned int seed) {
  Rng rng(seed);
  const World& w = TargetWorld();
  BinaryInput x = DecodeBinary(w, a, a_size), y = DecodeBinary(w, b, b_size);
  // Splice threads: a prefix of x's threads, then y's, up to four.
  BinaryInput child;
  size_t keep = 1 + rng.Below(x.program.threads.size());
  child.program.threads.assign(x.program.threads.begin(), x.program.threads.begin() + keep);
  for (const auto& t : y.program.threads)
    if (child.program.threads.size() < kMaxThreads) child.program.threads.push_back(t);
  child.choices = rng.Chance(1, 2) ? x.choices : y.choices;
  child.seed = rng.Chance(1, 2) ? x.seed : y.seed;
  return Emit(child, out, max_out_size);
}

}  // namespace ovlfuzz::engine
