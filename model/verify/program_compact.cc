#include "model/verify/program_compact.h"

#include <algorithm>

#include "model/harness/run_once.h"
#include "model/oracle/oracle.h"

namespace ovlfuzz {
namespace {

// The thread that ran each step (steps are numbered from 1 in events).
class StepTrace : public Oracle {
 public:
  void OnEvent(const Event& e, const Execution&) override {
    if (e.thread < 0 || e.step <= 0) return;
    if (static_cast<size_t>(e.step) > trace.size()) trace.resize(e.step, -1);
    trace[e.step - 1] = e.thread;
  }
  void Collect(const Execution&, std::vector<Finding>*) override {}
  std::vector<int> trace;
};

// Runs the thread the trace names for each step.
class TraceStrategy : public Strategy {
 public:
  explicit TraceStrategy(std::vector<int> trace) : trace_(std::move(trace)) {}
  void Begin(int, int64_t) override {}
  int Pick(const std::vector<int>& runnable, int64_t step) override {
    if (step < static_cast<int64_t>(trace_.size()) &&
        std::find(runnable.begin(), runnable.end(), trace_[step]) != runnable.end())
      return trace_[step];
    return runnable[0];
  }

 private:
  std::vector<int> trace_;
};

}  // namespace

void CompactFinding(const World& world, const RunLimits& limits, VerifyFinding* f) {
  std::vector<int> renamed(f->program.threads.size(), -1);
  Program compact;
  for (size_t t = 0; t < f->program.threads.size(); ++t) {
    if (f->program.threads[t].empty()) continue;
    renamed[t] = static_cast<int>(compact.threads.size());
    compact.threads.push_back(f->program.threads[t]);
  }
  if (compact.threads.size() == f->program.threads.size()) return;
  StepTrace trace;
  auto replay = MakeReplayStrategy(f->schedule);
  RunOnce(world, f->program, *replay, limits, {&trace});
  std::vector<int> kept;
  for (int t : trace.trace)
    if (t >= 0 && renamed[t] >= 0) kept.push_back(renamed[t]);
  TraceStrategy follow(kept);
  RunResult r = RunOnce(world, compact, follow, limits);
  for (Finding& g : r.findings) {
    if (g.signature != f->finding.signature) continue;
    f->steps = FindingStep(g, r.steps);
    f->finding = std::move(g);
    f->program = std::move(compact);
    f->schedule = r.schedule;
    return;
  }
}

}  // namespace ovlfuzz
