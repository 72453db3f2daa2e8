// Freeze-protection oracle: an op modifies a file system (data or an xattr)
// without holding that file system's freeze protection (sb_writers at
// SB_FREEZE_WRITE, read or write side). Two kinds, because they are two
// different bugs to fix:
//  - missed-trylock-fallback: the op's own trylock of that protection failed
//    and its `else ignore` fallback let the modification go ahead (the
//    trylock-xattr proposal done wrong);
//  - unprotected-modification: no such trylock; the path simply never took
//    the protection (a forgotten file_start_write()/mnt_want_write()).
// The report says who made the trylock fail: the thread that froze the file
// system (freeze_super() holds every level for write), or the freezer
// queued for the write side (percpu_down_write() makes new readers wait).

#include "model/exec/execution.h"
#include "model/oracle/oracle.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {
namespace {

class FreezeProtectionOracle : public FindingCollector {
 public:
  EventMask Interests() const override {
    return EventBit(EventKind::kOpBegin) | EventBit(EventKind::kFrozen) | EventBit(EventKind::kThawed) |
           EventBit(EventKind::kTryFailed) | EventBit(EventKind::kModify) | EventBit(EventKind::kXattr);
  }
  void Reset() override {
    FindingCollector::Reset();
    for (FailedTry& f : failed_) {  // as a kOpBegin does; keeps the string's buffer
      f.site.thread = -1;
      f.blocker.clear();
    }
    for (Freezer& f : froze_) f = Freezer();
  }
  void OnEvent(const Event& e, const Execution& x) override {
    switch (e.kind) {
      case EventKind::kOpBegin: failed_[e.thread].site.thread = -1; return;
      case EventKind::kFrozen: froze_[e.inode] = {e.thread, e.op_index}; return;
      case EventKind::kThawed: froze_[e.inode] = {}; return;
      case EventKind::kTryFailed:
        if (e.fallback == static_cast<uint8_t>(Fallback::kIgnore))
          failed_[e.thread] = {EventSite(e), e.inst, Blocker(e.inst, e.thread, x)};
        return;
      default: break;
    }
    const int need = UnprotectedModification(e, x);
    if (need < 0) return;
    const World& w = x.world();
    const Scheme& s = w.scheme();
    const int sb = w.InodeSb(e.inode);
    const std::string cls = w.ClassName(w.ClassOf(need, 0));
    std::string effect = e.kind == EventKind::kModify ? "modify" : (e.set ? "setxattr " : "removexattr ") + s.bits[e.bit];
    const FailedTry& tried = failed_[e.thread];
    const bool missed = tried.site.thread >= 0 && tried.inst == need;
    Finding f;
    f.kind = missed ? FindingKind::kMissedTrylock : FindingKind::kUnprotectedModification;
    f.site = EventSite(e);
    f.signature = std::string(FindingKindName(f.kind)) + ":" + x.OpName(e.thread, e.op_index) + "/" +
                  s.routines[e.routine].name + ": " + effect + " " + s.supers[sb].name + " without " + cls;
    f.notes.push_back(effect + " on " + w.InodeName(e.inode) + " without holding " + cls + " (" + w.InstanceName(need) +
                      ")");
    if (missed) {
      f.notes.push_back("after the failed trylock at " + SchemeSiteName(x, tried.site) +
                        ", whose fallback let the op go on");
      if (!tried.blocker.empty()) f.notes.push_back("the trylock failed because " + tried.blocker);
    } else {
      f.notes.push_back("no trylock of it failed in this op: the path does not take it here");
    }
    Add(std::move(f), x);
  }

 private:
  struct FailedTry {
    Site site;  // thread < 0: none in the current op
    int inst = -1;
    std::string blocker;
  };

  static std::string Name(int t, int op_index, const Execution& x) {
    return "T" + std::to_string(t) + "/" + x.OpName(t, op_index) + " (op#" + std::to_string(op_index) + ")";
  }

  // Why `inst` could not be taken by `me` now, naming the thread.
  std::string Blocker(int inst, int me, const Execution& x) const {
    const World& w = x.world();
    const LockState& l = x.lock(inst);
    if (l.writer == kOwnerSb) {
      const int sb = w.InstanceObject(inst);
      const Freezer& by = froze_[sb];
      return w.scheme().supers[sb].name + " is frozen" +
             (by.thread < 0 ? std::string() : " by " + Name(by.thread, by.op_index, x) + ", not yet thawed");
    }
    if (l.writer >= 0)
      return Name(l.writer, x.thread(l.writer).op_index, x) + " holds " + w.InstanceName(inst) + " for write";
    for (int t = 0; t < x.threads(); ++t) {
      const ThreadState& th = x.thread(t);
      if (t != me && th.status == ThreadState::Status::kBlocked && th.want_inst == inst && !th.want_read)
        return Name(t, th.op_index, x) + " is waiting to take " + w.InstanceName(inst) +
               " for write (a freeze in progress)";
    }
    if (l.readers > 0) return w.InstanceName(inst) + " is held for read by another thread";
    return "";
  }

  // The op that froze a superblock, kept as numbers: named only in a report.
  struct Freezer {
    int thread = -1;  // -1: not frozen by an op of this run
    int op_index = -1;
  };

  FailedTry failed_[kMaxThreads];
  Freezer froze_[kMaxSupers];  // per superblock, while frozen
};

}  // namespace

int UnprotectedModification(const Event& e, const Execution& x) {
  if (e.kind != EventKind::kModify && e.kind != EventKind::kXattr) return -1;
  int need = x.world().SbWriters(x.world().InodeSb(e.inode), 0);
  for (const HeldLock& h : x.thread(e.thread).held)
    if (h.inst == need) return -1;
  return need;
}

std::unique_ptr<FindingCollector> MakeFreezeProtectionOracle() { return std::make_unique<FreezeProtectionOracle>(); }

}  // namespace ovlfuzz
