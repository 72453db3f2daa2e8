#include "model/harness/run_once.h"

#include <algorithm>

#include "model/oracle/lock_inversion.h"
#include "model/oracle/oracle.h"
#include "model/oracle/skipped_xattr.h"

namespace ovlfuzz {
namespace {

// Coverage that sees blocking: on every wait, the set of classes all
// currently blocked threads wait for, together with what the new waiter
// holds on top. Reaching two or three simultaneous waiters is progress
// towards a deadlock even when no new lock-order edge appears.
class BlockedObserver : public Oracle {
 public:
  EventMask Interests() const override { return EventBit(EventKind::kBlocked); }
  void OnEvent(const Event& e, const Execution& x) override {
    if (e.kind != EventKind::kBlocked) return;
    const ThreadState& me = x.thread(e.thread);
    uint64_t h = 0x9e3779b97f4a7c15ULL * (1 + static_cast<uint64_t>(e.cls));
    h ^= me.held.empty() ? 0 : static_cast<uint64_t>(me.held.back().cls + 1) << 20;
    int waiting[kMaxThreads], n = 0;
    for (int t = 0; t < x.threads(); ++t)
      if (x.thread(t).status == ThreadState::Status::kBlocked) waiting[n++] = x.thread(t).want_cls;
    std::sort(waiting, waiting + n);
    for (int i = 0; i < n; ++i) h = (h ^ static_cast<uint64_t>(waiting[i] + 1)) * 0x100000001b3ULL;
    features.push_back(static_cast<int64_t>(h >> 2));
  }
  void Collect(const Execution&, std::vector<Finding>*) override {}
  void Reset() { features.clear(); }
  std::vector<int64_t> features;
};

}  // namespace

bool InSerialReference(const World& world, const OpCall& call) {
  const Scheme& s = world.scheme();
  return !s.Contains(call.routine, Opc::kFreezeBegin) && !s.Contains(call.routine, Opc::kThaw);
}

Program SerialReference(const World& world, const Program& program,
                        const std::vector<std::pair<int, int>>& completion_order) {
  Program ref;
  ref.threads.emplace_back();
  for (const auto& [t, op] : completion_order) {
    const OpCall& call = program.threads[t][op];
    if (InSerialReference(world, call)) ref.threads[0].push_back(call);
  }
  if (ref.threads[0].empty()) ref.threads.clear();
  return ref;
}

struct Runner::Parts {
  LockInversionOracle inversion;
  SkippedXattrOracle skipped;
  BlockedObserver blocked;
  std::unique_ptr<FindingCollector> deadlock = MakeDeadlockOracle();
  std::unique_ptr<FindingCollector> missed = MakeFreezeProtectionOracle();
  std::unique_ptr<FindingCollector> faults = MakeRuntimeFaultOracle();
  std::vector<Oracle*> all;
  ExecBuffers run_buffers, reference_buffers;
  Program reference;
};

Runner::Runner() : parts_(std::make_unique<Parts>()) {}
Runner::~Runner() = default;

void Runner::Run(const World& world, const Program& program, Strategy& strategy, const RunLimits& limits,
                 const std::vector<Oracle*>& observers, RunResult* out) {
  if (busy_) {
    Runner inner;
    inner.Run(world, program, strategy, limits, observers, out);
    return;
  }
  busy_ = true;
  struct Done {
    bool& busy;
    ~Done() { busy = false; }
  } done{busy_};
  Parts& p = *parts_;
  p.inversion.Reset();
  p.skipped.Reset();
  p.blocked.Reset();
  p.deadlock->Reset();
  p.missed->Reset();
  p.faults->Reset();
  Oracle* const oracles[] = {&p.inversion, p.deadlock.get(), p.missed.get(), &p.skipped, p.faults.get(), &p.blocked};
  p.all.assign(std::begin(oracles), std::end(oracles));
  p.all.insert(p.all.end(), observers.begin(), observers.end());

  RunResult& r = *out;
  r.findings.clear();
  {
    Execution x(world, program, strategy, p.all, limits, &p.run_buffers);
    x.Run();
    if (p.skipped.skipped_updates() > 0 && x.all_done()) {
      p.reference = SerialReference(world, program, x.completion_order());
      auto serial = MakeRandomStrategy(0);  // one thread: never consulted
      Execution rx(world, p.reference, *serial, {}, limits, &p.reference_buffers);
      rx.Run();
      p.skipped.SetReference(rx.all_flags());
    }
    for (Oracle* o : oracles) o->Collect(x, &r.findings);
    r.schedule.assign(x.schedule().begin(), x.schedule().end());
    r.decision_steps.assign(x.decision_steps().begin(), x.decision_steps().end());
    r.steps = x.steps();
    r.preemptions = x.preemptions();
    r.diverged = x.diverged();
  }
  // Kinds without a lock cycle: the signature already names the root cause.
  for (Finding& f : r.findings)
    if (f.bug.empty()) f.bug = f.signature;
  r.skipped_updates = p.skipped.skipped_updates();
  r.edges.assign(p.inversion.graph().edges().begin(), p.inversion.graph().edges().end());
  r.blocking_features.assign(p.blocked.features.begin(), p.blocked.features.end());
}

RunResult RunOnce(const World& world, const Program& program, Strategy& strategy, const RunLimits& limits,
                  const std::vector<Oracle*>& observers) {
  thread_local Runner runner;
  RunResult r;
  runner.Run(world, program, strategy, limits, observers, &r);
  return r;
}

}  // namespace ovlfuzz
