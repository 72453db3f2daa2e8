// Missed-trylock-fallback oracle: an op modifies a file system (data or an
// xattr) without holding that file system's freeze protection
// (sb_writers at SB_FREEZE_WRITE, read or write side). The typical cause is
// a `trylock ... else ignore` whose failure let the modification proceed;
// the report names that failed trylock when there was one.

#include "model/exec/execution.h"
#include "model/oracle/oracle.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {
namespace {

class MissedTrylockOracle : public FindingCollector {
 public:
  void OnEvent(const Event& e, const Execution& x) override {
    if (e.kind == EventKind::kOpBegin) last_failed_[e.thread].thread = -1;
    if (e.kind == EventKind::kTryFailed) last_failed_[e.thread] = EventSite(e);
    int need = UnprotectedModification(e, x);
    if (need < 0) return;
    const World& w = x.world();
    int sb = w.InodeSb(e.inode);
    const Scheme& s = w.scheme();
    const Routine& r = s.routines[e.routine];
    std::string effect = e.kind == EventKind::kModify ? "modify" : (e.set ? "setxattr " : "removexattr ") + s.bits[e.bit];
    const std::string& op = x.OpName(e.thread, e.op_index);
    Finding f;
    f.kind = FindingKind::kMissedTrylock;
    f.site = EventSite(e);
    f.signature = std::string(FindingKindName(f.kind)) + ":" + op + "/" + r.name + ": " + effect + " " +
                  s.supers[sb].name + " without " + w.ClassName(w.ClassOf(need, 0));
    f.notes.push_back(effect + " on " + w.InodeName(e.inode) + " without holding " + w.ClassName(w.ClassOf(need, 0)) +
                      " (" + w.InstanceName(need) + ")");
    if (last_failed_[e.thread].thread >= 0) {
      f.notes.push_back("after a failed trylock at " + SchemeSiteName(x, last_failed_[e.thread]) +
                        " whose fallback was not taken");
    }
    Add(std::move(f), x);
  }

 private:
  Site last_failed_[kMaxThreads];  // thread < 0: none in the current op
};

}  // namespace

int UnprotectedModification(const Event& e, const Execution& x) {
  if (e.kind != EventKind::kModify && e.kind != EventKind::kXattr) return -1;
  int need = x.world().SbWriters(x.world().InodeSb(e.inode), 0);
  for (const HeldLock& h : x.thread(e.thread).held)
    if (h.inst == need) return -1;
  return need;
}

std::unique_ptr<Oracle> MakeMissedTrylockOracle() { return std::make_unique<MissedTrylockOracle>(); }

}  // namespace ovlfuzz
