// Deadlock oracle: nobody can run while somebody is unfinished. The report
// holds every thread's state and the wait-for cycle, in which a freezer
// queued on sb_writers takes part like any other waiter.
#include <algorithm>

#include "model/exec/execution.h"
#include "model/oracle/oracle.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {
namespace {

class DeadlockOracle : public FindingCollector {
 public:
  void OnEvent(const Event& e, const Execution& x) override {
    if (e.kind != EventKind::kStuck) return;
    Finding f;
    f.kind = FindingKind::kDeadlock;
    f.site.step = e.step;
    std::vector<ThreadSnapshot> threads = x.SnapshotAll();
    f.cycle = FindCycle(threads);
    std::vector<std::string> elems;
    for (int t : f.cycle) {
      const ThreadSnapshot& ts = threads[t];
      elems.push_back(std::string(ts.wait_read ? "rlock " : "lock ") + x.world().ClassName(ts.wait_cls) + "@" +
                      x.OpName(t, ts.at.op_index));
    }
    f.signature = CanonicalCycleSignature(f.kind, elems);
    Add(std::move(f), x);
  }

 private:
  // Follows wait-for edges from each blocked thread until a thread repeats.
  static std::vector<int> FindCycle(const std::vector<ThreadSnapshot>& threads) {
    for (const ThreadSnapshot& start : threads) {
      if (!start.blocked) continue;
      std::vector<int> path;
      int t = start.thread;
      while (t >= 0 && std::find(path.begin(), path.end(), t) == path.end()) {
        path.push_back(t);
        const ThreadSnapshot& ts = threads[t];
        int next = -1;
        for (int w : ts.waits_for)
          if (threads[w].blocked) { next = w; break; }
        t = next;
      }
      if (t >= 0) return std::vector<int>(std::find(path.begin(), path.end(), t), path.end());
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<Oracle> MakeDeadlockOracle() { return std::make_unique<DeadlockOracle>(); }

}  // namespace ovlfuzz
