#include "model/verify/explorer.h"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "model/harness/run_once.h"
#include "model/oracle/lock_graph.h"
#include "model/oracle/lock_inversion.h"
#include "model/oracle/oracle.h"
#include "model/verify/calls.h"
#include "model/verify/program_compact.h"
#include "model/verify/state_key.h"
#include "model/verify/visited_set.h"

namespace ovlfuzz {
namespace {

// --jobs: states this many steps deep are dealt to the jobs by hash.
constexpr int kSplitDepth = 3;

// Explorer-level state the footprint orders (see Footprint::pseudo).
constexpr uint32_t kPseudoDeps = 1;        // the phase-2 dependency list
constexpr uint32_t kPseudoCompletion = 2;  // the serial reference's op order

// A phase-2 lock dependency: from -> to, made first by an op of `op`, with
// the kinds (lock_graph.h DepKind) it was made with so far.
struct Dep {
  int16_t from, to, op;
  uint8_t kinds = 0;
  bool operator==(const Dep& o) const { return from == o.from && to == o.to && op == o.op && kinds == o.kinds; }
};

// What the explorer tracks beside the executor state: history that decides
// findings, kept as small values so it can be hashed and restored.
struct Extras {
  std::vector<Dep> deps;             // phase 2, in insertion order
  std::vector<uint64_t> skips;       // (op routine, routine, pc) of skipped xattr blocks, sorted
  std::vector<uint64_t> ref_flags;   // serial reference so far (schemes that can skip)

  uint64_t Hash() const {
    uint64_t h = 0x5eed;
    for (const Dep& d : deps)
      h = MixWord(h, static_cast<uint64_t>(d.kinds) << 48 | static_cast<uint64_t>(d.from) << 32 | d.to << 16 | d.op);
    h = MixWord(h, 0xd1);
    for (uint64_t s : skips) h = MixWord(h, s);
    for (uint64_t f : ref_flags) h = MixWord(h, f);
    return h;
  }
};

struct Saved {
  ExecState exec;
  Extras extras;
  std::vector<size_t> ops;  // program size per thread
  std::vector<int> runnable, order;  // scratch of the search node owning it
};

// ThreadLocalHash of every thread at a search node.
struct Locals {
  uint64_t h[kMaxThreads] = {};
};

// Threads that may sleep, each with the footprint of the step it sleeps on.
struct Sleep {
  uint8_t mask = 0;
  Footprint fp[kMaxThreads];
};

class Explorer : public Oracle {
 public:
  Explorer(const World& world, const VerifyOptions& o, const VerifyProgress& progress)
      : world_(world),
        o_(o),
        progress_(progress),
        replay_(MakeReplayStrategy({})),
        limits_(o.limits) {
    limits_.tsan = false;
    calls_ = ChoosableCalls(world, o);
    const Scheme& s = world.scheme();
    // Whether any failed trylock can skip an xattr update (possibly in a
    // helper routine): only then is the serial reference tracked.
    for (const Routine& rt : s.routines)
      for (const Instr& in : rt.code)
        if (in.op == Opc::kTrylock && in.fallback == Fallback::kSkip && !in.skipped_xattrs.empty()) can_skip_ = true;
    can_skip_ = can_skip_ && Wants(FindingKind::kSkippedXattr);
  }

  VerifyResult Run() {
    // Under symmetry every thread's first step mirrors thread 0's.
    result_.stats.subtrees =
        o_.fixed_program ? 1 : (static_cast<int>(calls_.size()) + 1) * (o_.reduce ? 1 : o_.threads);
    if (o_.only_phase != 2) {
      Search(1);
      result_.union_edges.assign(union_.begin(), union_.end());
      std::sort(result_.union_edges.begin(), result_.union_edges.end());
    }
    bool phase2 = o_.only_phase == 2;
    if (goal_mode_) {
      // Only goals whose every edge some run makes can be completed.
      for (const std::vector<uint64_t>& g : o_.goals)
        if (std::all_of(g.begin(), g.end(), [&](uint64_t e) { return union_.count(e) != 0; })) {
          live_goals_.push_back(g);
          scc_.insert(g.begin(), g.end());
        }
      phase2 = !live_goals_.empty();
    } else if (o_.only_phase == 0 && o_.reduce && !stop_ && (o_.all || result_.findings.empty()) &&
               Wants(FindingKind::kLockInversion)) {
      std::vector<uint64_t> cyclic = CyclicEdges(result_.union_edges);
      scc_.insert(cyclic.begin(), cyclic.end());
      phase2 = !scc_.empty();
    } else if (phase2) {
      scc_.insert(o_.phase2_edges.begin(), o_.phase2_edges.end());
    }
    if (phase2 && !stop_) {
      result_.stats.subtrees_done = 0;
      Search(2);
    }
    result_.stats.complete = !stop_;
    result_.stats.visited_full = visited_.full();
    return std::move(result_);
  }

  // ---- Oracle: the executor's events during exploration ----
  void OnEvent(const Event& e, const Execution& x) override {
    switch (e.kind) {
      case EventKind::kAttempt: {
        if (!tracks_locks_) break;
        const ThreadState& th = x.thread(e.thread);
        int op = program_.threads[e.thread][e.op_index].routine;
        if (const HeldLock* h = HeldOfClass(th.held, e.cls); h && !RecursionAllowed(*h, e.recursive)) {
          const uint64_t self = static_cast<uint64_t>(e.cls) << 32 | static_cast<uint32_t>(e.cls);
          if (!goal_mode_) {
            if (phase_ == 1 && Wants(FindingKind::kRecursiveLocking)) candidate_ = true;  // possible recursive locking
          } else if (phase_ == 1) {
            union_.insert(self);
          } else if (scc_.count(self)) {
            AddDep(Dep{static_cast<int16_t>(e.cls), static_cast<int16_t>(e.cls), static_cast<int16_t>(op),
                       DepKindOf(h->read, e.recursive)});
          }
          return;
        }
        ForEachDependencySource(th.held, [&](const HeldLock& h) {
          if (h.cls == e.cls) return;  // read-after-read recursion
          if (phase_ == 1) {
            union_.insert(static_cast<uint64_t>(h.cls) << 32 | static_cast<uint32_t>(e.cls));
          } else if (scc_.count(static_cast<uint64_t>(h.cls) << 32 | static_cast<uint32_t>(e.cls))) {
            AddDep(Dep{static_cast<int16_t>(h.cls), static_cast<int16_t>(e.cls), static_cast<int16_t>(op),
                       DepKindOf(h.read, e.recursive)});
          }
        });
        break;
      }
      case EventKind::kModify:
      case EventKind::kXattr:
        if (phase_ == 1 && !goal_mode_ &&
            (Wants(FindingKind::kMissedTrylock) || Wants(FindingKind::kUnprotectedModification)) &&
            UnprotectedModification(e, x) >= 0)
          candidate_ = true;
        break;
      case EventKind::kBadUnlock:
      case EventKind::kSchemeError:
        if (phase_ == 1 && !goal_mode_ &&
            Wants(e.kind == EventKind::kBadUnlock ? FindingKind::kBadUnlock : FindingKind::kSchemeError))
          candidate_ = true;
        break;
      case EventKind::kSkipped:
        if (e.skipped && !e.skipped->empty()) {
          uint64_t key = static_cast<uint64_t>(program_.threads[e.thread][e.op_index].routine) << 48 |
                         static_cast<uint64_t>(e.routine) << 32 | static_cast<uint32_t>(e.pc);
          auto it = std::lower_bound(extras_.skips.begin(), extras_.skips.end(), key);
          if (it == extras_.skips.end() || *it != key) extras_.skips.insert(it, key);
        }
        break;
      case EventKind::kOpEnd:
        if (can_skip_) {
          const OpCall& call = program_.threads[e.thread][e.op_index];
          if (InSerialReference(world_, call)) ApplySerially(call);
          fp_.pseudo |= kPseudoCompletion;
        }
        break;
      case EventKind::kThawed:
        if (e.implicit) thawed_ = true;
        break;
      default:
        break;
    }
  }
  void Collect(const Execution&, std::vector<Finding>*) override {}

 private:
  bool Wants(FindingKind k) const { return o_.kinds == 0 || ((o_.kinds >> static_cast<int>(k)) & 1) != 0; }

  void Search(int phase) {
    phase_ = phase;
    result_.stats.phase = phase;
    if (o_.shared_visited) visited_.Share(o_.shared_visited, o_.shared_slots);
    else visited_.Reset();
    program_ = Program{};
    if (o_.fixed_program) program_ = *o_.fixed_program;
    else program_.threads.assign(o_.threads, {});
    extras_ = Extras{};
    Execution x(world_, program_, *replay_, {this}, limits_);
    if (can_skip_) extras_.ref_flags = x.all_flags();
    for (int t = 0; t < x.threads() && !o_.fixed_program; ++t) x.set_open(t, true);
    x.set_footprint(&fp_);
    x_ = &x;
    depth_ = 0;
    Locals locals;
    for (int t = 0; t < x.threads(); ++t) locals.h[t] = ThreadLocalHash(world_, x.thread(t));
    Explore(Sleep{}, locals);
    x_ = nullptr;
  }

  // Saved states are reused by search depth, so backtracking allocates
  // nothing once the deepest path has been seen.
  class PooledSave {
   public:
    explicit PooledSave(Explorer* e) : e_(e) {
      if (e->pool_top_ == e->pool_.size()) e->pool_.push_back(std::make_unique<Saved>());
      s_ = e->pool_[e->pool_top_++].get();
    }
    ~PooledSave() { --e_->pool_top_; }
    Saved* get() { return s_; }
    Saved& operator*() { return *s_; }

   private:
    Explorer* e_;
    Saved* s_;
  };

  void SaveAll(Saved* s) const {
    x_->Save(&s->exec);
    s->extras = extras_;
    s->ops.resize(program_.threads.size());
    for (size_t t = 0; t < program_.threads.size(); ++t) s->ops[t] = program_.threads[t].size();
  }
  void RestoreAll(const Saved& s) {
    x_->Restore(s.exec);
    extras_ = s.extras;
    for (size_t t = 0; t < program_.threads.size(); ++t) program_.threads[t].resize(s.ops[t]);
  }

  bool Poll() {
    if (stop_) return true;
    if ((++poll_ & 4095) == 0) {
      if (o_.should_stop && o_.should_stop()) {
        stop_ = true;
        return true;
      }
      if (progress_ && (poll_ & 65535) == 0) progress_(result_.stats);
    }
    return false;
  }

  // One node of the search: the state in x_, entered with sleep set `sleep`.
  void Explore(Sleep sleep, const Locals& locals) {
    if (Poll()) return;
    PooledSave saved(this);
    std::vector<int>& runnable = saved.get()->runnable;
    thawed_ = false;
    bool any = x_->NextRunnable(&runnable);
    if (thawed_) sleep.mask = 0;  // the environment's thaw wakes everybody
    if (!any) {
      ++result_.stats.schedules;
      if (goal_mode_) return;  // goals are checked as their edges appear
      if (!o_.reduce) Replay();
      else if ((!x_->all_done() && Wants(FindingKind::kDeadlock)) ||
               (can_skip_ && !extras_.skips.empty() && ReferenceDiffers())) {
        if (phase_ == 1) Replay();
      }
      return;
    }
    if (x_->steps() >= limits_.max_steps) {
      ++result_.stats.schedules;
      if (phase_ == 1 && !goal_mode_ && Wants(FindingKind::kHang)) Replay();  // a hang
      return;
    }
    uint8_t todo = 0;
    for (int t : runnable) todo |= 1u << t;
    if (o_.reduce && o_.jobs > 1 && depth_ < kSplitDepth) {
      // Above the split every job walks the same few states as a tree: a
      // visited set shared with the other jobs would cut them off there.
      todo &= static_cast<uint8_t>(~sleep.mask);
    } else if (o_.reduce) {
      const bool bounded = o_.preemptions >= 0;
      // Threads of a fixed program differ, so they are not interchangeable.
      StateKey key =
          MakeStateKey(*x_, /*symmetric=*/!o_.fixed_program, bounded, extras_.Hash(), false, locals.h);
      // At the split depth each state belongs to one job; below it the
      // jobs share the visited set (VerifyOptions::shared_visited).
      if (o_.jobs > 1 && depth_ == kSplitDepth && key.hash % o_.jobs != static_cast<uint64_t>(o_.job)) return;
      bool inserted;
      if (bounded) {
        uint8_t used = static_cast<uint8_t>(std::min<int64_t>(x_->preemptions(), 254)) + 1;
        uint64_t* slot = visited_.Find(key.hash, used, &inserted);
        if (!inserted && VisitedSet::Get(slot) <= used) return Revisit();
        if (!inserted) VisitedSet::Set(slot, used);
        if (inserted) ++result_.stats.states;
      } else {
        // Stored masks are over sorted positions. Threads tied with another
        // are symmetric, so a stored mask counts them unexplored if any
        // slept and the current one counts them asleep only if all do.
        uint8_t cur = ToSorted(sleep.mask, key, /*all_of_tied=*/true);
        uint8_t cur_any = ToSorted(sleep.mask, key, /*all_of_tied=*/false);
        uint64_t* slot = visited_.Find(key.hash, cur_any, &inserted);
        if (inserted) {
          ++result_.stats.states;
          todo &= static_cast<uint8_t>(~sleep.mask);
        } else {
          uint8_t stored = VisitedSet::Get(slot);
          if ((stored & ~cur) == 0) return Revisit();
          VisitedSet::Set(slot, stored & cur_any);
          // Only what slept then and is awake now.
          uint8_t redo = 0;
          for (int i = 0; i < x_->threads(); ++i)
            if ((stored >> i) & 1 && !((cur >> i) & 1)) redo |= 1u << key.order[i];
          todo &= redo & static_cast<uint8_t>(~sleep.mask);
        }
      }
    }
    // The thread that ran last goes first: schedules with few preemptions,
    // where most bugs are (CHESS), come early in the depth-first order.
    std::vector<int>& order = saved.get()->order;
    order.clear();
    const int last = x_->last_thread();
    const bool last_runnable = std::find(runnable.begin(), runnable.end(), last) != runnable.end();
    for (int i = -1; i < static_cast<int>(runnable.size()); ++i) {
      int t = i < 0 ? last : runnable[i];
      if (i < 0 ? !last_runnable : t == last) continue;
      if (!((todo >> t) & 1) || (o_.reduce && ((sleep.mask >> t) & 1))) continue;
      if (o_.preemptions >= 0 && runnable.size() > 1 && t != last && last_runnable &&
          x_->preemptions() >= o_.preemptions)
        continue;
      order.push_back(t);
    }
    // Only a node with several children must come back to its state; the
    // last child leaves it changed, and the nearest ancestor with children
    // left restores its own.
    if (order.size() > 1) SaveAll(saved.get());
    for (size_t i = 0; i < order.size(); ++i) {
      const int t = order[i];
      Footprint all;
      x_->Step(t, runnable);
      ++result_.stats.transitions;
      ++depth_;
      AfterStep(t, sleep, locals, &all, 0);
      --depth_;
      if (stop_ || i + 1 == order.size()) return;
      RestoreAll(*saved);
      if (o_.reduce && o_.preemptions < 0) {
        sleep.mask |= 1u << t;
        sleep.fp[t] = std::move(all);
      }
    }
  }

  void Revisit() {
    ++result_.stats.revisits;
    ++result_.stats.schedules;
  }

  static uint8_t ToSorted(uint8_t mask, const StateKey& key, bool all_of_tied) {
    uint8_t out = 0;
    for (int t = 0; t < kMaxThreads; ++t) {
      if (!((mask >> t) & 1)) continue;
      if ((key.tied >> t) & 1 && all_of_tied) {
        if ((mask & key.tied) != key.tied) continue;
      }
      out |= 1u << key.rank[t];
    }
    if (!all_of_tied && (mask & key.tied))
      for (int t = 0; t < kMaxThreads; ++t)
        if ((key.tied >> t) & 1) out |= 1u << key.rank[t];
    return out;
  }

  // Thread `t` has run its step; if it parked at an op boundary, branch over
  // its next op (or stopping), else descend into the new state.
  void AfterStep(int t, const Sleep& parent, const Locals& locals, Footprint* all, int choice_level) {
    if (x_->thread(t).parked) {
      const bool may_add = static_cast<int>(program_.threads[t].size()) < o_.ops;
      const int variants = may_add ? static_cast<int>(calls_.size()) + 1 : 1;
      PooledSave here(this);
      if (variants > 1) SaveAll(here.get());
      Footprint fp = fp_;
      bool candidate = candidate_;
      for (int v = 0; v < variants && !stop_; ++v) {
        if (!o_.reduce && depth_ == 1 && choice_level == 0 && o_.jobs > 1 && v % o_.jobs != o_.job) continue;
        if (v > 0) RestoreAll(*here);
        fp_ = fp;
        candidate_ = candidate;
        if (v + 1 == variants) x_->set_open(t, false);  // the last variant: stop here
        else program_.threads[t].push_back(calls_[v]);
        x_->Continue(t);
        AfterStep(t, parent, locals, all, choice_level + 1);
        // Progress: the first op of the first thread; under --jobs job 0
        // counts for all (every job walks the top of the space).
        if (depth_ == 1 && choice_level == 0 && (t == 0 || !o_.reduce) && (o_.job == 0 || !o_.reduce))
          ++result_.stats.subtrees_done;
      }
      return;
    }
    all->Merge(fp_);
    if (candidate_) {
      candidate_ = false;
      if (o_.reduce) Replay();
      if (stop_) return;
    }
    Sleep child;
    for (int u = 0; u < kMaxThreads; ++u) {
      if (!((parent.mask >> u) & 1) || parent.fp[u].ConflictsWith(fp_)) continue;
      child.mask |= 1u << u;
      child.fp[u] = parent.fp[u];
    }
    // Only the thread that stepped changed its local state.
    Locals next = locals;
    next.h[t] = ThreadLocalHash(world_, x_->thread(t));
    Explore(std::move(child), next);
  }

  void AddDep(const Dep& d) {
    for (Dep& e : extras_.deps) {
      if (e.from != d.from || e.to != d.to) continue;
      // lockdep keeps the first site; a new kind can make a cycle strong,
      // so it is state too, and the real oracle looks again.
      if ((e.kinds & d.kinds) == d.kinds) return;
      e.kinds |= d.kinds;
      fp_.pseudo |= kPseudoDeps;
      if (!goal_mode_) candidate_ = true;
      return;
    }
    if (goal_mode_) {
      extras_.deps.push_back(d);
      fp_.pseudo |= kPseudoDeps;
      if (GoalComplete()) candidate_ = true;
      return;
    }
    // Does d.to already reach d.from? Then d closes a cycle.
    std::vector<int16_t> stack{d.to}, seen{d.to};
    bool closes = d.to == d.from;
    while (!stack.empty() && !closes) {
      int16_t v = stack.back();
      stack.pop_back();
      for (const Dep& e : extras_.deps) {
        if (e.from != v || std::find(seen.begin(), seen.end(), e.to) != seen.end()) continue;
        if (e.to == d.from) closes = true;
        seen.push_back(e.to);
        stack.push_back(e.to);
      }
    }
    extras_.deps.push_back(d);
    fp_.pseudo |= kPseudoDeps;
    if (closes) candidate_ = true;
  }

  void ApplySerially(const OpCall& call) {
    uint64_t key = MixWord(MixWord(0xa5, static_cast<uint64_t>(call.routine) << 24 | call.args[0] << 16 |
                                             call.args[1] << 8 | call.args[2]),
                           0);
    for (uint64_t f : extras_.ref_flags) key = MixWord(key, f);
    auto it = serial_memo_.find(key);
    if (it == serial_memo_.end()) {
      Program one;
      one.threads.push_back({call});
      auto none = MakeReplayStrategy({});
      Execution rx(world_, one, *none, {}, limits_);
      rx.set_flags(extras_.ref_flags);
      rx.Run();
      it = serial_memo_.emplace(key, rx.all_flags()).first;
    }
    extras_.ref_flags = it->second;
  }

  bool ReferenceDiffers() const {
    const Scheme& s = world_.scheme();
    for (int inode = 0; inode < world_.inodes(); ++inode)
      if (!s.supers[world_.InodeSb(inode)].overlay && x_->flags(inode) != extras_.ref_flags[inode]) return true;
    return false;
  }

  bool GoalComplete() const {
    for (const std::vector<uint64_t>& g : live_goals_) {
      bool all = true;
      for (uint64_t e : g) {
        bool has = false;
        for (const Dep& d : extras_.deps)
          if ((static_cast<uint64_t>(d.from) << 32 | static_cast<uint32_t>(d.to)) == e) has = true;
        all = all && has;
      }
      if (all) return true;
    }
    return false;
  }

  // Runs the current path (or, mid-run, its prefix and a default rest)
  // with the real oracles; keeps each new signature (goal mode: the
  // finding goal_match picks).
  void Replay() {
    ++result_.stats.replays;
    auto strategy = MakeReplayStrategy(x_->schedule());
    RunResult r = RunOnce(world_, program_, *strategy, o_.limits);
    if (goal_mode_) {
      int i = o_.goal_match ? o_.goal_match(r) : -1;
      if (i >= 0) Keep(std::move(r.findings[i]), r);
      return;
    }
    for (Finding& f : r.findings) Keep(std::move(f), r);
  }

  void Keep(Finding f, const RunResult& r) {
    if (!Wants(f.kind)) return;
    if (!signatures_.insert(f.signature).second) return;
    VerifyFinding vf;
    vf.finding = std::move(f);
    vf.program = program_;
    vf.schedule = r.schedule;
    vf.steps = FindingStep(vf.finding, r.steps);
    result_.findings.push_back(std::move(vf));
    result_.stats.findings = static_cast<int64_t>(result_.findings.size());
    if (!o_.all) stop_ = true;
  }

  const World& world_;
  const VerifyOptions& o_;
  const bool goal_mode_ = !o_.goals.empty();
  // Lock-order edges and recursion checks: needed for goals and for the
  // lock-inversion and recursive-locking kinds only.
  const bool tracks_locks_ =
      goal_mode_ || Wants(FindingKind::kLockInversion) || Wants(FindingKind::kRecursiveLocking);
  std::vector<std::vector<uint64_t>> live_goals_;  // goals phase 1 found every edge of
  const VerifyProgress& progress_;
  std::unique_ptr<Strategy> replay_;
  RunLimits limits_;
  std::vector<OpCall> calls_;
  bool can_skip_ = false;

  Execution* x_ = nullptr;
  Program program_;
  Extras extras_;
  Footprint fp_;
  bool candidate_ = false;
  bool thawed_ = false;
  int phase_ = 1;
  int depth_ = 0;
  bool stop_ = false;
  uint64_t poll_ = 0;
  VisitedSet visited_;
  std::vector<std::unique_ptr<Saved>> pool_;
  size_t pool_top_ = 0;
  std::unordered_set<uint64_t> union_, scc_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> serial_memo_;
  std::unordered_set<std::string> signatures_;
  VerifyResult result_;
};

}  // namespace

std::vector<uint64_t> CyclicEdges(const std::vector<uint64_t>& edges) {
  std::unordered_map<int, std::vector<int>> succ;
  std::unordered_set<int> nodes;
  for (uint64_t e : edges) {
    int a = static_cast<int>(e >> 32), b = static_cast<int>(e & 0xffffffff);
    succ[a].push_back(b);
    nodes.insert(a);
    nodes.insert(b);
  }
  // Reachability from each of the few classes involved; an edge a -> b is
  // on a cycle when b reaches a.
  std::unordered_map<int, std::unordered_set<int>> reach;
  for (int n : nodes) {
    std::vector<int> stack{n};
    auto& r = reach[n];
    while (!stack.empty()) {
      int v = stack.back();
      stack.pop_back();
      for (int m : succ[v])
        if (r.insert(m).second) stack.push_back(m);
    }
  }
  std::vector<uint64_t> cyclic;
  for (uint64_t e : edges)
    if (reach[static_cast<int>(e & 0xffffffff)].count(static_cast<int>(e >> 32))) cyclic.push_back(e);
  return cyclic;
}

VerifyResult Verify(const World& world, const VerifyOptions& options, const VerifyProgress& progress) {
  Explorer e(world, options, progress);
  VerifyResult r = e.Run();
  for (VerifyFinding& f : r.findings) CompactFinding(world, options.limits, &f);
  return r;
}

}  // namespace ovlfuzz
