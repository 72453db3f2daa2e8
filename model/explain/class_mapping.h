// Which model lock class stands for each class a splat names.
//
// Lockdep's `#N` is boot order (the same upper fs is `sb_writers#3` in one
// report and `#5` in another), so classes match by family (the name without
// `#N` and `/SUB`, lockdep_name.h) with `#N` as an unknown: one `NAME#N` of
// the splat maps to one model key, different ones of a family to different
// keys. Subclasses are compared: a splat class maps to the same subclass of
// its key when the scheme ever takes it, otherwise to another subclass the
// scheme takes, with a fidelity warning naming that scheme line. Every
// assignment is scored against the static lock graph (how many of the
// chain's dependencies some op can create) and the splat's stacks; the
// search then tries them best first.
#ifndef OVLFUZZ_MODEL_EXPLAIN_CLASS_MAPPING_H_
#define OVLFUZZ_MODEL_EXPLAIN_CLASS_MAPPING_H_

#include <string>
#include <utility>
#include <vector>

#include "model/explain/splat.h"
#include "model/analysis/static_locks.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct ClassAssignment {
  std::vector<std::string> splat;  // the splat's distinct classes, in Cycle() order
  std::vector<int> model;          // the model class of each
  std::vector<std::string> warnings;
  // The chain in model classes: cycle[k] stands for entry #k.
  std::vector<int> cycle;
  // edges[k] is the dependency splat entry #k shows: k >= 1 is
  // cycle[k-1] -> cycle[k]; edges[0] is cycle[n] -> cycle[0], the one the
  // report closes the cycle with (recursive: cycle[0] -> cycle[0]).
  std::vector<std::pair<int, int>> edges;
  int feasible = 0;     // edges the static graph has
  int frame_score = 0;  // sum over edges of the best site's FrameMatch score
  int exact_names = 0;  // classes whose printed names are equal
  bool Feasible() const { return feasible == static_cast<int>(edges.size()); }
  // "&pipe->mutex/1 = &pipe->mutex/1, sb_writers#3 = sb_writers#4"
  std::string Describe(const World& world) const;
};

struct SplatMapping {
  // Families of the splat the scheme takes no lock of: not expressible.
  std::vector<std::string> missing;
  std::vector<ClassAssignment> assignments;  // best first
  bool truncated = false;                    // more than kMaxAssignments
  static constexpr size_t kMaxAssignments = 4096;
};

SplatMapping MapSplat(const Splat& splat, const World& world, const StaticLockGraph& graph);

// "model/schemes/mainline.scheme:94: lock pipe_mutex(p)" for the first
// instruction that can acquire `cls`.
std::string FirstAcquisitionLine(const World& world, const StaticLockGraph& graph, int cls);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_CLASS_MAPPING_H_
