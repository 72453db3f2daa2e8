#include "model/oracle/lock_inversion.h"

#include <iterator>

#include "model/exec/execution.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {

namespace {
constexpr size_t kMaxPerRun = 4;

std::string OpName(const Execution& x, const Site& s) {
  if (s.thread < 0 || s.op_index < 0) return "?";
  return x.world().scheme().routines[x.program().threads[s.thread][s.op_index].routine].name;
}
}  // namespace

void LockInversionOracle::OnEvent(const Event& e, const Execution& x) {
  if (e.kind != EventKind::kAttempt) return;
  const ThreadState& th = x.thread(e.thread);
  Site site{e.thread, e.op_index, e.routine, e.pc, e.step};
  // lockdep's check_deadlock(): acquiring a class already held anywhere in
  // the stack is "possible recursive locking" (non-recursive reads
  // included); lockdep then adds no dependencies for this acquisition.
  for (const HeldLock& h : th.held) {
    if (h.cls != e.cls) continue;
    Report({ChainLink{e.cls, h.cls, e.read, site}}, x);
    return;
  }
  // lockdep's check_prevs_add(): a dependency from the most recent held
  // lock, and from every trylock above it; older locks are connected
  // through the edges they created themselves.
  for (auto it = th.held.rbegin(); it != th.held.rend(); ++it) {
    const HeldLock& h = *it;
    if (!h.trylock && it != th.held.rbegin() && !std::prev(it)->trylock) break;
    std::vector<ChainLink> cycle;
    if (graph_.AddEdge(ChainLink{e.cls, h.cls, e.read, site}, &cycle)) Report(std::move(cycle), x);
  }
}

void LockInversionOracle::Report(std::vector<ChainLink> cycle, const Execution& x) {
  if (found_.size() >= kMaxPerRun) return;
  Finding f;
  f.kind = FindingKind::kLockInversion;
  f.site = cycle.front().site;
  std::vector<std::string> elems;
  for (const ChainLink& l : cycle) elems.push_back(x.world().ClassName(l.cls) + "@" + OpName(x, l.site));
  f.signature = CanonicalCycleSignature(f.kind, elems);
  if (cycle.size() == 1) f.signature = "lock-inversion:recursive " + elems.front();
  if (!signatures_.insert(f.signature).second) return;
  f.chain = std::move(cycle);
  for (int t = 0; t < x.threads(); ++t) f.threads.push_back(x.Snapshot(t));
  found_.push_back(std::move(f));
}

void LockInversionOracle::Collect(const Execution&, std::vector<Finding>* out) {
  for (Finding& f : found_) out->push_back(std::move(f));
  found_.clear();
}

}  // namespace ovlfuzz
