#include "fuzz/threads_engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "model/exec/lock_state.h"
#include "model/exec/resolve.h"
#include "model/oracle/deadlock.h"
#include "model/world/world.h"

namespace ovlfuzz {
namespace {

using Clock = std::chrono::steady_clock;

// Everything shared between the model threads is guarded by one mutex; a
// thread waiting for a lock sleeps on the condition variable. Lock words
// follow the controlled engine's semantics (a waiting writer blocks new
// readers), so only the scheduling differs.
class ThreadsRun {
 public:
  ThreadsRun(const World& world, const Program& program)
      : world_(world),
        program_(program),
        locks_(InitialLockWords(world)),
        flags_(world.InitialFlags()),
        frozen_(world.supers(), 0),
        threads_(program.threads.size()) {}

  ThreadsRunResult Run(const ThreadsRunOptions& options) {
    std::vector<std::thread> os;
    for (size_t t = 0; t < threads_.size(); ++t) os.emplace_back([this, t] { Main(static_cast<int>(t)); });
    ThreadsRunResult result;
    auto start = Clock::now();
    int64_t last = -1;
    auto last_change = Clock::now();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::unique_lock<std::mutex> lk(mu_);
      if (done_ == static_cast<int>(threads_.size())) break;
      if (steps_ != last) {
        last = steps_;
        last_change = Clock::now();
      }
      auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
      if (ms(Clock::now() - start) > options.max_ms) {
        result.hang = true;
        break;
      }
      if (ms(Clock::now() - last_change) < options.stall_ms) continue;
      if (ThawFrozen()) {  // the environment thaws, as in the controlled engine
        last_change = Clock::now();
        continue;
      }
      if (AllBlockedOrDone()) {
        result.deadlock = true;
        result.finding = Report();
        break;
      }
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      abort_ = true;
      result.steps = steps_;
    }
    cv_.notify_all();
    for (std::thread& t : os) t.join();
    return result;
  }

 private:
  struct Thread {
    int op_index = -1;
    Frame frame;
    bool blocked = false;
    bool done = false;
    int want_inst = -1, want_cls = -1;
    bool want_read = false;
    bool want_recursive = false;
    std::vector<HeldLock> held;
  };

  // Blocks until the lock is free (or the run is aborted). mu_ held.
  bool Acquire(std::unique_lock<std::mutex>& lk, int t, int inst, int cls, bool read, bool recursive, const Frame& f) {
    LockState& l = locks_[inst];
    Thread& th = threads_[t];
    if (!CanAcquire(l, read, recursive)) {
      th.blocked = true;
      th.want_inst = inst, th.want_cls = cls, th.want_read = read, th.want_recursive = recursive;
      if (!read) ++l.writers_waiting;
      cv_.wait(lk, [&] { return abort_ || CanAcquire(l, read, recursive); });
      if (!read) --l.writers_waiting;
      th.blocked = false;
      if (abort_) return false;
    }
    Take(t, inst, cls, read, false, f);
    return true;
  }

  void Take(int t, int inst, int cls, bool read, bool trylock, const Frame& f) {
    TakeLock(locks_[inst], t, read);
    HeldLock h;
    h.inst = inst, h.cls = cls, h.read = read, h.trylock = trylock;
    h.site = {t, threads_[t].op_index, f.routine, f.pc, static_cast<int>(steps_)};
    threads_[t].held.push_back(h);
  }

  void Release(int t, int inst) {
    auto& held = threads_[t].held;
    auto it = std::find_if(held.rbegin(), held.rend(), [&](const HeldLock& h) { return h.inst == inst; });
    if (it == held.rend()) return;
    DropLock(locks_[inst], t, it->read);
    held.erase(std::next(it).base());
    cv_.notify_all();
  }

  // thaw_super(): the levels the superblock holds are released. mu_ held.
  void Thaw(int sb) {
    for (int lvl = 0; lvl < 3; ++lvl) locks_[world_.SbWriters(sb, lvl)].writer = -1;
    frozen_[sb] = 0;
    cv_.notify_all();
  }

  bool ThawFrozen() {
    bool any = false;
    for (int sb = 0; sb < world_.supers(); ++sb) {
      if (!frozen_[sb]) continue;
      Thaw(sb);
      any = true;
    }
    return any;
  }

  bool AllBlockedOrDone() const {
    for (const Thread& th : threads_)
      if (!th.done && !th.blocked) return false;
    return true;
  }

  // The thread's whole program, one instruction at a time under mu_.
  void Main(int t) {
    std::unique_lock<std::mutex> lk(mu_);
    Thread& th = threads_[t];
    const Scheme& s = world_.scheme();
    std::vector<Frame> stack;
    for (th.op_index = 0; th.op_index < static_cast<int>(program_.threads[t].size()) && !abort_; ++th.op_index) {
      const OpCall& call = program_.threads[t][th.op_index];
      Frame f;
      f.routine = call.routine;
      f.thread = static_cast<int8_t>(t);
      for (size_t i = 0; i < s.routines[call.routine].params.size(); ++i)
        f.args[i] = static_cast<uint8_t>(world_.ArgEntity(s.routines[call.routine].params[i], call.args[i]));
      stack.assign(1, f);
      bool failed = false;
      while (!stack.empty() && !abort_ && !failed) {
        Frame& fr = stack.back();
        th.frame = fr;
        const Instr& in = s.routines[fr.routine].code[fr.pc];
        ++steps_;
        switch (in.op) {
          case Opc::kLock: {
            int inst = ResolveLock(world_, fr, in.lock);
            int cls = world_.ClassOf(inst, in.lock.subclass);
            // Let the other threads in between steps: real preemption only.
            lk.unlock();
            std::this_thread::yield();
            lk.lock();
            if (!Acquire(lk, t, inst, cls, in.read, in.recursive, stack.back())) return;
            ++stack.back().pc;
            break;
          }
          case Opc::kTrylock: {
            int inst = ResolveLock(world_, fr, in.lock);
            if (CanAcquire(locks_[inst], in.read, in.recursive)) {
              Take(t, inst, world_.ClassOf(inst, in.lock.subclass), in.read, true, fr);
              ++fr.pc;
            } else if (in.fallback == Fallback::kSkip) {
              fr.pc = in.target;
            } else if (in.fallback == Fallback::kFail) {
              failed = true;
            } else {
              ++fr.pc;
            }
            break;
          }
          case Opc::kMightLock:  // only lockdep's graph sees it
            ++fr.pc;
            break;
          case Opc::kUnlock:
            Release(t, ResolveLock(world_, fr, in.lock));
            ++fr.pc;
            break;
          case Opc::kFreezeBegin:
            if (frozen_[in.sb] || freezing_ == in.sb) {
              fr.pc = in.target;
            } else {
              freezing_ = in.sb;
              ++fr.pc;
            }
            break;
          case Opc::kFreezeEnd:
            for (int lvl = 2; lvl >= 0; --lvl) {
              int inst = world_.SbWriters(in.sb, lvl);
              auto& held = th.held;
              held.erase(std::remove_if(held.begin(), held.end(), [&](const HeldLock& h) { return h.inst == inst; }),
                         held.end());
              locks_[inst].writer = kOwnerSb;
            }
            frozen_[in.sb] = 1;
            freezing_ = -1;
            ++fr.pc;
            break;
          case Opc::kThaw:
            if (frozen_[in.sb]) Thaw(in.sb);
            ++fr.pc;
            break;
          case Opc::kCall: {
            if (stack.size() >= kMaxCallDepth) {
              failed = true;
              break;
            }
            Frame callee;
            callee.routine = static_cast<int16_t>(in.callee);
            callee.thread = fr.thread;
            for (int i = 0; i < in.nargs; ++i) callee.args[i] = static_cast<uint8_t>(RefEntity(world_, fr, in.args[i]));
            ++fr.pc;
            stack.push_back(callee);
            break;
          }
          case Opc::kJumpIfNot:
            fr.pc = EvalCond(world_, flags_, frozen_, fr, in.cond) ? fr.pc + 1 : in.target;
            break;
          case Opc::kJump:
            fr.pc = in.target;
            break;
          case Opc::kSetXattr:
          case Opc::kSetFlag:
            flags_[RefInode(world_, fr, in.ref)] |= uint64_t{1} << in.bit;
            ++fr.pc;
            break;
          case Opc::kRemoveXattr:
          case Opc::kClearFlag:
            flags_[RefInode(world_, fr, in.ref)] &= ~(uint64_t{1} << in.bit);
            ++fr.pc;
            break;
          case Opc::kModify:
            ++fr.pc;
            break;
          case Opc::kReturn:
            stack.pop_back();
            break;
          case Opc::kFail:
            failed = true;
            break;
        }
      }
      while (!th.held.empty()) Release(t, th.held.back().inst);  // op-end unwinding
    }
    th.done = true;
    ++done_;
    cv_.notify_all();
  }

  Finding Report() const {
    Finding f;
    f.kind = FindingKind::kDeadlock;
    for (size_t t = 0; t < threads_.size(); ++t) {
      const Thread& th = threads_[t];
      ThreadSnapshot s;
      s.thread = static_cast<int>(t);
      s.done = th.done;
      s.blocked = th.blocked;
      s.at = {static_cast<int>(t), th.op_index, th.frame.routine, th.frame.pc, static_cast<int>(steps_)};
      s.held = th.held;
      if (th.blocked) {
        s.wait_inst = th.want_inst, s.wait_cls = th.want_cls, s.wait_read = th.want_read;
        const LockState& l = locks_[th.want_inst];
        if (l.writer >= 0) s.waits_for.push_back(l.writer);
        for (int o = 0; o < static_cast<int>(threads_.size()); ++o) {
          if (!th.want_read && l.reader_count[o] > 0) s.waits_for.push_back(o);
          const Thread& w = threads_[o];
          if (th.want_read && !th.want_recursive && o != static_cast<int>(t) && w.blocked && w.want_inst == th.want_inst && !w.want_read)
            s.waits_for.push_back(o);
        }
      }
      f.threads.push_back(s);
    }
    DescribeDeadlock(world_, program_, &f);
    return f;
  }

  const World& world_;
  const Program& program_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<LockState> locks_;
  std::vector<uint64_t> flags_;
  std::vector<uint8_t> frozen_;
  int freezing_ = -1;
  std::vector<Thread> threads_;
  int64_t steps_ = 0;
  int done_ = 0;
  bool abort_ = false;
};

}  // namespace

ThreadsRunResult RunOnThreads(const World& world, const Program& program, const ThreadsRunOptions& options) {
  ThreadsRun run(world, program);
  return run.Run(options);
}

}  // namespace ovlfuzz
