// Run-time faults that are findings in their own right: a run that exceeds
// its step budget (`hang`: a livelock can never hang ovlfuzz), an unlock of
// a lock the thread does not hold (lockdep's "bad unlock balance"), and a
// scheme that recurses past the call-depth limit (`scheme-error`).
#include "model/exec/execution.h"
#include "model/oracle/oracle.h"

namespace ovlfuzz {
namespace {

class RuntimeFaultOracle : public FindingCollector {
 public:
  EventMask Interests() const override {
    return EventBit(EventKind::kBudget) | EventBit(EventKind::kBadUnlock) | EventBit(EventKind::kSchemeError);
  }
  void OnEvent(const Event& e, const Execution& x) override {
    FindingKind kind;
    std::string what;
    std::string key;  // signature detail: no instance names or step counts
    const Scheme& s = x.world().scheme();
    switch (e.kind) {
      case EventKind::kBudget:
        kind = FindingKind::kHang;
        what = "step budget of " + std::to_string(e.step) + " steps exhausted";
        key = "budget";
        break;
      case EventKind::kBadUnlock:
        kind = FindingKind::kBadUnlock;
        what = "unlock of " + x.world().InstanceName(e.inst) + " (" + x.world().ClassName(e.cls) +
               ") which the thread does not hold, in " + s.routines[e.routine].name;
        key = x.world().ClassName(e.cls) + " in " + s.routines[e.routine].name;
        break;
      case EventKind::kSchemeError:
        kind = FindingKind::kSchemeError;
        what = "call depth exceeds " + std::to_string(kMaxCallDepth) + " in " + s.routines[e.routine].name;
        key = s.routines[e.routine].name;
        break;
      default:
        return;
    }
    Finding f;
    f.kind = kind;
    f.site = EventSite(e);
    f.signature = std::string(FindingKindName(kind)) + ":" + key;
    f.notes.push_back(what);
    Add(std::move(f), x);
  }
};

}  // namespace

std::unique_ptr<FindingCollector> MakeRuntimeFaultOracle() { return std::make_unique<RuntimeFaultOracle>(); }

}  // namespace ovlfuzz
