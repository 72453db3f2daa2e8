// ShortestSchedule: breadth-first search over the schedules of one fixed
// program, so the reported schedule of a finding has the fewest steps.
// Each new state's prefix is replayed with the real oracles under a step
// budget equal to its length, which asks "does the finding happen within
// this prefix?" exactly as `replay` would see it.
#include <deque>

#include "model/harness/run_once.h"
#include "model/verify/explorer.h"
#include "model/verify/state_key.h"
#include "model/verify/visited_set.h"

namespace ovlfuzz {

bool ShortestSchedule(const World& world, const Program& program, const std::string& signature,
                      const RunLimits& limits, int64_t max_states, VerifyFinding* out) {
  RunLimits quiet = limits;
  quiet.tsan = false;
  auto none = MakeReplayStrategy({});
  Execution x(world, program, *none, {}, quiet);
  std::deque<ExecState> queue;
  VisitedSet visited;
  ExecState s;
  x.Save(&s);
  queue.push_back(s);
  int64_t states = 0;
  std::vector<int> runnable;
  while (!queue.empty() && states < max_states) {
    x.Restore(queue.front());
    queue.pop_front();
    RunLimits upto = limits;
    upto.max_steps = x.steps();
    auto prefix = MakeReplayStrategy(x.schedule());
    if (ShowsSignature(RunOnce(world, program, *prefix, upto), signature)) {
      auto full = MakeReplayStrategy(x.schedule());
      RunResult r = RunOnce(world, program, *full, limits);
      for (Finding& f : r.findings) {
        if (f.signature != signature) continue;
        out->finding = std::move(f);
        out->program = program;
        out->schedule = r.schedule;
        out->steps = x.steps();  // where the finding shows, not where the run ends
        return true;
      }
    }
    if (!x.NextRunnable(&runnable) || x.steps() >= limits.max_steps) continue;
    ExecState here;
    x.Save(&here);
    for (int t : runnable) {
      x.Restore(here);
      x.Step(t, runnable);
      bool inserted;
      visited.Find(MakeStateKey(x, /*symmetric=*/false, /*with_last=*/false, 0).hash, 0, &inserted);
      if (!inserted) continue;
      ++states;
      x.Save(&s);
      queue.push_back(std::move(s));
    }
  }
  return false;
}

}  // namespace ovlfuzz
