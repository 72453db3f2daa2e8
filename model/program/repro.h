// Repro: the human-readable reproducer format (.ovl). It names the scheme
// (built-in name or file path) with the FNV-1a hash of the scheme text it
// was recorded against, the strategy and seed that found it, the program
// (one `thread` line per thread, one op per line) and the schedule actually
// taken (`0 0 1*3 2`: the thread picked at each decision with more than one
// runnable thread, run-length encoded), then the scheme text it ran on
// (embedded_scheme.h), so the file alone replays. Parsing is strict and
// validating: every problem is an InputError with FILE:LINE:COL.
#ifndef OVLFUZZ_MODEL_PROGRAM_REPRO_H_
#define OVLFUZZ_MODEL_PROGRAM_REPRO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/program/embedded_scheme.h"
#include "model/program/program.h"
#include "model/sched/strategy.h"

namespace ovlfuzz {

class World;

struct Repro {
  std::string scheme_ref;    // "v5.0" or a path to a .scheme file
  uint64_t scheme_hash = 0;
  StrategyConfig strategy;   // informational: how it was found
  Program program;
  std::vector<uint8_t> schedule;
  std::vector<std::string> comments;  // leading "# " lines (finding summary)
  // The scheme's text hash differs from the recorded one: the scheme was
  // edited since. Replay then runs against the current text, and a schedule
  // that no longer fits is an error (see Replays()).
  bool scheme_changed = false;
  // The `scheme-text` section, checked against scheme_hash when pinned.
  EmbeddedScheme embedded;
};

// Loads the scheme a reproducer names (`r.scheme_ref`, `r.scheme_hash` and
// `r.embedded` are filled in); throws InputError(file, line, col) with the
// position of the scheme name.
using WorldLoader = std::function<const World&(const Repro& r, int line, int col)>;

Repro ParseRepro(std::string_view text, const std::string& path, const WorldLoader& load,
                 const World** world_out);
// With `embed_scheme`, the scheme text follows the schedule (bug reports);
// without, the file names the scheme only (corpus entries).
std::string FormatRepro(const World& world, const Repro& repro, bool embed_scheme = true);

// True when a replay took exactly the recorded schedule.
bool ScheduleFits(const Repro& repro, bool diverged, const std::vector<uint8_t>& taken);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_PROGRAM_REPRO_H_
