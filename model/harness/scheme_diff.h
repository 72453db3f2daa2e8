// SchemeDiff: what a locking patch changes. Runs two schemes on the same
// programs (generated from one seeded generator, or every program within
// verify bounds) and compares their bugs (Finding::bug: kind plus the lock
// classes of the cycle, so one root cause closed by several ops counts
// once). For each bug on only one side it keeps a minimized reproducer and
// checks it on the other side by exploring every schedule of that program
// there: "replays clean on A in all N schedules" is shown, not assumed. A
// bug the other side shows with the same program is moved to "both" (the
// search had missed it there).
#ifndef OVLFUZZ_MODEL_HARNESS_SCHEME_DIFF_H_
#define OVLFUZZ_MODEL_HARNESS_SCHEME_DIFF_H_

#include <functional>
#include <string>
#include <vector>

#include "model/program/generate.h"
#include "model/sched/strategy.h"
#include "model/verify/explorer.h"

namespace ovlfuzz {

struct DiffOptions {
  // Fuzzing mode (verify_a == nullptr): programs from GenerateProgram on
  // scheme A, restricted to ops both schemes have; both run under the same
  // strategy and seed. Stops after max_runs (> 0) or when should_stop().
  uint64_t seed = 1;
  GenLimits gen;
  StrategyConfig strategy;
  int64_t max_runs = 0;
  std::function<bool(int64_t runs)> should_stop;
  // Verify mode: exhaustive within these bounds (one per scheme: the op
  // lists name each scheme's own routines).
  const VerifyOptions* verify_a = nullptr;
  const VerifyOptions* verify_b = nullptr;
  RunLimits limits;
  // Seconds since the start, for the minimizer and the other-side check.
  std::function<double()> elapsed;
  double check_seconds = 20;  // budget of each other-side exhaustive check
};

enum class DiffSide { kOnlyA, kOnlyB, kBoth };

struct DiffBug {
  std::string bug;
  DiffSide side = DiffSide::kBoth;
  std::vector<std::string> signatures[2];  // seen under A, under B
  // kOnlyA / kOnlyB: the reproducer on the side that shows the bug...
  VerifyFinding repro;
  // ...and every schedule of its program on the other side.
  VerifyStats other;
  bool other_clean = false;
};

struct DiffResult {
  std::vector<DiffBug> bugs;  // only-A first, then only-B, then both
  int64_t runs = 0;           // fuzzing mode: programs run on each side
  VerifyStats verified[2];    // verify mode
};

DiffResult DiffSchemes(const World& a, const World& b, const DiffOptions& options);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_HARNESS_SCHEME_DIFF_H_
