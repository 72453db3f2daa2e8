// Splat: a lockdep report ("possible circular locking dependency detected"
// or "possible recursive locking detected") in structured form, as
// ParseSplat() extracts it from dmesg, a console log or a syzbot mail.
#ifndef OVLFUZZ_MODEL_EXPLAIN_SPLAT_H_
#define OVLFUZZ_MODEL_EXPLAIN_SPLAT_H_

#include <string>
#include <string_view>
#include <vector>

namespace ovlfuzz {

// One stack frame: `pipe_lock+0x65/0x80 fs/pipe.c:70` or
// `pipe_lock_nested fs/pipe.c:62 [inline]`.
struct SplatFrame {
  std::string function;  // as printed, without the +0x offset: "print_circular_bug.isra.0.cold"
  std::string location;  // "fs/pipe.c:70"; empty when the report has none
  bool inlined = false;
  int line = 0;  // line of the splat file
  // The C function: compiler suffixes (.isra.0, .cold, .constprop.0) dropped.
  std::string Base() const;
  // Frames of lockdep and the lock primitives themselves (kernel/locking/,
  // lock_acquire, ...): never what a scheme line names.
  bool IsLockingInternal() const;
  std::string Short() const;  // "pipe_lock fs/pipe.c:70"
};

// A lock as a report line shows it: `ffff... (&pipe->mutex/1){+.+.}-{3:3}, at: FRAME`.
struct SplatLock {
  std::string cls;                 // "&pipe->mutex/1"
  std::string usage;               // "{+.+.}" or "{+.+.}-{3:3}"
  std::vector<SplatFrame> frames;  // `at:` frames, or an entry's whole stack
  int line = 0;
};

// `-> #N (class){usage}:` and the stack that created its dependency.
struct SplatEntry {
  int number = 0;
  SplatLock lock;
};

struct ScenarioStep {
  int cpu = 0;       // 0 or 1
  std::string verb;  // "lock", "rlock" or "sync"
  std::string cls;
  int line = 0;
};

enum class SplatKind { kCircular, kRecursive };

// Longest chain ParseSplat() accepts (lockdep's reports stay far below).
constexpr int kMaxSplatClasses = 32;

struct Splat {
  std::string path;
  SplatKind kind = SplatKind::kCircular;
  std::string title;  // "WARNING: possible circular locking dependency detected"
  int header_line = 0;
  std::string kernel;   // "5.5.0-rc3-syzkaller #0 Not tainted"
  std::string task;     // "syz-executor.2/10113"
  SplatLock acquiring;  // "is trying to acquire lock:"
  SplatLock held;       // "but task is already holding lock:"
  // Circular: `-> #n` .. `-> #0` in printed order: entry #k (k >= 1) was
  // acquired while #(k-1) was held; #0 is the lock being acquired, #n the
  // held one, so the new dependency #n -> #0 closes the cycle.
  std::vector<SplatEntry> chain;
  std::vector<std::string> chain_exists;  // "Chain exists of:" source, parent, target
  std::vector<ScenarioStep> scenario;
  std::string held_by;                // "1 lock held by syz-executor.2/10113"
  std::vector<SplatLock> held_locks;  // "#i:" lines, inline frames merged
  std::vector<SplatFrame> backtrace;  // "stack backtrace:" (the acquiring task's stack)
  std::vector<std::string> warnings;  // what the parser skipped or doubted

  const char* KindName() const;  // "circular" / "recursive"
  // The cycle's classes, #0 first (#0 .. #n); recursive: the one class.
  std::vector<std::string> Cycle() const;
  // The entry of class #k of Cycle(), or nullptr (recursive reports).
  const SplatEntry* Entry(int k) const;
  // The stacks that show dependency k of Cycle(): k >= 1 is entry #k's
  // (#k taken while #(k-1) was held); k = 0 is the closing one, #0 taken
  // while #n is held: entry #0's stack, the acquiring line's frames and the
  // backtrace (recursive reports: the last two).
  std::vector<SplatFrame> EdgeFrames(int k) const;
  // Read acquisitions according to the scenario (`rlock(`).
  bool AcquiringRead() const;
  bool HeldRead() const;
};

// Parses the first supported lockdep report in `text`. Throws InputError
// (path, line, col) for a file without one, an unsupported report kind, a
// truncated report or an entry without a lock class.
Splat ParseSplat(std::string_view text, const std::string& path);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_SPLAT_H_
