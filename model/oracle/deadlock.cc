// Deadlock oracle: nobody can run while somebody is unfinished. The report
// holds every thread's state and the wait-for cycle, in which a freezer
// queued on sb_writers takes part like any other waiter.
#include <algorithm>

#include "model/exec/execution.h"
#include "model/oracle/deadlock.h"
#include "model/oracle/lock_inversion.h"
#include "model/oracle/oracle.h"
#include "model/oracle/root_cause.h"
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

std::vector<int> RealizedLockCycle(const World& world, const std::vector<ThreadSnapshot>& threads,
                                   const std::vector<int>& cycle) {
  if (cycle.empty()) return {};
  // Recursion first, the smallest class name if several threads recurse, so
  // the choice does not depend on thread numbering.
  int recursive = -1;
  for (int t : cycle) {
    const ThreadSnapshot& ts = threads[t];
    if (ts.wait_cls < 0 || !HeldOfClass(ts.held, ts.wait_cls)) continue;
    if (recursive < 0 || world.ClassName(ts.wait_cls) < world.ClassName(recursive)) recursive = ts.wait_cls;
  }
  if (recursive >= 0) return {recursive};
  std::vector<int> walk;
  const size_t n = cycle.size();
  for (size_t i = 0; i < n; ++i) {
    const ThreadSnapshot& ts = threads[cycle[i]];
    const int incoming = threads[cycle[(i + n - 1) % n]].wait_inst;
    auto it = std::find_if(ts.held.begin(), ts.held.end(), [&](const HeldLock& h) { return h.inst == incoming; });
    for (; it != ts.held.end(); ++it)
      if (walk.empty() || walk.back() != it->cls) walk.push_back(it->cls);
    if (walk.empty() || walk.back() != ts.wait_cls) walk.push_back(ts.wait_cls);
  }
  while (walk.size() > 1 && walk.back() == walk.front()) walk.pop_back();
  // Shortest closed part: positions i < j of one class close walk[i..j) and,
  // around the end, walk[j..] + walk[..i).
  size_t best_from = 0, best_len = walk.size();
  for (size_t i = 0; i < walk.size(); ++i)
    for (size_t j = i + 1; j < walk.size(); ++j) {
      if (walk[i] != walk[j]) continue;
      if (j - i < best_len) best_from = i, best_len = j - i;
      if (walk.size() - (j - i) < best_len) best_from = j, best_len = walk.size() - (j - i);
    }
  std::vector<int> out;
  for (size_t k = 0; k < best_len; ++k) out.push_back(walk[(best_from + k) % walk.size()]);
  return out;
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
  const std::vector<int> order = RealizedLockCycle(world, f->threads, f->cycle);
  if (order.empty()) {
    f->bug = BugKey(FindingKind::kDeadlock, classes);
    return;
  }
  std::vector<std::pair<int, int>> edges;  // one class: its recursion, class -> class
  for (size_t i = 0; i < order.size(); ++i) edges.emplace_back(order[i], order[(i + 1) % order.size()]);
  f->bug = RootCauseBugKey(world, order.size() == 1 ? FindingKind::kRecursiveLocking : FindingKind::kLockInversion,
                           edges);
}

namespace {

class DeadlockOracle : public FindingCollector {
 public:
  EventMask Interests() const override { return EventBit(EventKind::kStuck); }
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

std::unique_ptr<FindingCollector> MakeDeadlockOracle() { return std::make_unique<DeadlockOracle>(); }

}  // namespace ovlfuzz
