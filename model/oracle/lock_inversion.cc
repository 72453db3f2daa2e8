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
  if (th.held.empty()) return;
  const Site site = EventSite(e);
  if (const HeldLock* h = HeldOfClass(th.held, e.cls); h && !RecursionAllowed(*h, e.recursive)) {
    Report({ChainLink{e.cls, h->cls, e.read, site, e.recursive, h->read}}, x);  // lockdep adds no edges then
    return;
  }
  ForEachDependencySource(th.held, [&](const HeldLock& h) {
    if (h.cls == e.cls) return;  // read-after-read recursion: no self-dependency
    if (graph_.Known(h.cls, e.cls, DepKindOf(h.read, e.recursive))) return;
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
  const Names& names = NamesOf(f.kind, cycle, x);
  f.bug = names.bug;
  f.signature = names.signature;
  f.chain = std::move(cycle);
  Add(std::move(f), x);
}

const LockInversionOracle::Names& LockInversionOracle::NamesOf(FindingKind kind, const std::vector<ChainLink>& cycle,
                                                               const Execution& x) {
  if (names_world_ != x.world().serial()) {
    names_.clear();
    names_world_ = x.world().serial();
  }
  key_.assign(1, static_cast<int>(kind));
  for (const ChainLink& l : cycle) {
    key_.push_back(l.cls);
    key_.push_back(l.from_cls);
    key_.push_back(x.program().threads[l.site.thread][l.site.op_index].routine);
  }
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int v : key_) h = (h ^ static_cast<uint32_t>(v)) * 0x100000001b3ULL;
  std::vector<Names>& bucket = names_[h];
  for (const Names& n : bucket)
    if (n.key == key_) return n;
  if (names_.size() > 4096) {  // a long session of ever new cycles: start over
    names_.clear();
    return NamesOf(kind, cycle, x);
  }
  std::vector<std::string> elems;
  std::vector<std::pair<int, int>> edges;
  for (const ChainLink& l : cycle) {
    elems.push_back(x.world().ClassName(l.cls) + "@" + x.OpName(l.site.thread, l.site.op_index));
    edges.emplace_back(l.from_cls, l.cls);
  }
  // Named by its root cause (root_cause.h): the signature keeps this cycle.
  bucket.push_back({key_, RootCauseBugKey(x.world(), kind, edges), CanonicalCycleSignature(kind, elems)});
  return bucket.back();
}

}  // namespace ovlfuzz
