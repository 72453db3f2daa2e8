// Deadlock oracle: nobody can run while somebody is unfinished. The report
// holds every thread's state and the wait-for cycle, in which a freezer
// queued on sb_writers takes part like any other waiter.
#include <algorithm>

#include "model/exec/execution.h"
#include "model/oracle/deadlock.h"
#include "model/oracle/oracle.h"
#include "model/oracle/signature.h"

namespace ovlfuzz {

std::vector<int> WaitForCycle(const std::vector<ThreadSnapshot>& threads) {
  for (const ThreadSnapshot& start : threads) {
    if (!start.blocked) continue;
    std::vector<int> path;
    int t = start.thread;
    while (t >= 0 && std::find(path.begin(), path.end(), t) == path.end()) {
      path.push_back(t);
      int next = -1;
      for (int w : threads[t].waits_for)
        if (threads[w].blocked) {
          next = w;
          break;
        }
      t = next;
    }
    if (t >= 0) return std::vector<int>(std::find(path.begin(), path.end(), t), path.end());
  }
  return {};
}

void DescribeDeadlock(const World& world, const Program& program, Finding* f) {
  f->cycle = WaitForCycle(f->threads);
  std::vector<std::string> elems, classes;
  for (int t : f->cycle) {
    const ThreadSnapshot& ts = f->threads[t];
    classes.push_back(world.ClassName(ts.wait_cls));
    elems.push_back(std::string(ts.wait_read ? "rlock " : "lock ") + world.ClassName(ts.wait_cls) + "@" +
                    world.scheme().routines[program.threads[t][ts.at.op_index].routine].name);
  }
  f->signature = CanonicalCycleSignature(FindingKind::kDeadlock, elems);
  f->bug = BugKey(FindingKind::kDeadlock, classes);
}

namespace {

class DeadlockOracle : public FindingCollector {
 public:
  void OnEvent(const Event& e, const Execution& x) override {
    if (e.kind != EventKind::kStuck) return;
    Finding f;
    f.kind = FindingKind::kDeadlock;
    f.site.step = e.step;
    f.threads = x.SnapshotAll();
    DescribeDeadlock(x.world(), x.program(), &f);
    Add(std::move(f), x);
  }
};

}  // namespace

std::unique_ptr<Oracle> MakeDeadlockOracle() { return std::make_unique<DeadlockOracle>(); }

}  // namespace ovlfuzz
