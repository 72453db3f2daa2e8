// Oracle: consumes the executor's event stream and produces findings.
//
// An oracle reads events and, through the const Execution view, the state a
// kernel developer would see in a lockdep splat (held locks, what a thread
// waits for). It never drives the scheduler or changes the model. Adding an
// oracle means adding one file and one member of Runner::Parts
// (model/harness/run_once.cc), reset there before every run.
#ifndef OVLFUZZ_MODEL_ORACLE_ORACLE_H_
#define OVLFUZZ_MODEL_ORACLE_ORACLE_H_

#include <memory>
#include <string>
#include <vector>

#include "model/exec/event.h"
#include "model/oracle/finding.h"

namespace ovlfuzz {

class Execution;

class Oracle {
 public:
  virtual ~Oracle() = default;
  virtual void OnEvent(const Event& event, const Execution& x) = 0;
  // The kinds OnEvent() reads. The executor hands each event only to the
  // oracles that asked for its kind: most read one or two of eighteen, and
  // a virtual call per oracle per event was a fifth of a run's time.
  virtual EventMask Interests() const { return kAllEvents; }
  // Called once after kEnd; appends this run's findings.
  virtual void Collect(const Execution& x, std::vector<Finding>* out) = 0;
};

// Base of the oracles that report findings as they see them: keeps one
// finding per signature per run and snapshots every thread when adding.
class FindingCollector : public Oracle {
 public:
  void Collect(const Execution& x, std::vector<Finding>* out) override;
  // Forgets the last run (RunOnce reuses its oracles run after run);
  // collectors with state of their own extend it.
  virtual void Reset() {
    found_.clear();
    signatures_.clear();
  }

 protected:
  // False (and nothing kept) when the signature was already reported.
  bool Add(Finding f, const Execution& x);
  size_t count() const { return found_.size(); }

 private:
  std::vector<Finding> found_;
  std::vector<std::string> signatures_;
};

// "ovl_copy_up (model/schemes/v5.0.scheme:42)": the routine and scheme line.
std::string SchemeSiteName(const Execution& x, const Site& site);

// The freeze-protection check: a kModify/kXattr event whose thread does not
// hold the modified file system's sb_writers at SB_FREEZE_WRITE. Returns
// that level's lock instance, or -1 when the event is protected.
int UnprotectedModification(const Event& e, const Execution& x);

std::unique_ptr<FindingCollector> MakeDeadlockOracle();
std::unique_ptr<FindingCollector> MakeFreezeProtectionOracle();
std::unique_ptr<FindingCollector> MakeRuntimeFaultOracle();

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_ORACLE_H_
