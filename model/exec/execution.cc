#include "model/exec/execution.h"

#include <algorithm>

#include "model/exec/resolve.h"
#include "model/exec/tsan_bridge.h"
#include "model/oracle/oracle.h"

namespace ovlfuzz {

Execution::Execution(const World& world, const Program& program, Strategy& strategy,
                     const std::vector<Oracle*>& oracles, RunLimits limits, ExecBuffers* buffers)
    : world_(world),
      scheme_(world.scheme()),
      program_(program),
      strategy_(strategy),
      limits_(limits),
      buffers_(buffers),
      tsan_(tsan::kEnabled && limits.tsan) {
  if (buffers_) {
    st_ = std::move(buffers_->state);
    completed_ = std::move(buffers_->completed);
    runnable_ = std::move(buffers_->runnable);
    completed_.clear();
    st_.schedule.clear();
    st_.decision_steps.clear();
    st_.step = st_.preemptions = 0;
    st_.last_thread = -1;
    st_.completed_len = 0;
  }
  // The listener table is a function of the oracles and their interests:
  // when both are the last run's (every run of a session), it is reused.
  bool reuse = buffers_ && buffers_->listeners_of == oracles;
  for (size_t i = 0; reuse && i < oracles.size(); ++i) reuse = oracles[i]->Interests() == buffers_->interests_of[i];
  if (reuse) {
    listeners_ = std::move(buffers_->listeners);
    std::copy(std::begin(buffers_->listen_begin), std::end(buffers_->listen_begin), listen_begin_);
  } else {
    std::vector<EventMask> interests;
    for (Oracle* o : oracles) interests.push_back(o->Interests());
    for (int k = 0; k < kEventKinds; ++k) {
      listen_begin_[k] = static_cast<int>(listeners_.size());
      for (size_t i = 0; i < oracles.size(); ++i)
        if (interests[i] & EventBit(static_cast<EventKind>(k))) listeners_.push_back(oracles[i]);
    }
    listen_begin_[kEventKinds] = static_cast<int>(listeners_.size());
    if (buffers_) {
      buffers_->listeners_of = oracles;
      buffers_->interests_of = std::move(interests);
    }
  }
  // A reused thread keeps the capacity of its held-locks vector.
  st_.threads.resize(program.threads.size());
  for (ThreadState& th : st_.threads) {
    std::vector<HeldLock> held = std::move(th.held);
    held.clear();
    th = ThreadState();
    th.held = std::move(held);
  }
  // Room for what a run usually holds and records, so the vectors do not
  // grow step by step (allocation was a tenth of a run).
  size_t ops = 0;
  for (ThreadState& th : st_.threads) th.held.reserve(8);
  for (const auto& t : program.threads) ops += t.size();
  completed_.reserve(ops);
  if (buffers_) {
    if (buffers_->start_world != world.serial()) {
      ResetLockWords(world, &buffers_->start_locks);
      world.InitialFlags(&buffers_->start_flags);
      buffers_->start_world = world.serial();
    }
    st_.locks = buffers_->start_locks;
    st_.flags = buffers_->start_flags;
  } else {
    ResetLockWords(world, &st_.locks);
    world.InitialFlags(&st_.flags);
  }
  st_.frozen.assign(world.supers(), 0);
  st_.freezing.assign(world.supers(), -1);
  RecomputeStatusMasks();
  if (tsan_) {
    main_fiber_ = tsan::CurrentFiber();
    for (size_t t = 0; t < st_.threads.size(); ++t) {
      fibers_.push_back(tsan::CreateFiber());
      static const char* const kNames[] = {"model-T0", "model-T1", "model-T2", "model-T3",
                                           "model-T4", "model-T5", "model-T6", "model-T7"};
      static_assert(sizeof(kNames) / sizeof(kNames[0]) == kMaxThreads);
      tsan::NameFiber(fibers_.back(), kNames[t]);
    }
    tsan_mutexes_.resize(st_.locks.size() * (kMaxSubclass + 1));
    for (char& m : tsan_mutexes_) tsan::MutexCreate(&m);
  }
}

void* Execution::TsanMutex(int inst, int cls) {
  if (!tsan_) return nullptr;
  for (int sub = 0; sub <= kMaxSubclass; ++sub)
    if (world_.ClassOf(inst, sub) == cls) return &tsan_mutexes_[inst * (kMaxSubclass + 1) + sub];
  return &tsan_mutexes_[inst * (kMaxSubclass + 1)];
}

Execution::~Execution() {
  if (tsan_) ReleaseTsanState();
  if (buffers_) {
    buffers_->state = std::move(st_);
    buffers_->listeners = std::move(listeners_);
    std::copy(std::begin(listen_begin_), std::end(listen_begin_), buffers_->listen_begin);
    buffers_->completed = std::move(completed_);
    buffers_->runnable = std::move(runnable_);
  }
}

void Execution::ReleaseTsanState() {
  // Release what is still held (deadlocked or hung runs) on the owner's
  // fiber so TSan does not see a locked mutex destroyed.
  for (size_t t = 0; t < st_.threads.size(); ++t) {
    if (st_.threads[t].held.empty()) continue;
    tsan::SwitchTo(fibers_[t]);
    for (auto it = st_.threads[t].held.rbegin(); it != st_.threads[t].held.rend(); ++it)
      tsan::Unlock(TsanMutex(it->inst, it->cls), it->read);
  }
  tsan::SwitchTo(main_fiber_);
  for (char& m : tsan_mutexes_) tsan::MutexDestroy(&m);
  for (void* f : fibers_) tsan::DestroyFiber(f);
}

bool Execution::all_done() const { return ready_ == 0 && blocked_ == 0; }

void Execution::RecomputeStatusMasks() {
  ready_ = blocked_ = 0;
  for (int t = 0; t < threads(); ++t) SetStatus(t, st_.threads[t].status);
}

int64_t StepsHint(const World& world, const Program& program) {
  int64_t hint = 0;
  for (const auto& ops : program.threads)
    for (const OpCall& c : ops) hint += world.scheme().routines[c.routine].max_acquisitions;
  return hint;
}

void Execution::Run() {
  const int64_t hint = StepsHint(world_, program_);
  strategy_.Begin(threads(), hint);
  st_.schedule.reserve(static_cast<size_t>(std::min<int64_t>(hint, limits_.max_steps)));
  st_.decision_steps.reserve(st_.schedule.capacity());
  runnable_.reserve(threads());
  while (NextRunnable(&runnable_)) {
    if (st_.step >= limits_.max_steps) {
      Emit(MakeEvent(EventKind::kBudget, -1));
      break;
    }
    Step(runnable_.size() > 1 ? strategy_.Pick(runnable_, st_.step) : runnable_[0], runnable_);
  }
  Emit(MakeEvent(EventKind::kEnd, -1));
}

bool Execution::NextRunnable(std::vector<int>* runnable) {
  for (;;) {
    uint32_t mask = ready_;
    for (uint32_t b = blocked_; b; b &= b - 1) {
      // A blocked writer is counted in writers_waiting; that must not hold it up.
      const ThreadState& th = st_.threads[__builtin_ctz(b)];
      if (CanAcquire(st_.locks[th.want_inst], th.want_read, th.want_recursive)) mask |= b & -b;
    }
    runnable->clear();
    for (; mask; mask &= mask - 1) runnable->push_back(__builtin_ctz(mask));
    if (!runnable->empty()) return true;
    if (ThawStuckSupers()) continue;
    if (!all_done()) Emit(MakeEvent(EventKind::kStuck, -1));
    return false;
  }
}

void Execution::Step(int t, const std::vector<int>& runnable) {
  if (runnable.size() > 1) {
    st_.schedule.push_back(static_cast<uint8_t>(t));
    st_.decision_steps.push_back(st_.step);
    if (t != st_.last_thread && std::find(runnable.begin(), runnable.end(), st_.last_thread) != runnable.end())
      ++st_.preemptions;
  }
  st_.last_thread = t;
  ++st_.step;
  if (footprint_) footprint_->Clear();
  if (tsan_) tsan::SwitchTo(fibers_[t]);
  RunSlice(t);
  if (tsan_) tsan::SwitchTo(main_fiber_);
}

void Execution::Save(ExecState* s) const {
  *s = st_;
  s->completed_len = completed_.size();
}

void Execution::Restore(const ExecState& s) {
  st_ = s;
  completed_.resize(s.completed_len);
  RecomputeStatusMasks();
}

Event Execution::MakeLockEvent(EventKind kind, int t, int inst, int cls, bool read) const {
  Event e = MakeEvent(kind, t);
  e.inst = inst;
  e.cls = cls;
  e.read = read;
  return e;
}

Event Execution::MakeEvent(EventKind kind, int t) const {
  Event e;
  e.kind = kind;
  e.thread = static_cast<int8_t>(t);
  e.step = static_cast<int32_t>(st_.step);
  if (t >= 0) {
    const ThreadState& th = st_.threads[t];
    e.op_index = static_cast<int16_t>(th.op_index);
    if (th.depth > 0) {
      e.routine = th.frames[th.depth - 1].routine;
      e.pc = th.frames[th.depth - 1].pc;
      if (th.depth > 1) e.call_pc = th.frames[0].pc - 1;
    }
  }
  return e;
}

void Execution::StartOp(int t) {
  ThreadState& th = st_.threads[t];
  ++th.op_index;
  const OpCall& call = program_.threads[t][th.op_index];
  const Routine& r = scheme_.routines[call.routine];
  Frame& f = th.frames[0];
  f.routine = call.routine;
  f.pc = 0;
  f.thread = static_cast<int8_t>(t);
  for (size_t i = 0; i < r.params.size(); ++i)
    f.args[i] = static_cast<uint8_t>(world_.ArgEntity(r.params[i], call.args[i]));
  th.depth = 1;
  th.code = world_.Code(call.routine);
  if (Wants(EventKind::kOpBegin)) Emit(MakeEvent(EventKind::kOpBegin, t));
}

void Execution::EndOp(int t, bool failed) {
  ThreadState& th = st_.threads[t];
  while (!th.held.empty()) Release(t, th.held.back().inst, /*implicit=*/true);
  th.depth = 0;
  if (Wants(EventKind::kOpEnd)) {
    Event e = MakeEvent(EventKind::kOpEnd, t);
    e.failed_op = failed;
    Emit(e);
  }
  completed_.emplace_back(t, th.op_index);
}

int Execution::Entity(const Frame& f, const Ref& ref) const { return RefEntity(world_, f, ref); }
int Execution::Inode(const Frame& f, const Ref& ref) const { return RefInode(world_, f, ref); }
int Execution::ResolveLock(const Frame& f, const LockRef& lr) const { return ovlfuzz::ResolveLock(world_, f, lr); }
bool Execution::EvalCond(const Frame& f, int cond) const {
  return ovlfuzz::EvalCond(world_, st_.flags, st_.frozen, f, cond, footprint_);
}

void Execution::Acquire(int t, int inst, int cls, bool read, bool trylock, const Frame& f) {
  TakeLock(st_.locks[inst], t, read);
  HeldLock h;
  h.inst = inst;
  h.cls = cls;
  h.read = read;
  h.trylock = trylock;
  const ThreadState& th = st_.threads[t];
  h.site = {t, th.op_index, f.routine, f.pc, static_cast<int>(st_.step), th.depth > 1 ? th.frames[0].pc - 1 : -1};
  st_.threads[t].held.push_back(h);
  if (!Wants(EventKind::kAcquired)) return;
  Event e = MakeLockEvent(EventKind::kAcquired, t, inst, cls, read);
  e.trylock = trylock;
  Emit(e);
}

// lock_map_acquire(): held and ordered like a lock but never blocking, so
// not a scheduling point either, and invisible to the other threads.
void Execution::AcquireMap(int t, Frame& f, const CompiledInstr& in) {
  const Event e = EmitAttempt(t, f, in);
  Acquire(t, e.inst, e.cls, e.read, false, f);
  ++f.pc;
}

Event Execution::EmitAttempt(int t, const Frame& f, const CompiledInstr& in) {
  Event e = MakeEvent(EventKind::kAttempt, t);
  e.inst = LockOf(f, in);
  e.cls = world_.ClassOf(e.inst, in.subclass);
  e.read = in.flags & kCiRead;
  e.recursive = in.flags & kCiRecursive;
  Emit(e);
  return e;
}

bool Execution::Release(int t, int inst, bool implicit) {
  std::vector<HeldLock>& held = st_.threads[t].held;
  auto it = std::find_if(held.rbegin(), held.rend(), [&](const HeldLock& h) { return h.inst == inst; });
  if (it == held.rend()) return false;
  HeldLock h = *it;
  held.erase(std::next(it).base());
  LockState& s = st_.locks[inst];
  if (!s.map) {
    Touch(inst, !h.read);
    DropLock(s, t, h.read);
    tsan::Unlock(TsanMutex(inst, h.cls), h.read);
  }
  if (!Wants(EventKind::kReleased)) return true;
  Event e = MakeLockEvent(EventKind::kReleased, t, inst, h.cls, h.read);
  e.implicit = implicit;
  Emit(e);
  return true;
}

void Execution::ThawSuper(int sb, bool implicit) {
  for (int lvl = 2; lvl >= 0; --lvl) {
    st_.locks[world_.SbWriters(sb, lvl)].writer = -1;
    Touch(world_.SbWriters(sb, lvl), true);
  }
  st_.frozen[sb] = 0;
  if (footprint_) footprint_->supers_written |= Footprint::Bit(sb);
  Event e = MakeEvent(EventKind::kThawed, -1);
  e.inode = sb;
  e.implicit = implicit;
  Emit(e);
}

bool Execution::ThawStuckSupers() {
  bool any = false;
  for (int sb = 0; sb < world_.supers(); ++sb) {
    if (st_.frozen[sb]) {
      ThawSuper(sb, /*implicit=*/true);
      any = true;
    }
  }
  return any;
}

void Execution::Continue(int t) {
  ThreadState& th = st_.threads[t];
  th.parked = false;
  if (tsan_) tsan::SwitchTo(fibers_[t]);
  RunSlice(t, th.parked_acquired);
  if (tsan_) tsan::SwitchTo(main_fiber_);
}

void Execution::RunSlice(int t, bool acquired) {
  ThreadState& th = st_.threads[t];
  for (;;) {
    if (th.depth == 0) {
      if (th.op_index + 1 >= static_cast<int>(program_.threads[t].size())) {
        if (th.open) {
          th.parked = true;
          th.parked_acquired = acquired;
          return;
        }
        SetStatus(t, ThreadState::Status::kDone);
        if (Wants(EventKind::kThreadDone)) Emit(MakeEvent(EventKind::kThreadDone, t));
        return;
      }
      StartOp(t);
    }
    Frame& f = th.frames[th.depth - 1];
    const CompiledInstr& in = th.code[f.pc];
    if (in.flags & kCiSchedPoint) {
      if (acquired) return;  // park at the next scheduling point
      acquired = true;
    }
    const bool read = in.flags & kCiRead, recursive = in.flags & kCiRecursive;
    switch (in.op) {
      case Opc::kMightLock:
        // might_lock(): lockdep sees an acquisition and a release at once;
        // nothing is held, nothing waits, no scheduling point.
        EmitAttempt(t, f, in);
        ++f.pc;
        break;
      case Opc::kLock: {
        if (in.flags & kCiMap) {
          AcquireMap(t, f, in);
          break;
        }
        int inst = LockOf(f, in);
        int cls = world_.ClassOf(inst, in.subclass);
        LockState& s = st_.locks[inst];
        Touch(inst, !read);
        bool was_blocked = th.status == ThreadState::Status::kBlocked;
        if (!was_blocked) {
          if (Wants(EventKind::kAttempt)) {
            Event e = MakeLockEvent(EventKind::kAttempt, t, inst, cls, read);
            e.recursive = recursive;
            Emit(e);
          }
          tsan::Attempt(TsanMutex(inst, cls), read);
        }
        if (!CanAcquire(s, read, recursive)) {
          SetStatus(t, ThreadState::Status::kBlocked);
          th.want_inst = inst;
          th.want_cls = cls;
          th.want_read = read;
          th.want_recursive = recursive;
          if (!read) ++s.writers_waiting;
          Emit(MakeLockEvent(EventKind::kBlocked, t, inst, cls, read));
          return;
        }
        if (was_blocked && !read) --s.writers_waiting;
        if (was_blocked) SetStatus(t, ThreadState::Status::kReady);
        th.want_inst = -1;
        tsan::Acquired(TsanMutex(inst, cls), read);
        Acquire(t, inst, cls, read, false, f);
        ++f.pc;
        break;
      }
      case Opc::kTrylock: {  // never on a map (the parser refuses it)
        int inst = LockOf(f, in);
        int cls = world_.ClassOf(inst, in.subclass);
        LockState& s = st_.locks[inst];
        Touch(inst, !read);
        if (CanAcquire(s, read, recursive)) {
          tsan::TryLock(TsanMutex(inst, cls), read, true);
          Acquire(t, inst, cls, read, true, f);
          ++f.pc;
          break;
        }
        tsan::TryLock(TsanMutex(inst, cls), read, false);
        Event e = MakeLockEvent(EventKind::kTryFailed, t, inst, cls, read);
        e.fallback = static_cast<uint8_t>(in.fallback);
        Emit(e);
        if (in.fallback == Fallback::kSkip) {
          Event sk = MakeEvent(EventKind::kSkipped, t);
          sk.skipped = &FullInstr(f).skipped_xattrs;
          sk.inst = inst;
          sk.cls = cls;  // the class whose trylock failed: the skip's root cause
          Emit(sk);
          f.pc = in.target;
        } else if (in.fallback == Fallback::kFail) {
          EndOp(t, /*failed=*/true);
        } else {
          ++f.pc;
        }
        break;
      }
      case Opc::kUnlock: {
        int inst = LockOf(f, in);
        if (!Release(t, inst, false)) {
          Emit(MakeLockEvent(EventKind::kBadUnlock, t, inst, world_.ClassOf(inst, in.subclass), false));
        }
        ++f.pc;
        break;
      }
      case Opc::kFreezeBegin:
        if (footprint_) footprint_->supers_read |= Footprint::Bit(in.small);
        if (st_.frozen[in.small] || st_.freezing[in.small] >= 0) {
          f.pc = in.target;  // freeze_super(): -EBUSY
        } else {
          st_.freezing[in.small] = static_cast<int8_t>(t);
          if (footprint_) footprint_->supers_written |= Footprint::Bit(in.small);
          ++f.pc;
        }
        break;
      case Opc::kFreezeEnd: {
        // lockdep_sb_freeze_release(): the levels stay write-locked but
        // belong to the superblock, not to this task, from now on.
        for (int lvl = 2; lvl >= 0; --lvl) {
          int inst = world_.SbWriters(in.small, lvl);
          Release(t, inst, /*implicit=*/true);
          st_.locks[inst].writer = kOwnerSb;
          Touch(inst, true);
        }
        if (footprint_) footprint_->supers_written |= Footprint::Bit(in.small);
        st_.frozen[in.small] = 1;
        st_.freezing[in.small] = -1;
        Event e = MakeEvent(EventKind::kFrozen, t);
        e.inode = in.small;
        Emit(e);
        ++f.pc;
        break;
      }
      case Opc::kThaw:
        if (footprint_) footprint_->supers_read |= Footprint::Bit(in.small);
        if (st_.frozen[in.small]) ThawSuper(in.small, /*implicit=*/false);
        ++f.pc;
        break;
      case Opc::kCall: {
        if (th.depth >= kMaxCallDepth) {
          Emit(MakeEvent(EventKind::kSchemeError, t));
          EndOp(t, /*failed=*/true);
          break;
        }
        const Instr& call = FullInstr(f);
        Frame callee;
        callee.routine = static_cast<int16_t>(in.aux);
        callee.pc = 0;
        callee.thread = f.thread;
        for (int i = 0; i < call.nargs; ++i) callee.args[i] = static_cast<uint8_t>(Entity(f, call.args[i]));
        ++f.pc;
        th.frames[th.depth++] = callee;
        th.code = world_.Code(in.aux);
        break;
      }
      case Opc::kJumpIfNot:
        f.pc = (in.flags & kCiSimpleCond ? SimpleCond(f, in) : EvalCond(f, FullInstr(f).cond)) ? f.pc + 1 : in.target;
        break;
      case Opc::kJump:
        f.pc = in.target;
        break;
      case Opc::kSetXattr:
      case Opc::kRemoveXattr: {
        int inode = Inode(f, FullInstr(f).ref);
        bool set = in.op == Opc::kSetXattr;
        if (footprint_) footprint_->inodes_written |= Footprint::Bit(inode);
        if (set)
          st_.flags[inode] |= uint64_t{1} << in.small;
        else
          st_.flags[inode] &= ~(uint64_t{1} << in.small);
        Event e = MakeEvent(EventKind::kXattr, t);
        e.inode = inode;
        e.bit = in.small;
        e.set = set;
        Emit(e);
        ++f.pc;
        break;
      }
      case Opc::kSetFlag:
      case Opc::kClearFlag: {
        const int inode = Inode(f, FullInstr(f).ref);
        if (footprint_) footprint_->inodes_written |= Footprint::Bit(inode);
        if (in.op == Opc::kSetFlag)
          st_.flags[inode] |= uint64_t{1} << in.small;
        else
          st_.flags[inode] &= ~(uint64_t{1} << in.small);
        ++f.pc;
        break;
      }
      case Opc::kModify: {
        Event e = MakeEvent(EventKind::kModify, t);
        e.inode = Inode(f, FullInstr(f).ref);
        Emit(e);
        ++f.pc;
        break;
      }
      case Opc::kReturn:
        if (--th.depth == 0) {
          ++th.depth;  // EndOp's events still name this op's last instruction
          EndOp(t, false);
        } else {
          th.code = world_.Code(th.frames[th.depth - 1].routine);
        }
        break;
      case Opc::kFail:
        EndOp(t, /*failed=*/true);
        break;
    }
  }
}

Site Execution::SiteOf(int t) const {
  const ThreadState& th = st_.threads[t];
  Site s;
  s.thread = t;
  s.op_index = th.op_index;
  s.step = static_cast<int>(st_.step);
  if (th.depth > 0) {
    s.routine = th.frames[th.depth - 1].routine;
    s.pc = th.frames[th.depth - 1].pc;
    if (th.depth > 1) s.call_pc = th.frames[0].pc - 1;
  }
  return s;
}

std::vector<int> Execution::WaitsFor(int t) const {
  std::vector<int> out;
  const ThreadState& th = st_.threads[t];
  if (th.status != ThreadState::Status::kBlocked) return out;
  const LockState& s = st_.locks[th.want_inst];
  if (s.writer >= 0) out.push_back(s.writer);
  // A writer waits for every reader, itself included (a nested read).
  for (int o = 0; o < threads() && !th.want_read; ++o)
    if (s.reader_count[o] > 0) out.push_back(o);
  if (th.want_read && !th.want_recursive && s.writers_waiting > 0) {
    for (int o = 0; o < threads(); ++o) {
      const ThreadState& w = st_.threads[o];
      if (o != t && w.status == ThreadState::Status::kBlocked && w.want_inst == th.want_inst && !w.want_read)
        out.push_back(o);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ThreadSnapshot Execution::Snapshot(int t) const {
  const ThreadState& th = st_.threads[t];
  ThreadSnapshot s;
  s.thread = t;
  s.done = th.status == ThreadState::Status::kDone;
  s.blocked = th.status == ThreadState::Status::kBlocked;
  s.at = SiteOf(t);
  if (s.blocked) {
    s.wait_inst = th.want_inst;
    s.wait_cls = th.want_cls;
    s.wait_read = th.want_read;
    s.waits_for = WaitsFor(t);
  }
  s.held = th.held;
  return s;
}

std::vector<ThreadSnapshot> Execution::SnapshotAll() const {
  std::vector<ThreadSnapshot> all;
  for (int t = 0; t < threads(); ++t) all.push_back(Snapshot(t));
  return all;
}

const std::string& Execution::OpName(int thread, int op_index) const {
  return scheme_.routines[program_.threads[thread][op_index].routine].name;
}

std::string Execution::OpText(int thread, int op_index) const {
  if (thread < 0 || op_index < 0 || thread >= threads() ||
      op_index >= static_cast<int>(program_.threads[thread].size()))
    return "-";
  return FormatOpCall(world_, program_.threads[thread][op_index]);
}

}  // namespace ovlfuzz
