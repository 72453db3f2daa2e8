// Execution: runs one Program of one scheme under a Strategy.
//
// Model threads are explicit interpreter states (op index, call frames,
// held locks), not OS threads or stackful fibers: a context switch is a
// change of index, blocking is a status, and the whole model state is a
// small value. All model state changes go through Step() -> RunSlice(),
// which emits Events to the oracles (folly DeterministicSchedule's choke
// point). A slice runs one thread until it has performed one acquisition
// (lock, trylock or a freeze level) and reached the next one; every
// acquisition is therefore one scheduling point.
//
// Semantics (kernel behaviour mirrored, see docs/model.md):
//  - mutex: exclusive; re-acquiring a held mutex waits forever.
//  - rwsem and percpu rwsem levels: readers share; a writer excludes all;
//    a *waiting* writer blocks new readers (percpu_down_read() after
//    rcu_sync_enter() in percpu_down_write()).
//  - trylock never waits; it fails whenever a blocking attempt would wait.
//  - freeze: write-locks the levels in order, then hands them to the
//    superblock (lockdep_sb_freeze_release); thaw releases them. If nobody
//    can run while a superblock is frozen, the environment thaws it (an
//    administrator's `fsfreeze -u`), so only a *waiting* freezer deadlocks.
//  - locks still held when an op returns are released in reverse order
//    (the error-path unwinding every kernel op performs).
#ifndef OVLFUZZ_MODEL_EXEC_EXECUTION_H_
#define OVLFUZZ_MODEL_EXEC_EXECUTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/exec/event.h"
#include "model/exec/footprint.h"
#include "model/exec/lock_state.h"
#include "model/exec/resolve.h"
#include "model/oracle/finding.h"
#include "model/oracle/oracle.h"
#include "model/program/program.h"
#include "model/sched/strategy.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct ThreadState {
  enum class Status : uint8_t { kReady, kBlocked, kDone };
  Status status = Status::kReady;
  int op_index = -1;
  int depth = 0;
  Frame frames[kMaxCallDepth];
  // frames[depth - 1]'s routine in compiled form (World::Code()): the
  // dispatch loop's one load before the instruction.
  const CompiledInstr* code = nullptr;
  std::vector<HeldLock> held;
  // While blocked: what it waits for.
  int want_inst = -1;
  int want_cls = -1;
  bool want_read = false;
  bool want_recursive = false;
  // Explorer only: an open thread that reaches the end of its ops parks
  // (mid-step) instead of finishing, so the next op can be chosen then.
  bool open = false;
  bool parked = false;
  bool parked_acquired = false;  // the parked step already took its acquisition
};

struct RunLimits {
  int64_t max_steps = 10000;  // slices; past it the run is reported as a hang
  // tsan builds: annotate model locks and threads for TSan. The explorer
  // turns it off, since rewinding state would confuse TSan's view.
  bool tsan = true;
};

// The mutable state of a run as a value. Execution keeps it in one member,
// so what the explorer (model/verify) saves before a step and restores, to
// backtrack or to jump between branches, is that member. The schedule so far
// is part of it; the completion order is kept by length only (Save() fills
// completed_len; restores must go back to an ancestor).
struct ExecState {
  std::vector<ThreadState> threads;
  std::vector<LockState> locks;
  std::vector<uint64_t> flags;
  std::vector<uint8_t> frozen;
  std::vector<int8_t> freezing;
  int64_t step = 0;
  int64_t preemptions = 0;
  int last_thread = -1;
  std::vector<uint8_t> schedule;
  std::vector<int64_t> decision_steps;
  size_t completed_len = 0;
};

// What one Execution leaves to the next when runs come one after another
// (RunOnce): its vectors with their capacity, so that after a few runs a run
// of similar size allocates nothing. The vectors' contents mean nothing;
// the caches at the end say what they were built for.
struct ExecBuffers {
  ExecState state;
  std::vector<std::pair<int, int>> completed;
  std::vector<int> runnable;
  // Kept for the next run with the same oracles or world (every run of a
  // session): the listener table built for `listeners_of` with their
  // `interests_of`, and the world's start state (lock words, flags).
  // Rebuilding them was a tenth of a run of 3 x 1 ops.
  std::vector<Oracle*> listeners_of, listeners;
  std::vector<EventMask> interests_of;
  int listen_begin[kEventKinds + 1] = {};
  uint64_t start_world = 0;  // World::serial() of start_locks/start_flags; 0: none
  std::vector<LockState> start_locks;
  std::vector<uint64_t> start_flags;
};

// PCT's k for a program: an upper bound on its scheduling steps (the sum of
// the ops' maximal acquisition counts), handed to Strategy::Begin().
int64_t StepsHint(const World& world, const Program& program);

class Execution {
 public:
  // `buffers`, when given, lends its vectors for the run and gets them back
  // when the execution is destroyed.
  Execution(const World& world, const Program& program, Strategy& strategy, const std::vector<Oracle*>& oracles,
            RunLimits limits = {}, ExecBuffers* buffers = nullptr);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs to the end (all done, stuck, or out of budget).
  void Run();

  // ---- single steps, for systematic exploration (model/verify) ----
  // Fills `runnable` with the threads that can take a step. When none can,
  // thaws superblocks nobody can thaw (as Run() does) and retries; returns
  // false, after emitting kStuck if somebody is unfinished, when still none.
  bool NextRunnable(std::vector<int>* runnable);
  // Thread `t`, one of `runnable`, runs one slice. A choice among several
  // runnable threads is recorded in schedule() and counted for preemptions.
  void Step(int t, const std::vector<int>& runnable);
  void Save(ExecState* s) const;
  void Restore(const ExecState& s);
  // Opens or closes thread `t` (see ThreadState::open). Closing a parked
  // thread and Continue() finishes it.
  void set_open(int t, bool open) { st_.threads[t].open = open; }
  // Resumes the step thread `t` parked in, after the explorer appended an op
  // to the program (or closed the thread). Part of the same step: no new
  // scheduling decision, footprint accumulates.
  void Continue(int t);
  // Flags every inode starts with (default: the scheme's `init` lines).
  void set_flags(const std::vector<uint64_t>& flags) { st_.flags = flags; }
  // When set, each Step() clears it and records the step's accesses.
  void set_footprint(Footprint* fp) { footprint_ = fp; }

  // ---- read-only view for oracles and reports ----
  const World& world() const { return world_; }
  const Program& program() const { return program_; }
  int threads() const { return static_cast<int>(st_.threads.size()); }
  const ThreadState& thread(int t) const { return st_.threads[t]; }
  const LockState& lock(int inst) const { return st_.locks[inst]; }
  uint64_t flags(int inode) const { return st_.flags[inode]; }
  const std::vector<uint64_t>& all_flags() const { return st_.flags; }
  bool frozen(int sb) const { return st_.frozen[sb] != 0; }
  int freezing(int sb) const { return st_.freezing[sb]; }  // thread freezing it, or -1
  int64_t steps() const { return st_.step; }
  // Switches away from a thread that could have kept running.
  int64_t preemptions() const { return st_.preemptions; }
  int last_thread() const { return st_.last_thread; }
  const std::vector<uint8_t>& schedule() const { return st_.schedule; }
  // The step at which each schedule() decision was taken.
  const std::vector<int64_t>& decision_steps() const { return st_.decision_steps; }
  // (thread, op_index) in the order ops completed.
  const std::vector<std::pair<int, int>>& completion_order() const { return completed_; }
  bool all_done() const;
  bool diverged() const { return strategy_.Diverged(); }
  Site SiteOf(int t) const;
  // Threads that `t` (blocked) waits for: holders of its lock and, for a
  // reader, the writers queued ahead of it.
  std::vector<int> WaitsFor(int t) const;
  ThreadSnapshot Snapshot(int t) const;
  std::vector<ThreadSnapshot> SnapshotAll() const;
  // Name of the scheme op a thread's op_index-th op calls ("splice_to_ovl").
  const std::string& OpName(int thread, int op_index) const;
  // Name of the op a site belongs to, e.g. "splice_to_ovl p0 f1".
  std::string OpText(int thread, int op_index) const;

 private:
  // Sets thread t's status and the masks NextRunnable() reads.
  void SetStatus(int t, ThreadState::Status status) {
    st_.threads[t].status = status;
    const uint32_t bit = 1u << t;
    ready_ = status == ThreadState::Status::kReady ? ready_ | bit : ready_ & ~bit;
    blocked_ = status == ThreadState::Status::kBlocked ? blocked_ | bit : blocked_ & ~bit;
  }
  void RecomputeStatusMasks();
  void RunSlice(int t, bool acquired = false);
  void StartOp(int t);
  void EndOp(int t, bool failed);
  void Acquire(int t, int inst, int cls, bool read, bool trylock, const Frame& f);
  bool Release(int t, int inst, bool implicit);
  void AcquireMap(int t, Frame& f, const CompiledInstr& in);
  // lockdep's lock_acquire() for `in`: the kAttempt event the inversion
  // oracle adds dependencies on.
  Event EmitAttempt(int t, const Frame& f, const CompiledInstr& in);
  // The lock instance `in` (at f.pc) names in frame `f`.
  int LockOf(const Frame& f, const CompiledInstr& in) const {
    if (in.flags & kCiGeneralLock) return ResolveLock(f, scheme_.routines[f.routine].code[f.pc].lock);
    return world_.Affine(in, f.args);
  }
  // A kCiSimpleCond condition; like EvalCond(), it records the inode it
  // read in the explorer's footprint.
  bool SimpleCond(const Frame& f, const CompiledInstr& in) const {
    const int inode = world_.Affine(in, f.args);
    if (footprint_) footprint_->inodes_read |= Footprint::Bit(inode);
    const bool has = (st_.flags[inode] >> in.small) & 1;
    return has != ((in.flags & kCiCondLacks) != 0);
  }
  const Instr& FullInstr(const Frame& f) const { return scheme_.routines[f.routine].code[f.pc]; }
  bool ThawStuckSupers();
  void Touch(int inst, bool exclusive) {
    if (footprint_) footprint_->Lock(inst, exclusive);
  }
  void ThawSuper(int sb, bool implicit);
  bool EvalCond(const Frame& f, int cond) const;
  int Entity(const Frame& f, const Ref& ref) const;
  int Inode(const Frame& f, const Ref& ref) const;
  int ResolveLock(const Frame& f, const LockRef& lr) const;
  void Emit(const Event& e) {
    for (int i = listen_begin_[static_cast<int>(e.kind)]; i < listen_begin_[static_cast<int>(e.kind) + 1]; ++i)
      listeners_[i]->OnEvent(e, *this);
  }
  // Whether any oracle reads `kind`: events nobody reads are not built.
  bool Wants(EventKind kind) const {
    return listen_begin_[static_cast<int>(kind)] != listen_begin_[static_cast<int>(kind) + 1];
  }
  Event MakeEvent(EventKind kind, int t) const;
  // An event about lock instance `inst` (class `cls`, read or write).
  Event MakeLockEvent(EventKind kind, int t, int inst, int cls, bool read) const;

  const World& world_;
  const Scheme& scheme_;
  const Program& program_;
  Strategy& strategy_;
  // The oracles grouped by the event kinds they read: kind k's readers are
  // listeners_[listen_begin_[k] .. listen_begin_[k+1]), in oracle order.
  std::vector<Oracle*> listeners_;
  int listen_begin_[kEventKinds + 1] = {};
  RunLimits limits_;

  ExecState st_;  // everything Save()/Restore() move, in one value
  // Bit t: thread t is ready / blocked (derived from st_, kept by SetStatus):
  // NextRunnable() then only looks at blocked threads' locks.
  uint32_t ready_ = 0, blocked_ = 0;
  std::vector<std::pair<int, int>> completed_;
  std::vector<int> runnable_;  // Run()'s scratch
  ExecBuffers* buffers_ = nullptr;
  Footprint* footprint_ = nullptr;
  bool tsan_ = false;          // annotating for TSan (tsan build and limits_.tsan)
  std::vector<void*> fibers_;  // TSan fibers (tsan build only)
  // TSan mutexes, one per (lock instance, lockdep subclass): a subclass is
  // the kernel's statement that an order between instances of one class is
  // safe (lock_rename()'s /1 and /5 parents), so TSan, which sees
  // instances, must see it too (tsan build only).
  std::vector<char> tsan_mutexes_;
  void* TsanMutex(int inst, int cls);
  void ReleaseTsanState();
  void* main_fiber_ = nullptr;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXEC_EXECUTION_H_
