// Lock-inversion oracle: lockdep's circular-dependency check over lock
// classes within one run.
//
// Read-lock rule (documented in docs/model.md): down_read(), inode_lock_shared()
// and percpu_down_read() (sb_start_write) are lockdep *non-recursive* reads
// (read=1). A queued writer makes such a reader wait, so their dependencies
// are as strong as a writer's: read acquisitions create and close cycles
// exactly like write acquisitions, and re-acquiring a held class is
// "possible recursive locking". Trylocks add no edge but the lock counts as
// held, so a later blocking acquisition under it adds an edge from it.
#ifndef OVLFUZZ_MODEL_ORACLE_LOCK_INVERSION_H_
#define OVLFUZZ_MODEL_ORACLE_LOCK_INVERSION_H_

#include "model/oracle/lock_graph.h"
#include "model/oracle/oracle.h"

namespace ovlfuzz {

class LockInversionOracle : public FindingCollector {
 public:
  void OnEvent(const Event& event, const Execution& x) override;
  const LockGraph& graph() const { return graph_; }

 private:
  void Report(std::vector<ChainLink> cycle, const Execution& x);

  LockGraph graph_;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_LOCK_INVERSION_H_
