// StaticLockGraph: every lock-order dependency a scheme's ops *can* create,
// found without running a program: each op, with every argument tuple of
// the world, is walked along every path (a condition on flags or frozen
// state, a trylock's outcome and freeze_super()'s -EBUSY are taken both
// ways; `a is b` conditions are decided from the arguments), keeping the
// executor's held-lock stack and lockdep's rules for which held locks a new
// acquisition depends on (lock_inversion.h). Ops hold no lock across their
// end, so a run's dependencies are always a subset of this graph: an edge
// missing here is missing from every run of any size and schedule. That
// makes it both the search's map (which ops can make each edge of a chain)
// and a proof of absence.
#ifndef OVLFUZZ_MODEL_ANALYSIS_STATIC_LOCKS_H_
#define OVLFUZZ_MODEL_ANALYSIS_STATIC_LOCKS_H_

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/program/program.h"
#include "model/world/world.h"

namespace ovlfuzz {

// Where an op call acquires a class (and, for an edge, where the lock it
// depends on was taken).
struct StaticSite {
  OpCall call;
  int routine = -1;  // the acquiring instruction
  int pc = -1;
  int held_routine = -1;  // edges: the instruction that took the held lock
  int held_pc = -1;
  int held_call_pc = -1;  // ... and, when it was inside a sub, the op's `call` to it
  // The `call` instructions on the stack, outermost first, as (routine, pc).
  std::vector<std::pair<int, int>> stack;
  int inst = -1;  // bad unlocks: the lock instance
  // The lines that took the held lock: its instruction and the op's call.
  std::vector<std::pair<int, int>> HeldLines() const {
    std::vector<std::pair<int, int>> lines;
    if (held_routine >= 0) lines.emplace_back(held_routine, held_pc);
    if (held_call_pc >= 0) lines.emplace_back(call.routine, held_call_pc);
    return lines;
  }
};

class StaticLockGraph {
 public:
  explicit StaticLockGraph(const World& world);

  // Classes some op can acquire (blocking or trylock), sorted.
  const std::vector<int>& classes() const { return classes_; }
  bool Acquires(int cls) const { return acquisitions_.count(cls) != 0; }
  // from -> to can be created; from == to: an acquisition of a class the
  // op already holds (lockdep's "possible recursive locking").
  bool HasEdge(int from, int to) const { return edges_.count(Key(from, to)) != 0; }
  // The sites that can create from -> to (at most kMaxSites each), in
  // discovery order: ops in scheme order, arguments ascending.
  const std::vector<StaticSite>& Sites(int from, int to) const;
  const std::vector<StaticSite>& Acquisitions(int cls) const;
  // Unlocks some path reaches without holding the lock (through if/else,
  // trylock outcomes, calls, repeats): what lockdep reports as "bad unlock
  // balance". One site per instruction, the first op call that reaches it.
  const std::vector<StaticSite>& bad_unlocks() const { return bad_unlocks_; }
  size_t edge_count() const { return edges_.size(); }
  int64_t states() const { return states_; }  // abstract states walked
  int calls() const { return calls_; }        // op calls (op x arguments) walked

  static constexpr size_t kMaxSites = 256;

 private:
  static uint64_t Key(int from, int to) { return static_cast<uint64_t>(from) << 32 | static_cast<uint32_t>(to); }
  void Walk(const World& world, const OpCall& call);

  std::unordered_map<uint64_t, std::vector<StaticSite>> edges_;
  std::unordered_map<int, std::vector<StaticSite>> acquisitions_;
  std::vector<int> classes_;
  std::vector<StaticSite> bad_unlocks_;
  int64_t states_ = 0;
  int calls_ = 0;
};

// The graph of `world`'s scheme, built once per scheme text per process
// (keyed by its hash: the same text gives the same classes, whichever World
// object asks) and kept; safe to call from several threads.
const StaticLockGraph& CachedStaticLockGraph(const World& world);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ANALYSIS_STATIC_LOCKS_H_
