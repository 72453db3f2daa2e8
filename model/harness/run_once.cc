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

RunResult RunOnce(const World& world, const Program& program, Strategy& strategy, const RunLimits& limits,
                  const std::vector<Oracle*>& observers) {
  LockInversionOracle inversion;
  SkippedXattrOracle skipped;
  BlockedObserver blocked;
  auto deadlock = MakeDeadlockOracle();
  auto missed = MakeFreezeProtectionOracle();
  auto faults = MakeRuntimeFaultOracle();
  std::vector<Oracle*> oracles = {&inversion, deadlock.get(), missed.get(), &skipped, faults.get(), &blocked};
  std::vector<Oracle*> all = oracles;
  all.insert(all.end(), observers.begin(), observers.end());

  Execution x(world, program, strategy, all, limits);
  x.Run();

  RunResult r;
  if (skipped.skipped_updates() > 0 && x.all_done()) {
    Program ref = SerialReference(world, program, x.completion_order());
    auto serial = MakeRandomStrategy(0);  // one thread: never consulted
    Execution rx(world, ref, *serial, {}, limits);
    rx.Run();
    skipped.SetReference(rx.all_flags());
  }
  for (Oracle* o : oracles) o->Collect(x, &r.findings);
  // Kinds without a lock cycle: the signature already names the root cause.
  for (Finding& f : r.findings)
    if (f.bug.empty()) f.bug = f.signature;
  x.TakeSchedule(&r.schedule, &r.decision_steps);
  r.steps = x.steps();
  r.preemptions = x.preemptions();
  r.diverged = x.diverged();
  r.skipped_updates = skipped.skipped_updates();
  r.edges = inversion.TakeEdges();
  r.blocking_features = std::move(blocked.features);
  return r;
}

}  // namespace ovlfuzz
