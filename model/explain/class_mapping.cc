#include "model/explain/class_mapping.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/explain/lockdep_name.h"
#include "model/explain/site_functions.h"

namespace ovlfuzz {
namespace {

// The model's acquirable classes by family, then key, then subclass.
using KeyClasses = std::map<int, int>;  // subclass -> class id
using FamilyKeys = std::map<std::string, KeyClasses>;

std::string CodeOf(const std::string& line) {
  std::string code = line.substr(0, line.find('#'));
  size_t b = code.find_first_not_of(" \t"), e = code.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : code.substr(b, e - b + 1);
}

class Mapper {
 public:
  Mapper(const Splat& splat, const World& world, const StaticLockGraph& graph)
      : splat_(splat), world_(world), graph_(graph) {}

  SplatMapping Map() {
    for (int cls : graph_.classes()) {
      LockdepName n = ParseLockdepName(world_.ClassName(cls));
      model_[n.family][n.Key()][n.subclass] = cls;
    }
    for (const std::string& c : splat_.Cycle())
      if (std::find(classes_.begin(), classes_.end(), c) == classes_.end()) classes_.push_back(c);
    for (const std::string& c : classes_) {
      LockdepName n = ParseLockdepName(c);
      names_.push_back(n);
      if (std::find(keys_.begin(), keys_.end(), n.Key()) == keys_.end()) {
        keys_.push_back(n.Key());
        key_family_.push_back(n.family);
      }
      if (!model_.count(n.family) &&
          std::find(out_.missing.begin(), out_.missing.end(), n.family) == out_.missing.end())
        out_.missing.push_back(n.family);
    }
    if (!out_.missing.empty()) return std::move(out_);
    key_choice_.assign(keys_.size(), "");
    AssignKeys(0);
    std::stable_sort(out_.assignments.begin(), out_.assignments.end(),
                     [](const ClassAssignment& a, const ClassAssignment& b) {
                       if (a.Feasible() != b.Feasible()) return a.Feasible();
                       if (a.feasible != b.feasible) return a.feasible > b.feasible;
                       if (a.warnings.size() != b.warnings.size()) return a.warnings.size() < b.warnings.size();
                       if (a.frame_score != b.frame_score) return a.frame_score > b.frame_score;
                       return a.exact_names > b.exact_names;
                     });
    return std::move(out_);
  }

 private:
  // Each splat key to a model key of its family, one-to-one per family.
  void AssignKeys(size_t i) {
    if (out_.truncated) return;
    if (i == keys_.size()) {
      class_choice_.assign(classes_.size(), -1);
      AssignSubclasses(0);
      return;
    }
    for (const auto& [key, subs] : model_.at(key_family_[i])) {
      bool taken = false;
      for (size_t j = 0; j < i; ++j) taken |= key_choice_[j] == key && key_family_[j] == key_family_[i];
      if (taken) continue;
      key_choice_[i] = key;
      AssignKeys(i + 1);
    }
  }

  // Each splat class to a subclass of its key's model key: the same one
  // when the scheme takes it, else any the scheme takes (with a warning).
  void AssignSubclasses(size_t i) {
    if (out_.truncated) return;
    if (i == classes_.size()) {
      Emit();
      return;
    }
    const LockdepName& n = names_[i];
    size_t k = std::find(keys_.begin(), keys_.end(), n.Key()) - keys_.begin();
    const KeyClasses& subs = model_.at(n.family).at(key_choice_[k]);
    std::vector<int> options;
    if (subs.count(n.subclass))
      options.push_back(subs.at(n.subclass));
    else
      for (const auto& [sub, cls] : subs) options.push_back(cls);
    for (int cls : options) {
      if (std::find(class_choice_.begin(), class_choice_.begin() + i, cls) != class_choice_.begin() + i) continue;
      class_choice_[i] = cls;
      AssignSubclasses(i + 1);
    }
  }

  void Emit() {
    if (out_.assignments.size() >= SplatMapping::kMaxAssignments) {
      out_.truncated = true;
      return;
    }
    ClassAssignment a;
    a.splat = classes_;
    a.model = class_choice_;
    auto model_of = [&](const std::string& c) {
      return a.model[std::find(classes_.begin(), classes_.end(), c) - classes_.begin()];
    };
    for (size_t i = 0; i < classes_.size(); ++i) {
      const std::string& mname = world_.ClassName(a.model[i]);
      if (mname == classes_[i]) ++a.exact_names;
      LockdepName m = ParseLockdepName(mname);
      if (m.subclass != names_[i].subclass)
        a.warnings.push_back("fidelity: " + classes_[i] + " stands for " + mname + ": the scheme takes " +
                             names_[i].Key() + " " +
                             (names_[i].subclass ? "only without subclass /" + std::to_string(names_[i].subclass)
                                                 : std::string("only with a subclass")) +
                             " (" + FirstAcquisitionLine(world_, graph_, a.model[i]) + ")");
    }
    for (const std::string& c : splat_.Cycle()) a.cycle.push_back(model_of(c));
    const int n = static_cast<int>(a.cycle.size());
    if (splat_.kind == SplatKind::kRecursive) {
      a.edges.emplace_back(a.cycle[0], a.cycle[0]);
    } else {
      a.edges.emplace_back(a.cycle[n - 1], a.cycle[0]);
      for (int k = 1; k < n; ++k) a.edges.emplace_back(a.cycle[k - 1], a.cycle[k]);
    }
    const Scheme& s = world_.scheme();
    for (size_t k = 0; k < a.edges.size(); ++k) {
      const auto& sites = graph_.Sites(a.edges[k].first, a.edges[k].second);
      if (sites.empty()) continue;
      ++a.feasible;
      const std::vector<SplatFrame> frames = splat_.EdgeFrames(static_cast<int>(k));
      const std::vector<SplatFrame>& held = k == 0 ? splat_.held.frames : std::vector<SplatFrame>{};
      int best = 0;
      for (const StaticSite& site : sites)
        best = std::max(
            best,
            MatchFrames(s, site.routine, site.pc, site.stack, frames, site.HeldLines(), held).score);
      a.frame_score += best;
    }
    out_.assignments.push_back(std::move(a));
  }

  const Splat& splat_;
  const World& world_;
  const StaticLockGraph& graph_;
  std::map<std::string, FamilyKeys> model_;
  std::vector<std::string> classes_;
  std::vector<LockdepName> names_;
  std::vector<std::string> keys_, key_family_, key_choice_;
  std::vector<int> class_choice_;
  SplatMapping out_;
};

}  // namespace

std::string ClassAssignment::Describe(const World& world) const {
  std::string s;
  for (size_t i = 0; i < splat.size(); ++i) s += (i ? ", " : "") + splat[i] + " = " + world.ClassName(model[i]);
  return s;
}

std::string FirstAcquisitionLine(const World& world, const StaticLockGraph& graph, int cls) {
  const auto& sites = graph.Acquisitions(cls);
  if (sites.empty()) return world.scheme().path;
  const Scheme& s = world.scheme();
  int line = s.routines[sites.front().routine].code[sites.front().pc].line;
  return s.Where(line) + ": " + CodeOf(s.Line(line));
}

SplatMapping MapSplat(const Splat& splat, const World& world, const StaticLockGraph& graph) {
  return Mapper(splat, world, graph).Map();
}

}  // namespace ovlfuzz
