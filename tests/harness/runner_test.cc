// Runner keeps its oracles and execution buffers from run to run: a used
// Runner must give exactly what a fresh one gives, and a run the size of an
// earlier one must not allocate in the model.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <sstream>
#include <utility>

#include "model/harness/run_once.h"
#include "tests/test_util.h"

// The allocation count replaces the global operator new, which only a build
// without a sanitizer runtime allows cleanly: TSan defines it itself (a
// second definition does not link) and ASan pairs every new and delete
// variant with its own (a partial replacement is an alloc-dealloc
// mismatch). Whether a run allocates does not depend on the build.
#ifndef OVLFUZZ_SLOW_BUILD
namespace {

std::atomic<long> g_allocations{0};

}  // namespace

// Counts every allocation of the test binary; only read around one run.
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace ovlfuzz {
namespace {

using testing::Builtins;
using testing::ReadSchemeFile;
using testing::WorldFromText;

std::string SiteText(const Site& s) {
  std::ostringstream o;
  o << s.thread << "/" << s.op_index << "/" << s.routine << ":" << s.pc << "@" << s.step << "<" << s.call_pc;
  return o.str();
}

// Everything a run reports, as text: equal texts are equal results.
std::string Fingerprint(const RunResult& r) {
  std::ostringstream o;
  o << "steps " << r.steps << " preemptions " << r.preemptions << " diverged " << r.diverged << " skipped "
    << r.skipped_updates << "\nschedule";
  for (uint8_t t : r.schedule) o << " " << int{t};
  o << "\ndecisions";
  for (int64_t s : r.decision_steps) o << " " << s;
  o << "\nedges";
  for (const ChainLink& l : r.edges)
    o << " " << l.from_cls << ">" << l.cls << (l.read ? "r" : "") << (l.from_read ? "R" : "") << SiteText(l.site);
  o << "\nblocking";
  for (int64_t f : r.blocking_features) o << " " << f;
  for (const Finding& f : r.findings) {
    o << "\nfinding " << FindingKindName(f.kind) << " " << f.signature << " | " << f.bug << " at " << SiteText(f.site)
      << " skipped " << f.skipped_updates;
    for (const ChainLink& l : f.chain) o << "\n  link " << l.from_cls << ">" << l.cls << " " << SiteText(l.site);
    for (int t : f.cycle) o << "\n  cycle " << t;
    for (const std::string& n : f.notes) o << "\n  note " << n;
    for (const ThreadSnapshot& s : f.threads) {
      o << "\n  thread " << s.thread << " done " << s.done << " blocked " << s.blocked << " at " << SiteText(s.at)
        << " waits " << s.wait_inst << "/" << s.wait_cls << "/" << s.wait_read << " for";
      for (int w : s.waits_for) o << " " << w;
      o << " holds";
      for (const HeldLock& h : s.held) o << " " << h.inst << "/" << h.cls << (h.read ? "r" : "") << SiteText(h.site);
    }
  }
  return o.str();
}

Program RandomProgram(const World& w, Rng& rng) {
  Program p;
  const int threads = 1 + static_cast<int>(rng.Below(4));
  for (int t = 0; t < threads; ++t) {
    p.threads.emplace_back();
    const int ops = 1 + static_cast<int>(rng.Below(8));
    for (int k = 0; k < ops; ++k) p.threads.back().push_back(RandomOpCall(w, rng));
  }
  return p;
}

class RunnerReuse : public ::testing::TestWithParam<std::string> {};

// Runs of every size and outcome in a row on one Runner: findings, deadlocks,
// skipped updates (trylock-xattr), more threads after fewer and back.
TEST_P(RunnerReuse, UsedRunnerGivesWhatAFreshOneGives) {
  const World& w = Builtins().Load(GetParam());
  Rng rng(7);
  Runner used;
  int with_findings = 0;
#ifdef OVLFUZZ_SLOW_BUILD
  const int kRuns = 60;
#else
  const int kRuns = 400;
#endif
  for (int i = 0; i < kRuns; ++i) {
    const Program p = RandomProgram(w, rng);
    const uint64_t seed = rng.Next();
    RunResult fresh_result, used_result;
    {
      Runner fresh;
      auto s = MakePctStrategy(seed, 3);
      fresh.Run(w, p, *s, {}, {}, &fresh_result);
    }
    auto s = MakePctStrategy(seed, 3);
    used.Run(w, p, *s, {}, {}, &used_result);
    ASSERT_EQ(Fingerprint(fresh_result), Fingerprint(used_result)) << "run " << i;
    with_findings += !fresh_result.findings.empty();
  }
  if (GetParam() != "mainline") EXPECT_GT(with_findings, 0);
}

INSTANTIATE_TEST_SUITE_P(Builtins, RunnerReuse,
                         ::testing::Values("v5.0", "mainline", "start-write-callback", "s-writers-redirect",
                                           "trylock-xattr"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Records the kind of each event it is handed, in order: what the listener
// table routed to it.
class KindRecorder : public Oracle {
 public:
  explicit KindRecorder(EventMask interests) : interests_(interests) {}
  void OnEvent(const Event& e, const Execution&) override { kinds_ << static_cast<int>(e.kind) << " "; }
  EventMask Interests() const override { return interests_; }
  void set_interests(EventMask interests) { interests_ = interests; }
  void Collect(const Execution&, std::vector<Finding>*) override {}
  std::string Take() { return std::exchange(kinds_, std::ostringstream()).str(); }

 private:
  EventMask interests_;
  std::ostringstream kinds_;
};

// The Runner's execution buffers keep the last run's start state (by world)
// and listener table (by oracles and their interests): switching the world
// (another scheme with other flags and lock instances), the observers or an
// observer's interests between runs must give what a fresh Runner gives.
TEST(Runner, UsedRunnerFollowsWorldAndObserverChanges) {
  const World& builtin = Builtins().Load("v5.0");
  const auto nested = WorldFromText(ReadSchemeFile("docs/examples/nested-overlay.scheme"), "nested-overlay.scheme");
  ASSERT_NE(nested.world->instances(), builtin.instances());
  ASSERT_NE(nested.world->InitialFlags(), builtin.InitialFlags());
  KindRecorder attempts(EventBit(EventKind::kAttempt)), ops(EventBit(EventKind::kOpBegin));
  Rng rng(5);
  Runner used;
  for (int i = 0; i < 60; ++i) {
    const World& w = i % 3 == 0 ? *nested.world : builtin;
    const std::vector<Oracle*> observers =
        i % 4 == 0 ? std::vector<Oracle*>{} : std::vector<Oracle*>{i % 4 == 1 ? &attempts : &ops};
    ops.set_interests(i % 4 == 3 ? EventBit(EventKind::kOpBegin) | EventBit(EventKind::kOpEnd)
                                 : EventBit(EventKind::kOpBegin));
    const Program p = RandomProgram(w, rng);
    const uint64_t seed = rng.Next();
    RunResult fresh_result, used_result;
    std::string fresh_events;
    {
      Runner fresh;
      auto s = MakePctStrategy(seed, 3);
      fresh.Run(w, p, *s, {}, observers, &fresh_result);
      fresh_events = attempts.Take() + "|" + ops.Take();
    }
    auto s = MakePctStrategy(seed, 3);
    used.Run(w, p, *s, {}, observers, &used_result);
    ASSERT_EQ(Fingerprint(fresh_result), Fingerprint(used_result)) << "run " << i;
    ASSERT_EQ(fresh_events, attempts.Take() + "|" + ops.Take()) << "run " << i;
  }
}

#ifndef OVLFUZZ_SLOW_BUILD
// The point of the Runner: once its buffers have grown, a clean run of a
// program no bigger than earlier ones allocates nothing at all (strategy
// and result reused by the caller, as the fuzz loops do).
TEST(Runner, RepeatedCleanRunAllocatesNothing) {
  const World& w = Builtins().Load("mainline");
  Rng rng(3);
  Program p;
  for (int t = 0; t < 3; ++t) {
    p.threads.emplace_back();
    for (int k = 0; k < 8; ++k) p.threads.back().push_back(RandomOpCall(w, rng));
  }
  Runner runner;
  auto strategy = MakePctStrategy(11, 3);
  RunResult r;
  const long first = g_allocations.load();
  runner.Run(w, p, *strategy, {}, {}, &r);
  ASSERT_GT(g_allocations.load() - first, 0);  // the counter sees the buffers grow
  for (int i = 0; i < 2; ++i) runner.Run(w, p, *strategy, {}, {}, &r);
  ASSERT_TRUE(r.findings.empty());
  ASSERT_GT(r.steps, 20);
  const long before = g_allocations.load();
  runner.Run(w, p, *strategy, {}, {}, &r);
  EXPECT_EQ(g_allocations.load() - before, 0);
}
#endif

}  // namespace
}  // namespace ovlfuzz
