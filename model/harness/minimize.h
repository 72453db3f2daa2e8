// Minimize: shrink a reproducer's program *and* schedule while replay keeps
// producing the same finding signature (syzkaller's Minimize, predicate
// driven, greedy). Program passes: cut each thread after the op it was in
// when the finding happened; drop whole threads; merge threads; drop ops (from the end,
// then one by one); reset arguments to the smallest values. Schedule: for
// every candidate program the predicate first tries schedules with no
// preemption at all (threads run until they block, in each start order),
// then with one preemption at each step, then the schedule that worked for
// the previous program, then two preemptions (short runs), then PCT/random
// seeds, so the result keeps only the context switches the finding needs. Candidates are
// memoized; a time budget bounds the search and a valid reproducer is
// always returned (at worst the input).
#ifndef OVLFUZZ_MODEL_HARNESS_MINIMIZE_H_
#define OVLFUZZ_MODEL_HARNESS_MINIMIZE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "model/harness/run_once.h"
#include "model/program/repro.h"

namespace ovlfuzz {

struct MinimizeOptions {
  // Seconds since the start; the search stops past max_seconds.
  std::function<double()> elapsed;
  double max_seconds = 30;
  RunLimits limits;
  int random_schedules = 256;  // PCT/random tries per candidate after the others
  // When set, a run must also pass this to count as reproducing (explain:
  // the signature's chain must still close where the splat's does).
  std::function<bool(const RunResult&)> accept;
};

struct ReproSize {
  int threads = 0;
  int ops = 0;
  int64_t steps = 0;
  int64_t preemptions = 0;
  size_t bytes = 0;  // of the text reproducer
};

struct MinimizeResult {
  Repro repro;           // minimized, with the schedule actually taken
  RunResult result;      // its replay
  ReproSize before, after;
  int candidates = 0;    // distinct programs tried
  int64_t runs = 0;
  bool out_of_time = false;
};

// `input` must replay (its recorded schedule) to a finding with `signature`.
MinimizeResult Minimize(const World& world, const Repro& input, const RunResult& input_result,
                        const std::string& signature, const MinimizeOptions& options);

// Minimize() for a program and schedule with no reproducer yet (an
// explorer's finding): replays the schedule, then minimizes. False (and
// *out untouched) when the schedule does not show `signature`.
bool MinimizeSchedule(const World& world, const Program& program, const std::vector<uint8_t>& schedule,
                      const std::string& signature, const MinimizeOptions& options, MinimizeResult* out);

// The shortest binary encoding (binary_codec.h) of a minimized reproducer
// that still replays to `signature`: the program, the shortest prefix of
// its schedule as scheduler choices (the decoder's PRNG, seed 0, picks the
// rest), no magic, then afl-tmin-style byte passes (drop a byte, zero a
// byte; the total decoder reads missing bytes as zero) that keep the
// signature. This is what engines store, so ovlfuzz's output competes with
// afl-tmin and libFuzzer -minimize_crash byte for byte.
std::string ShortestBinary(const World& world, const Repro& repro, const std::string& signature,
                           const RunLimits& limits = {});

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_HARNESS_MINIMIZE_H_
