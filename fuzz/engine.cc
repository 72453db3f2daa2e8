#include "fuzz/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

#include "fuzz/sha1.h"
#include "model/core/input_error.h"
#include "model/harness/minimize.h"
#include "model/harness/run_once.h"
#include "model/program/binary_codec.h"
#include "model/program/generate.h"
#include "model/report/text_report.h"
#include "model/scheme/scheme_loader.h"

#ifndef OVLFUZZ_FUZZ_SCHEME
#error "build each target with -DOVLFUZZ_FUZZ_SCHEME=\"<built-in scheme>\""
#endif

// libFuzzer's extra counters: coverage that sees concurrency. Each
// lock-order dependency (held class -> acquired class, per op kind) and
// each blocking state gets a counter, so inputs that reach a new lock order
// or a new "who waits for whom" are kept even when code coverage is flat.
// On clang 14 the array must be non-static and `used` to be picked up.
extern "C" {
__attribute__((used, section("__libfuzzer_extra_counters"))) uint8_t ovlfuzz_extra_counters[1 << 16];
}

namespace ovlfuzz::engine {

namespace {

constexpr GenLimits kEngineLimits{4, 8};
std::string g_artifact_prefix = "./";
double g_minimize_seconds = -1;  // < 0: crash minimization off

void Bump(uint64_t h) {
  uint8_t& c = ovlfuzz_extra_counters[(h * 0x9e3779b97f4a7c15ULL) >> 48];
  if (c != 0xff) ++c;
}

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

void SetArtifactPrefix(const std::string& prefix) { g_artifact_prefix = prefix; }

void RunInput(const uint8_t* data, size_t size) {
  const World& w = TargetWorld();
  BinaryInput in = DecodeBinary(w, data, size);
  auto strategy = MakeByteStrategy(in.choices, in.seed);
  // Kept from input to input, so a run allocates little (run_once.h): ASan's
  // allocator was a third of a sanitized run.
  thread_local Runner runner;
  thread_local RunResult r;
  runner.Run(w, in.program, *strategy, {}, {}, &r);
  for (const ChainLink& l : r.edges) {
    int op = in.program.threads[l.site.thread][l.site.op_index].routine;
    Bump((static_cast<uint64_t>(l.from_cls) << 40) ^ (static_cast<uint64_t>(l.cls) << 20) ^ static_cast<uint64_t>(op));
  }
  // Each blocking state counts once per run, as the built-in engine counts
  // it (FuzzSession keeps a set): how often one run revisits a state is not
  // progress, yet libFuzzer made each count bucket a feature of its own
  // and kept inputs that differed only in it.
  std::sort(r.blocking_features.begin(), r.blocking_features.end());
  r.blocking_features.erase(std::unique(r.blocking_features.begin(), r.blocking_features.end()),
                            r.blocking_features.end());
  for (int64_t f : r.blocking_features) Bump(static_cast<uint64_t>(f));
  if (r.findings.empty()) return;

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
