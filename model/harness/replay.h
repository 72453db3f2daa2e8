// Loading and replaying a reproducer in either form: the text .ovl format
// (strict, names its scheme) or the engines' binary input (total decoding,
// needs the scheme from the caller). Used by `ovlfuzz replay` and
// `ovlfuzz convert`.
#ifndef OVLFUZZ_MODEL_HARNESS_REPLAY_H_
#define OVLFUZZ_MODEL_HARNESS_REPLAY_H_

#include <string>

#include "model/harness/run_once.h"
#include "model/program/binary_codec.h"
#include "model/program/repro.h"
#include "model/scheme/scheme_loader.h"

namespace ovlfuzz {

struct Replayable {
  const World* world = nullptr;
  bool binary = false;
  Repro repro;      // text: as parsed; binary: program, scheme ref, seed
  BinaryInput bin;  // binary only
  // Which scheme text replays it, when that is not simply the one the file
  // names (missing or changed scheme, --scheme with other text); empty
  // otherwise. Front ends print it as a note.
  std::string scheme_note;
};

// True when `data` starts like a .ovl file ('#' or "ovlfuzz" after
// whitespace) and not with the binary magic: how LoadReplayable decides.
bool LooksText(const std::string& data);

// Text when the data starts like a .ovl file ('#' or "ovlfuzz"), binary
// otherwise. `scheme` (may be empty) is required for binary input and, for
// text, overrides the scheme the file names (compared by text hash). Without
// it, text replays against the named scheme when that is here unchanged,
// else against the scheme text the file embeds. Throws InputError.
Replayable LoadReplayable(const std::string& data, const std::string& path, const std::string& scheme,
                          SchemeSet& schemes);

// Runs it exactly: text with its recorded schedule (or, when it has none,
// under its strategy line), binary with its choice bytes. Fills
// replayable->repro.schedule with the schedule taken when it had none, so
// it can be written as text. Throws InputError when a
// text schedule does not fit.
RunResult Replay(Replayable* replayable, const std::string& path, const RunLimits& limits,
                 const std::vector<Oracle*>& observers = {});

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_HARNESS_REPLAY_H_
