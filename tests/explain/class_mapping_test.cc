// Class mapping: #N is an unknown, one splat key to one model key per
// family, subclasses compared with a fidelity warning when the scheme has
// only another one, not-expressible when a family is missing.
#include "model/explain/class_mapping.h"

#include <gtest/gtest.h>

#include <set>

#include "model/analysis/static_locks.h"
#include "tests/explain/explain_test_util.h"

namespace ovlfuzz {
namespace {

using testing::Builtins;
using testing::Fixture;

// A circular splat with the given chain (#0 first), built as lockdep
// prints it.
Splat ChainSplat(const std::vector<std::string>& cycle) {
  std::string t = "WARNING: possible circular locking dependency detected\nt/1 is trying to acquire lock:\n (" +
                  cycle.front() + "){+.+.}, at: a+0x1/0x2\n\nbut task is already holding lock:\n (" + cycle.back() +
                  "){+.+.}, at: b+0x1/0x2\n\nthe existing dependency chain (in reverse order) is:\n";
  for (size_t k = cycle.size(); k-- > 0;)
    t += "\n-> #" + std::to_string(k) + " (" + cycle[k] + "){+.+.}:\n       f+0x1/0x2\n";
  return ParseSplat(t, "chain.txt");
}

std::string ModelOf(const World& w, const ClassAssignment& a, const std::string& splat_class) {
  for (size_t i = 0; i < a.splat.size(); ++i)
    if (a.splat[i] == splat_class) return w.ClassName(a.model[i]);
  return "";
}

TEST(ClassMapping, VersionIsAnUnknownAndTheFeasibleAssignmentComesFirst) {
  const World& w = Builtins().Load("v5.0");
  StaticLockGraph g(w);
  for (const char* fixture : {"pipe-lock-3-v5.5.txt", "pipe-lock-dmesg-renumbered.txt"}) {
    SplatMapping m = MapSplat(Fixture(fixture), w, g);
    ASSERT_TRUE(m.missing.empty());
    ASSERT_EQ(m.assignments.size(), 2u) << fixture;  // sb_writers#N: ovl's or upper's
    const ClassAssignment& best = m.assignments.front();
    EXPECT_TRUE(best.Feasible());
    EXPECT_FALSE(m.assignments.back().Feasible());
    EXPECT_EQ(w.ClassName(best.cycle[2]), "sb_writers#4");
    EXPECT_EQ(w.ClassName(best.cycle[0]), "&pipe->mutex/1");
    EXPECT_TRUE(best.warnings.empty());
    EXPECT_GT(best.frame_score, 0);
  }
}

TEST(ClassMapping, OtherSubclassOnlyGivesAFidelityWarningNamingTheSchemeLine) {
  const World& w = Builtins().Load("mainline");
  StaticLockGraph g(w);
  SplatMapping m = MapSplat(Fixture("pipe-lock-3-v5.5.txt"), w, g);
  ASSERT_TRUE(m.missing.empty());
  ASSERT_FALSE(m.assignments.empty());
  for (const ClassAssignment& a : m.assignments) {
    EXPECT_FALSE(a.Feasible());
    ASSERT_EQ(a.warnings.size(), 1u);
    EXPECT_NE(a.warnings[0].find("model/schemes/mainline.scheme:"), std::string::npos) << a.warnings[0];
    EXPECT_NE(a.warnings[0].find("without subclass /1"), std::string::npos) << a.warnings[0];
  }
  std::set<std::string> pipes;
  for (const ClassAssignment& a : m.assignments) pipes.insert(ModelOf(w, a, "&pipe->mutex/1"));
  EXPECT_EQ(pipes, (std::set<std::string>{"&pipe->mutex", "&pipe->mutex/2"}));
}

TEST(ClassMapping, DifferentVersionsOfAFamilyMapToDifferentClasses) {
  const World& w = Builtins().Load("v5.0");
  StaticLockGraph g(w);
  SplatMapping m = MapSplat(ChainSplat({"sb_writers#3", "&ovl_i_mutex_key[depth]", "sb_writers#7"}), w, g);
  ASSERT_EQ(m.assignments.size(), 2u);
  for (const ClassAssignment& a : m.assignments)
    EXPECT_NE(ModelOf(w, a, "sb_writers#3"), ModelOf(w, a, "sb_writers#7"));
  // Three sb_writers keys, two in the model: no one-to-one assignment.
  EXPECT_TRUE(MapSplat(ChainSplat({"sb_writers#3", "sb_writers#5", "sb_writers#7"}), w, g).assignments.empty());
}

TEST(ClassMapping, SubclassesOfOneKeyStayOneKey) {
  const World& w = Builtins().Load("v5.0");
  StaticLockGraph g(w);
  SplatMapping m = MapSplat(ChainSplat({"&type->i_mutex_dir_key#3/1", "&type->i_mutex_dir_key#3/5"}), w, g);
  ASSERT_FALSE(m.assignments.empty());
  for (const ClassAssignment& a : m.assignments) {
    std::string one = ModelOf(w, a, "&type->i_mutex_dir_key#3/1"), five = ModelOf(w, a, "&type->i_mutex_dir_key#3/5");
    EXPECT_EQ(one.substr(one.size() - 2), "/1");
    EXPECT_EQ(five.substr(five.size() - 2), "/5");
    EXPECT_EQ(one.substr(0, one.size() - 2), five.substr(0, five.size() - 2));
  }
}

TEST(ClassMapping, MissingFamiliesMakeItNotExpressible) {
  const World& w = Builtins().Load("mainline");
  StaticLockGraph g(w);
  SplatMapping m = MapSplat(Fixture("kernfs-5class.txt"), w, g);
  EXPECT_EQ(m.missing, (std::vector<std::string>{"&of->mutex", "&p->lock"}));
  EXPECT_TRUE(m.assignments.empty());
}

}  // namespace
}  // namespace ovlfuzz
