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
  // lockdep's check_prevs_add(): a dependency from the most recent held
  // lock, and from every trylock above it; older locks are connected
  // through the edges they created themselves.
  for (auto it = th.held.rbegin(); it != th.held.rend(); ++it) {
    const HeldLock& h = *it;
    if (!h.trylock && it != th.held.rbegin() && !std::prev(it)->trylock) break;
    ChainLink link{e.cls, h.cls, e.read, site};
    std::vector<ChainLink> cycle;
    if (!graph_.AddEdge(link, &cycle) || found_.size() >= kMaxPerRun) continue;
    Finding f;
    f.kind = FindingKind::kLockInversion;
    f.site = site;
    f.chain = cycle;
    std::vector<std::string> elems;
    for (const ChainLink& l : cycle) elems.push_back(x.world().ClassName(l.cls) + "@" + OpName(x, l.site));
    f.signature = CanonicalCycleSignature(f.kind, elems);
    if (!signatures_.insert(f.signature).second) continue;
    for (int t = 0; t < x.threads(); ++t) f.threads.push_back(x.Snapshot(t));
    found_.push_back(std::move(f));
  }
}

void LockInversionOracle::Collect(const Execution&, std::vector<Finding>* out) {
  for (Finding& f : found_) out->push_back(std::move(f));
  found_.clear();
}

}  // namespace ovlfuzz
