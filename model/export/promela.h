// Promela export (`ovlfuzz export --format promela`): the state space
// `verify` explores, as a model SPIN can check, so that SPIN's
// invalid-end-state search is an independent check of ovlfuzz's deadlocks
// and the two tools can be timed on the same model (docs/verify.md).
//
// The model is generated from the compiled scheme and the world, not written
// by hand: every op call `verify` may choose (model/verify/calls.h) is
// flattened, with its arguments, into a control-flow graph whose locations
// are (call frames, held locks). What corresponds:
//  - one scheduling step = one SPIN atomic step: a location that performs
//    an acquisition (lock, trylock, a freeze level) is the entry of an
//    `atomic` block (a goto to an entry ends the previous atomic sequence);
//    everything up to the next acquisition runs inside it (gotos to
//    locations in the middle of an atomic block keep atomicity);
//  - a blocked thread is a process waiting inside its step's atomic block
//    on the acquisition guard, a queued writer counted in `ww`, which new
//    non-recursive readers wait behind (the writer-preferring percpu rwsem);
//  - trylock fails exactly when a blocking attempt would wait, and takes
//    the scheme's fallback (skip, fail, ignore);
//  - freeze marks the superblock as being frozen (-EBUSY otherwise), takes
//    the three levels for writing as three steps, then hands them to the
//    superblock; thaw releases them; an `env` process thaws every frozen
//    superblock on SPIN's `timeout` (nobody else can move), as the
//    executor does when no thread is runnable;
//  - locks held at op end are released, in reverse order, in the same step;
//  - at an op boundary a process picks its next call or stops, up to K
//    calls, in the same step (inside the atomic block), like verify's open
//    threads; the first step picks the first call and performs its first
//    acquisition.
// Conditions on state bits no reachable code writes are constants; bits no
// condition reads are not state at all. Lockdep maps, might_lock and
// modifications change no lock or flag state and disappear.
#ifndef OVLFUZZ_MODEL_EXPORT_PROMELA_H_
#define OVLFUZZ_MODEL_EXPORT_PROMELA_H_

#include <string>

#include "model/verify/explorer.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct PromelaInfo {
  std::string bounds;   // one line, e.g. verify's DescribeBounds()
  std::string command;  // the command that produced the model, for the header
};

// The Promela text for up to o.threads threads x o.ops calls with o's op and
// argument restrictions (o.preemptions, o.fixed_program and the search
// options are not part of a Promela model and must be unset). Deterministic:
// the same world, options and info give the same bytes.
std::string ExportPromela(const World& world, const VerifyOptions& o, const PromelaInfo& info);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPORT_PROMELA_H_
