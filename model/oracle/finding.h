// Finding: what an oracle reports, in structured form. Text (lockdep shape)
// and JSON renderings live in model/report/.
#ifndef OVLFUZZ_MODEL_ORACLE_FINDING_H_
#define OVLFUZZ_MODEL_ORACLE_FINDING_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ovlfuzz {

enum class FindingKind : uint8_t {
  kLockInversion,
  kDeadlock,
  kMissedTrylock,  // a modification without freeze protection after that protection's trylock failed
  kSkippedXattr,
  kHang,
  kBadUnlock,
  kSchemeError,
  kRecursiveLocking,         // a class acquired again while held (lockdep's recursive report)
  kUnprotectedModification,  // a modification without freeze protection, no failed trylock before it
};

const char* FindingKindName(FindingKind kind);

// A point in the run: which thread, which op of that thread, which scheme
// instruction (routine + pc give the scheme line), at which scheduling step.
struct Site {
  int thread = -1;
  int op_index = -1;
  int routine = -1;
  int pc = -1;
  int step = -1;
  // Inside a sub: the pc of the op's own `call` instruction that led there
  // (the report shows that line too); -1 at op level.
  int call_pc = -1;
};

// One `-> #N` entry of a lockdep chain: `cls` was acquired at `site` while
// `from_cls` was held (the dependency from_cls -> cls).
struct ChainLink {
  int cls = -1;
  int from_cls = -1;
  bool read = false;
  Site site;
  bool recursive = false;  // `cls` taken as a recursive reader
  bool from_read = false;  // `from_cls` held as a reader
};

struct HeldLock {
  int inst = -1;
  int cls = -1;
  bool read = false;
  bool trylock = false;
  Site site;
};

struct ThreadSnapshot {
  int thread = -1;
  bool done = false;
  bool blocked = false;
  Site at;               // current op / instruction
  int wait_inst = -1;    // blocked: the lock instance waited for
  int wait_cls = -1;
  bool wait_read = false;
  std::vector<int> waits_for;  // threads it waits for
  std::vector<HeldLock> held;
};

struct Finding {
  FindingKind kind = FindingKind::kLockInversion;
  Site site;                           // where it was detected
  std::vector<ChainLink> chain;        // lock-inversion: #0 (new lock) .. #n
  std::vector<int> cycle;              // deadlock: threads of the wait-for cycle
  std::vector<ThreadSnapshot> threads; // every thread at the moment of the finding
  std::vector<std::string> notes;      // extra report lines
  std::string signature;               // stable across seeds and numbering
  std::string bug;                     // coarser: the root bug (signature.h)
  int64_t skipped_updates = 0;         // skipped-xattr-update: count in the run
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_FINDING_H_
