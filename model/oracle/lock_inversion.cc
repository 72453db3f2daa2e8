#include "model/oracle/lock_inversion.h"

#include "model/exec/execution.h"
#include "model/oracle/root_cause.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {

namespace {
constexpr size_t kMaxPerRun = 4;
}  // namespace

void LockInversionOracle::OnEvent(const Event& e, const Execution& x) {
  if (e.kind != EventKind::kAttempt) return;
  const ThreadState& th = x.thread(e.thread);
  Site site = EventSite(e);
  if (const HeldLock* h = HeldOfClass(th.held, e.cls); h && !RecursionAllowed(*h, e.recursive)) {
    Report({ChainLink{e.cls, h->cls, e.read, site, e.recursive, h->read}}, x);  // lockdep adds no edges then
    return;
  }
  ForEachDependencySource(th.held, [&](const HeldLock& h) {
    if (h.cls == e.cls) return;  // read-after-read recursion: no self-dependency
    std::vector<ChainLink> cycle;
    if (graph_.AddEdge(ChainLink{e.cls, h.cls, e.read, site, e.recursive, h.read}, &cycle))
      Report(std::move(cycle), x);
  });
}

void LockInversionOracle::Report(std::vector<ChainLink> cycle, const Execution& x) {
  if (count() >= kMaxPerRun) return;
  Finding f;
  f.kind = cycle.size() == 1 ? FindingKind::kRecursiveLocking : FindingKind::kLockInversion;
  f.site = cycle.front().site;
  std::vector<std::string> elems;
  std::vector<std::pair<int, int>> edges;
  for (const ChainLink& l : cycle) {
    elems.push_back(x.world().ClassName(l.cls) + "@" + x.OpName(l.site.thread, l.site.op_index));
    edges.emplace_back(l.from_cls, l.cls);
  }
  // Named by its root cause (root_cause.h): the signature keeps this cycle.
  f.bug = RootCauseBugKey(x.world(), f.kind, edges);
  f.signature = CanonicalCycleSignature(f.kind, elems);
  f.chain = std::move(cycle);
  Add(std::move(f), x);
}

}  // namespace ovlfuzz
