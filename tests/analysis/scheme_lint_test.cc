// check-scheme's static checks: an unlock some path reaches without the
// lock (through if/else, trylock outcomes, calls and repeats) is an error
// at its line:col; unused locks and unreachable subs are warnings.
#include "model/analysis/scheme_lint.h"

#include <gtest/gtest.h>

#include "model/scheme/builtin.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

SchemeLint Lint(const std::string& body, const std::string& decls = "") {
  testing::OwnedWorld w = testing::WorldFromText("scheme lint\nworld files=1 dirs=1 pipes=1\n" + decls + body);
  return LintScheme(*w.world);
}

void ExpectOneError(const SchemeLint& l, int line, int col, const std::string& part) {
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].line, line);
  EXPECT_EQ(l.errors[0].col, col);
  EXPECT_NE(l.errors[0].message.find(part), std::string::npos) << l.errors[0].message;
}

TEST(SchemeLint, BuiltinsAreClean) {
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    SchemeLint l = LintScheme(testing::Builtins().Load(b.name));
    EXPECT_TRUE(l.errors.empty()) << b.name << ": " << l.errors[0].message;
    EXPECT_TRUE(l.warnings.empty()) << b.name << ": " << l.warnings[0].message;
  }
}

TEST(SchemeLint, ExtraUnlockIsAnErrorAtItsLineAndColumn) {
  ExpectOneError(Lint("op a(file f):\n  lock i_rwsem(f)\n  unlock i_rwsem(f)\n  unlock i_rwsem(f)\nend\n"), 6, 3,
                 "unlock of i_rwsem(f0) that is not held on some path (reached by a f0)");
}

TEST(SchemeLint, UnlockOnlyHeldOnOneBranch) {
  ExpectOneError(Lint("op a(file f):\n  if f has x:\n    lock i_rwsem(f)\n  end\n  unlock i_rwsem(f)\nend\n"), 7, 3,
                 "not held on some path");
  // Held on both branches: fine.
  EXPECT_TRUE(
      Lint("op a(file f):\n  if f has x:\n    lock i_rwsem(f)\n  else:\n    lock i_rwsem(f)\n  end\n"
           "  unlock i_rwsem(f)\nend\n")
          .errors.empty());
}

TEST(SchemeLint, UnlockAfterAFailedTrylockThatSkipsNothing) {
  ExpectOneError(Lint("op a(file f):\n  trylock i_rwsem(f) else ignore\n  unlock i_rwsem(f)\nend\n"), 5, 3,
                 "not held");
  EXPECT_TRUE(Lint("op a(file f):\n  block:\n    trylock i_rwsem(f) else skip\n    unlock i_rwsem(f)\n  end\nend\n")
                  .errors.empty());
}

TEST(SchemeLint, UnlockInACalledSubAndInARepeat) {
  ExpectOneError(Lint("sub drop(file g):\n  unlock i_rwsem(g)\nend\nop a(file f):\n  call drop(f)\nend\n"), 4, 3,
                 "through a -> drop");
  ExpectOneError(Lint("op a(file f):\n  lock i_rwsem(f)\n  repeat 2:\n    unlock i_rwsem(f)\n  end\nend\n"), 6, 5,
                 "not held");
}

TEST(SchemeLint, UnusedLocksAndUnreachableSubsAreWarnings) {
  SchemeLint l = Lint("sub lonely(file g):\n  lock i_rwsem(g)\nend\nop a(file f):\n  lock i_rwsem(f)\nend\n",
                      "lock spare mutex per global \"&spare\"\n");
  EXPECT_TRUE(l.errors.empty());
  ASSERT_EQ(l.warnings.size(), 2u);
  EXPECT_EQ(l.warnings[0].line, 3);
  EXPECT_NE(l.warnings[0].message.find("lock 'spare' is declared but no statement takes it"), std::string::npos);
  EXPECT_EQ(l.warnings[1].line, 4);
  EXPECT_NE(l.warnings[1].message.find("sub 'lonely' is called by no op"), std::string::npos);
}

}  // namespace
}  // namespace ovlfuzz
