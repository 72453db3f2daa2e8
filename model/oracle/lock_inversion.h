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

#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/oracle/lock_graph.h"
#include "model/oracle/oracle.h"

namespace ovlfuzz {

// lockdep's check_deadlock(): the held lock of class `cls`, if any. An
// acquisition of a class already held is "possible recursive locking".
inline const HeldLock* HeldOfClass(const std::vector<HeldLock>& held, int cls) {
  for (const HeldLock& h : held)
    if (h.cls == cls) return &h;
  return nullptr;
}

// lockdep's check_deadlock(): a recursive reader may take a class the task
// already holds for reading (read_lock(l) + read_lock(l)).
inline bool RecursionAllowed(const HeldLock& held, bool recursive) { return recursive && held.read; }

// lockdep's check_prevs_add(): the held locks a new acquisition adds a
// dependency from: the most recent one and every trylock above it; older
// locks are connected through the edges they created themselves.
template <typename Fn>
void ForEachDependencySource(const std::vector<HeldLock>& held, Fn&& fn) {
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    if (!it->trylock && it != held.rbegin() && !std::prev(it)->trylock) break;
    fn(*it);
  }
}

class LockInversionOracle : public FindingCollector {
 public:
  void OnEvent(const Event& event, const Execution& x) override;
  EventMask Interests() const override { return EventBit(EventKind::kAttempt); }
  const LockGraph& graph() const { return graph_; }
  // Forgets the run; the names of cycles seen (names_) stay: they depend on
  // the world and the cycle only.
  void Reset() override {
    FindingCollector::Reset();
    graph_.Clear();
  }

 private:
  void Report(std::vector<ChainLink> cycle, const Execution& x);

  // A cycle's bug key and signature, by what they are built from: the kind
  // and each link's classes and op. A buggy scheme closes the same few
  // cycles run after run, and building the names (class names, root cause,
  // canonical rotation) cost more than the rest of the run.
  struct Names {
    std::vector<int> key;
    std::string bug, signature;
  };
  const Names& NamesOf(FindingKind kind, const std::vector<ChainLink>& cycle, const Execution& x);

  LockGraph graph_;
  std::unordered_map<uint64_t, std::vector<Names>> names_;  // by hash of Names::key
  uint64_t names_world_ = 0;  // World::serial() names_ belong to
  std::vector<int> key_;  // scratch
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_LOCK_INVERSION_H_
