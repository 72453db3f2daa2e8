#include "model/analysis/static_locks.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "model/core/hash.h"
#include "model/exec/resolve.h"
#include "model/oracle/lock_inversion.h"

namespace ovlfuzz {
namespace {

// The part of a model thread a path through one op changes: its call
// stack and held locks (with the instruction that took each, so sites
// stay exact).
struct AbsState {
  Frame frames[kMaxCallDepth];
  int depth = 0;
  std::vector<HeldLock> held;

  uint64_t Hash() const {
    uint64_t h = 0x51a7;
    for (int i = 0; i < depth; ++i)
      h = MixWord(h, static_cast<uint64_t>(frames[i].routine) << 40 | static_cast<uint64_t>(frames[i].pc) << 24 |
                         frames[i].args[0] << 16 | frames[i].args[1] << 8 | frames[i].args[2]);
    h = MixWord(h, 0xe1d);
    for (const HeldLock& l : held)
      h = MixWord(h, static_cast<uint64_t>(l.inst) << 32 | static_cast<uint64_t>(l.cls) << 8 | l.read << 1 | l.trylock);
    for (const HeldLock& l : held) h = MixWord(h, static_cast<uint64_t>(l.site.routine) << 32 | l.site.pc);
    return h;
  }
};

enum class Tri { kFalse, kTrue, kUnknown };

// A condition is a conjunction; atoms on flags or frozen state may go
// either way, `a is b` / `a is not b` are decided by the arguments.
Tri EvalStatic(const World& world, const Frame& f, int cond) {
  bool unknown = false;
  for (const CondAtom& a : world.scheme().routines[f.routine].conds[cond]) {
    if (a.kind == CondAtom::Kind::kSame || a.kind == CondAtom::Kind::kDiffer) {
      bool same = RefEntity(world, f, a.ref) == RefEntity(world, f, a.ref2);
      if (same != (a.kind == CondAtom::Kind::kSame)) return Tri::kFalse;
    } else {
      unknown = true;
    }
  }
  return unknown ? Tri::kUnknown : Tri::kTrue;
}

// False when the lock was not held.
bool Release(std::vector<HeldLock>* held, int inst) {
  for (auto it = held->rbegin(); it != held->rend(); ++it)
    if (it->inst == inst) {
      held->erase(std::next(it).base());
      return true;
    }
  return false;
}

}  // namespace

StaticLockGraph::StaticLockGraph(const World& world) {
  const Scheme& s = world.scheme();
  for (int op : s.ops) {
    const Routine& r = s.routines[op];
    // Every argument tuple of the world, first argument slowest.
    std::vector<int> domain;
    for (ParamType t : r.params) domain.push_back(world.ArgDomain(t));
    std::vector<int> v(domain.size(), 0);
    for (;;) {
      OpCall call;
      call.routine = static_cast<int16_t>(op);
      for (size_t i = 0; i < v.size(); ++i) call.args[i] = static_cast<uint8_t>(v[i]);
      Walk(world, call);
      size_t i = v.size();
      while (i > 0 && ++v[i - 1] == domain[i - 1]) v[--i] = 0;
      if (i == 0) break;
    }
  }
  for (const auto& [cls, sites] : acquisitions_) classes_.push_back(cls);
  std::sort(classes_.begin(), classes_.end());
}

const std::vector<StaticSite>& StaticLockGraph::Sites(int from, int to) const {
  static const std::vector<StaticSite> kNone;
  auto it = edges_.find(Key(from, to));
  return it == edges_.end() ? kNone : it->second;
}

const std::vector<StaticSite>& StaticLockGraph::Acquisitions(int cls) const {
  static const std::vector<StaticSite> kNone;
  auto it = acquisitions_.find(cls);
  return it == acquisitions_.end() ? kNone : it->second;
}

// Depth-first over the op's abstract states, mirroring
// Execution::RunSlice() instruction by instruction.
void StaticLockGraph::Walk(const World& world, const OpCall& call) {
  ++calls_;
  const Scheme& s = world.scheme();
  AbsState start;
  const Routine& op = s.routines[call.routine];
  start.frames[0].routine = call.routine;
  start.frames[0].pc = 0;
  for (size_t i = 0; i < op.params.size(); ++i)
    start.frames[0].args[i] = static_cast<uint8_t>(world.ArgEntity(op.params[i], call.args[i]));
  start.depth = 1;
  std::vector<AbsState> stack{start};
  std::unordered_set<uint64_t> seen{start.Hash()};

  auto site_of = [&](const AbsState& st) {
    StaticSite site;
    site.call = call;
    site.routine = st.frames[st.depth - 1].routine;
    site.pc = st.frames[st.depth - 1].pc;
    for (int i = 0; i + 1 < st.depth; ++i) site.stack.emplace_back(st.frames[i].routine, st.frames[i].pc - 1);
    return site;
  };
  auto add = [](std::vector<StaticSite>* v, StaticSite site) {
    if (v->size() >= kMaxSites) return;
    for (const StaticSite& o : *v)
      if (o.call == site.call && o.routine == site.routine && o.pc == site.pc && o.held_routine == site.held_routine &&
          o.held_pc == site.held_pc)
        return;
    v->push_back(std::move(site));
  };
  auto push = [&](AbsState st) {
    if (seen.insert(st.Hash()).second) stack.push_back(std::move(st));
  };

  while (!stack.empty()) {
    AbsState st = std::move(stack.back());
    stack.pop_back();
    ++states_;
    // Run straight-line code until the path ends or forks.
    for (bool running = true; running;) {
      Frame& f = st.frames[st.depth - 1];
      const Instr& in = s.routines[f.routine].code[f.pc];
      switch (in.op) {
        case Opc::kLock:
        case Opc::kTrylock:
        case Opc::kMightLock: {
          int inst = ResolveLock(world, f, in.lock);
          int cls = world.ClassOf(inst, in.lock.subclass);
          StaticSite here = site_of(st);
          add(&acquisitions_[cls], here);
          if (in.op == Opc::kTrylock) {
            // Failure: the scheme's fallback; success: held, no dependency.
            AbsState failed = st;
            Frame& ff = failed.frames[failed.depth - 1];
            if (in.fallback == Fallback::kSkip) {
              ff.pc = in.target;
              push(std::move(failed));
            } else if (in.fallback == Fallback::kIgnore) {
              ++ff.pc;
              push(std::move(failed));
            }
          } else if (const HeldLock* h = HeldOfClass(st.held, cls); h && !RecursionAllowed(*h, in.recursive)) {
            StaticSite site = here;
            site.held_routine = h->site.routine;
            site.held_pc = h->site.pc;
            site.held_call_pc = h->site.call_pc;
            add(&edges_[Key(cls, cls)], std::move(site));
          } else {
            ForEachDependencySource(st.held, [&](const HeldLock& h) {
              if (h.cls == cls) return;  // read-after-read recursion
              StaticSite site = here;
              site.held_routine = h.site.routine;
              site.held_pc = h.site.pc;
              site.held_call_pc = h.site.call_pc;
              add(&edges_[Key(h.cls, cls)], std::move(site));
            });
          }
          if (in.op == Opc::kMightLock) {  // taken and released at once
            ++f.pc;
            break;
          }
          HeldLock h;
          h.inst = inst;
          h.cls = cls;
          h.read = in.read;
          h.trylock = in.op == Opc::kTrylock;
          h.site.routine = f.routine;
          h.site.pc = f.pc;
          h.site.call_pc = st.depth > 1 ? st.frames[0].pc - 1 : -1;
          st.held.push_back(h);
          ++f.pc;
          break;
        }
        case Opc::kUnlock:
          if (int inst = ResolveLock(world, f, in.lock); !Release(&st.held, inst)) {
            StaticSite here = site_of(st);
            here.inst = inst;
            bool known = std::any_of(bad_unlocks_.begin(), bad_unlocks_.end(), [&](const StaticSite& b) {
              return b.routine == here.routine && b.pc == here.pc;
            });
            if (!known) bad_unlocks_.push_back(std::move(here));
          }
          ++f.pc;
          break;
        case Opc::kFreezeBegin: {
          AbsState busy = st;  // freeze_super(): -EBUSY
          busy.frames[busy.depth - 1].pc = in.target;
          push(std::move(busy));
          ++f.pc;
          break;
        }
        case Opc::kFreezeEnd:
          for (int lvl = 2; lvl >= 0; --lvl) Release(&st.held, world.SbWriters(in.sb, lvl));
          ++f.pc;
          break;
        case Opc::kCall: {
          if (st.depth >= kMaxCallDepth) {  // the executor fails the op
            running = false;
            break;
          }
          Frame callee;
          callee.routine = static_cast<int16_t>(in.callee);
          callee.pc = 0;
          for (int i = 0; i < in.nargs; ++i) callee.args[i] = static_cast<uint8_t>(RefEntity(world, f, in.args[i]));
          ++f.pc;
          st.frames[st.depth++] = callee;
          break;
        }
        case Opc::kJumpIfNot: {
          Tri t = EvalStatic(world, f, in.cond);
          if (t == Tri::kUnknown) {
            AbsState other = st;
            other.frames[other.depth - 1].pc = in.target;
            push(std::move(other));
            ++f.pc;
          } else {
            f.pc = t == Tri::kTrue ? f.pc + 1 : in.target;
          }
          break;
        }
        case Opc::kJump:
          f.pc = in.target;
          break;
        case Opc::kReturn:
          if (--st.depth == 0) running = false;
          break;
        case Opc::kFail:
          running = false;
          break;
        default:  // xattrs, flags, modify, thaw: no lock changes
          ++f.pc;
          break;
      }
      // A fork pushed its other branch; this one goes on unless seen.
      if (running && in.op != Opc::kReturn && in.op != Opc::kCall && in.op != Opc::kJump) {
        bool forked = in.op == Opc::kJumpIfNot || in.op == Opc::kTrylock || in.op == Opc::kFreezeBegin;
        if (forked) {
          if (!seen.insert(st.Hash()).second) running = false;
        }
      }
    }
  }
}

const StaticLockGraph& CachedStaticLockGraph(const World& world) {
  static std::mutex mu;
  static std::map<uint64_t, std::unique_ptr<StaticLockGraph>> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<StaticLockGraph>& slot = cache[world.scheme().hash];
  if (!slot) slot = std::make_unique<StaticLockGraph>(world);
  return *slot;
}

}  // namespace ovlfuzz
