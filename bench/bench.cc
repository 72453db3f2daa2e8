// ovlfuzz_bench: throughput and time-to-finding of the built-in engine,
// printed as ratios against baselines measured in the same run (never a
// timed unit test: machines are shared and noisy). Run through ci/bench.
//
//   fiber-switch    Boost.Context fiber switches/s: the physical limit of a
//                   stackful model thread switch on this machine
//   model steps/s   scheduling steps/s of the interpreter (3 threads x 8 ops),
//                   with every oracle, and (mainline) with none: the floor
//   runs/s          complete runs/s (all oracles on)
//   first finding   v5.0 from an empty corpus: median time to the first
//                   lock-inversion and to the first deadlock, 10 seeds,
//                   random and pct strategies
#include <algorithm>
#include <boost/context/fiber.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/core/input_error.h"
#include "model/exec/execution.h"
#include "model/harness/fuzz_session.h"
#include "model/program/generate.h"
#include "model/scheme/scheme_loader.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double FiberSwitchesPerSecond() {
  namespace ctx = boost::context;
  const long kSwitches = 20'000'000;
  long n = 0;
  ctx::fiber f{[&n](ctx::fiber&& back) {
    for (;;) {
      ++n;
      back = std::move(back).resume();
    }
    return std::move(back);
  }};
  auto t = Clock::now();
  for (long i = 0; i < kSwitches / 2; ++i) f = std::move(f).resume();
  return kSwitches / Since(t);
}

struct Throughput {
  double steps_per_s, runs_per_s;
};

// The programs both throughput rows run: 512 of 3 threads x 8 random ops.
std::vector<ovlfuzz::Program> BenchPrograms(const ovlfuzz::World& w, ovlfuzz::Rng& rng) {
  std::vector<ovlfuzz::Program> programs;
  for (int i = 0; i < 512; ++i) {
    ovlfuzz::Program p;
    for (int t = 0; t < 3; ++t) {
      p.threads.emplace_back();
      for (int k = 0; k < 8; ++k) p.threads.back().push_back(ovlfuzz::RandomOpCall(w, rng));
    }
    programs.push_back(p);
  }
  return programs;
}

// With `oracles` false the interpreter runs alone (Execution with no
// oracle): the floor under model steps/s, whatever the oracles cost.
Throughput ModelThroughput(const ovlfuzz::World& w, bool oracles = true) {
  ovlfuzz::Rng rng(1);
  const std::vector<ovlfuzz::Program> programs = BenchPrograms(w, rng);
  // As the fuzz session runs them: one kept Runner and result, a strategy
  // per run.
  ovlfuzz::Runner runner;
  ovlfuzz::RunResult r;
  ovlfuzz::ExecBuffers buffers;
  long runs = 0, steps = 0;
  auto t = Clock::now();
  while (Since(t) < 3.0) {
    for (const auto& p : programs) {
      auto s = ovlfuzz::MakePctStrategy(rng.Next(), 3);
      if (oracles) {
        runner.Run(w, p, *s, {}, {}, &r);
        steps += r.steps;
      } else {
        ovlfuzz::Execution x(w, p, *s, {}, {}, &buffers);
        x.Run();
        steps += x.steps();
      }
      ++runs;
    }
  }
  double secs = Since(t);
  return {steps / secs, runs / secs};
}

struct FirstFinding {
  double inversion_s = -1, deadlock_s = -1;
};

FirstFinding TimeToFindings(const ovlfuzz::World& w, ovlfuzz::StrategyKind kind, uint64_t seed) {
  FirstFinding r;
  ovlfuzz::FuzzConfig cfg;
  cfg.seed = seed;
  cfg.strategy = kind;
  ovlfuzz::FuzzHooks hooks;
  auto t = Clock::now();
  hooks.on_finding = [&](const ovlfuzz::Finding& f, const ovlfuzz::Repro&, const ovlfuzz::Program&,
                         const ovlfuzz::FuzzStats&) {
    if (f.kind == ovlfuzz::FindingKind::kLockInversion && r.inversion_s < 0) r.inversion_s = Since(t);
    if (f.kind == ovlfuzz::FindingKind::kDeadlock && r.deadlock_s < 0) r.deadlock_s = Since(t);
  };
  hooks.poll_every = 1;
  hooks.should_stop = [&](const ovlfuzz::FuzzStats&) { return (r.inversion_s >= 0 && r.deadlock_s >= 0) || Since(t) > 30; };
  ovlfuzz::FuzzSession(w, "v5.0", cfg, hooks).Run();
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  // ovlfuzz_bench [OUT] [--libfuzzer-exec-per-s X] [--asan-engine-runs-per-s Y]:
  // ci/bench measures the libFuzzer target first and hands its rate in, so
  // the ratio to the built-in engine is taken against runs/s measured in
  // this same run. Y is the built-in engine (`ovlfuzz fuzz`) built with the
  // libFuzzer target's own sanitizer flags: the release engine is 6x faster
  // than any ASan+UBSan build, so only the ratio to Y shows what the
  // libFuzzer lane itself costs.
  std::string out = "bench.json";
  double libfuzzer_exec_per_s = -1, asan_engine_runs_per_s = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--libfuzzer-exec-per-s" && i + 1 < argc) {
      libfuzzer_exec_per_s = std::atof(argv[++i]);
    } else if (a == "--asan-engine-runs-per-s" && i + 1 < argc) {
      asan_engine_runs_per_s = std::atof(argv[++i]);
    } else if (!a.empty() && a[0] != '-') {
      out = a;
    } else {
      std::fprintf(stderr, "ovlfuzz_bench: error: unknown argument %s\n", a.c_str());
      std::fprintf(stderr, "usage: ovlfuzz_bench [OUT] [--libfuzzer-exec-per-s X] [--asan-engine-runs-per-s Y]\n");
      return 2;
    }
  }
  ovlfuzz::SchemeSet schemes([](const std::string& p) -> std::string {
    throw ovlfuzz::InputError(p, 1, 1, "built-in schemes only");
  });
  const ovlfuzz::World& v50 = schemes.Load("v5.0");
  const ovlfuzz::World& mainline = schemes.Load("mainline");

  double fibers = FiberSwitchesPerSecond();
  Throughput tv = ModelThroughput(v50), tm = ModelThroughput(mainline);
  Throughput bare = ModelThroughput(mainline, /*oracles=*/false);
  nlohmann::json j{{"fiber_switches_per_s", fibers},
                   {"v5.0", {{"steps_per_s", tv.steps_per_s}, {"runs_per_s", tv.runs_per_s}}},
                   {"mainline", {{"steps_per_s", tm.steps_per_s}, {"runs_per_s", tm.runs_per_s}}},
                   {"interpreter_alone_mainline_steps_per_s", bare.steps_per_s}};
  std::printf("%-44s %14s %14s\n", "measure", "value", "ratio");
  std::printf("%-44s %14.3g %14s\n", "Boost.Context fiber switches/s (baseline)", fibers, "1");
  std::printf("%-44s %14.3g %13.2fx\n", "model steps/s, v5.0, 3 threads x 8 ops", tv.steps_per_s, tv.steps_per_s / fibers);
  std::printf("%-44s %14.3g %13.2fx\n", "model steps/s, mainline", tm.steps_per_s, tm.steps_per_s / fibers);
  std::printf("%-44s %14s %14s\n", "  (target: >= 0.1x)", "", "");
  std::printf("%-44s %14.3g %13.2fx\n", "  interpreter alone, no oracles, mainline", bare.steps_per_s,
              bare.steps_per_s / fibers);
  std::printf("%-44s %14.0f %14s\n", "runs/s, v5.0 (target >= 50k)", tv.runs_per_s, "");
  std::printf("%-44s %14.0f %14s\n", "runs/s, mainline", tm.runs_per_s, "");
  if (libfuzzer_exec_per_s > 0) {
    const double ratio = libfuzzer_exec_per_s / tm.runs_per_s;
    std::printf("%-44s %14.0f %13.3fx\n", "libFuzzer fuzz_mainline exec/s (ASan+UBSan)", libfuzzer_exec_per_s, ratio);
    std::printf("%-44s %14s %14s\n", "  (ratio: to built-in runs/s, mainline)", "", "(>= 0.3x)");
    j["libfuzzer_exec_per_s"] = libfuzzer_exec_per_s;
    j["libfuzzer_ratio"] = ratio;
  }
  if (asan_engine_runs_per_s > 0) {
    std::printf("%-44s %14.0f %14s\n", "ovlfuzz fuzz runs/s, mainline, ASan+UBSan", asan_engine_runs_per_s, "");
    j["asan_engine_runs_per_s"] = asan_engine_runs_per_s;
    if (libfuzzer_exec_per_s > 0) {
      const double ratio = libfuzzer_exec_per_s / asan_engine_runs_per_s;
      std::printf("%-44s %14s %13.3fx\n", "libFuzzer fuzz_mainline, same sanitizers", "", ratio);
      std::printf("%-44s %14s %14s\n", "  (ratio: to the ASan+UBSan built-in engine)", "", "(>= 0.3x)");
      j["libfuzzer_ratio_same_sanitizer"] = ratio;
    }
  }
  for (auto kind : {ovlfuzz::StrategyKind::kRandom, ovlfuzz::StrategyKind::kPct}) {
    std::vector<double> inv, dl;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      FirstFinding f = TimeToFindings(v50, kind, seed);
      inv.push_back(f.inversion_s);
      dl.push_back(f.deadlock_s);
    }
    std::string name = ovlfuzz::StrategyName(kind);
    double mi = Median(inv), md = Median(dl);
    std::printf("%-44s %13.1fms %14s\n", ("v5.0 first lock-inversion, median, " + name).c_str(), mi * 1e3, "(<= 50 ms)");
    std::printf("%-44s %13.1fms %14s\n", ("v5.0 first deadlock, median, " + name).c_str(), md * 1e3, "(<= 100 ms)");
    j["first_finding_" + name] = {{"lock_inversion_median_s", mi}, {"deadlock_median_s", md},
                                  {"lock_inversion_s", inv}, {"deadlock_s", dl}};
  }
  std::ofstream(out) << j.dump(2) << "\n";
  std::printf("\nwritten: %s\n", out.c_str());
  return 0;
}
