// Event: one observable step of a run. The executor is the single choke point
// that emits them; oracles consume them (see model/oracle/oracle.h).
#ifndef OVLFUZZ_MODEL_EXEC_EVENT_H_
#define OVLFUZZ_MODEL_EXEC_EVENT_H_

#include <cstdint>
#include <vector>

#include "model/oracle/finding.h"

namespace ovlfuzz {

enum class EventKind : uint8_t {
  kOpBegin,
  kOpEnd,
  kAttempt,     // a blocking acquisition is requested (lockdep's lock_acquire)
  kAcquired,    // the lock is now held (also for successful trylocks)
  kBlocked,     // the attempt has to wait
  kTryFailed,   // a trylock failed; `fallback` says what the scheme does
  kReleased,    // unlock, op-end unwinding, or freeze handing the lock to the sb
  kSkipped,     // a failed trylock skipped a block (with xattr updates in it)
  kModify,      // data written to an inode
  kXattr,       // an xattr set or removed on an inode
  kFrozen,      // freeze_super() completed
  kThawed,      // thaw_super(); `implicit` when the environment thawed it
  kBadUnlock,   // unlock of a lock the thread does not hold
  kSchemeError, // run-time scheme fault (call depth exceeded)
  kThreadDone,
  kStuck,       // nobody can run although somebody is unfinished
  kBudget,      // the step budget ran out
  kEnd,         // the run ended (every thread done or stopped)
};
constexpr int kEventKinds = static_cast<int>(EventKind::kEnd) + 1;

// A set of event kinds: what an oracle reads (Oracle::Interests()).
using EventMask = uint32_t;
constexpr EventMask EventBit(EventKind k) { return EventMask{1} << static_cast<int>(k); }
constexpr EventMask kAllEvents = (EventMask{1} << kEventKinds) - 1;

struct Event {
  EventKind kind = EventKind::kEnd;
  int8_t thread = -1;
  bool read = false;
  bool recursive = false;  // a recursive read (Instr::recursive)
  bool trylock = false;
  bool implicit = false;  // kThawed by the environment; kReleased by unwinding/freeze
  bool failed_op = false; // kOpEnd after an error return
  uint8_t fallback = 0;   // kTryFailed: Fallback value
  int8_t bit = -1;        // kXattr
  bool set = false;       // kXattr: set (true) or remove
  int16_t op_index = -1;  // position of the op in its thread
  int16_t routine = -1;   // routine of the instruction
  int32_t pc = -1;        // instruction index in that routine
  int32_t call_pc = -1;   // inside a sub: the op's `call` instruction (Site::call_pc)
  int32_t step = 0;       // scheduling step (slice) number
  int32_t inst = -1;      // lock instance
  int32_t cls = -1;       // lock class (with subclass)
  int32_t inode = -1;     // kModify / kXattr target; kFrozen/kThawed: superblock
  const std::vector<int8_t>* skipped = nullptr;  // kSkipped: xattr bits
};

// The point of the run an event happened at.
inline Site EventSite(const Event& e) { return {e.thread, e.op_index, e.routine, e.pc, e.step, e.call_pc}; }

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXEC_EVENT_H_
