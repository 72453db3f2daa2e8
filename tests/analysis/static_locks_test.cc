// The static lock graph must hold every dependency any run creates (it is
// the proof behind `absent`), and name the ops that create each.
#include "model/analysis/static_locks.h"

#include <gtest/gtest.h>

#include "model/core/rng.h"
#include "model/program/generate.h"
#include "model/scheme/builtin.h"
#include "tests/explain/explain_test_util.h"

namespace ovlfuzz {
namespace {

using testing::Builtins;

int Class(const World& w, const std::string& name) {
  for (int c = 0; c < w.classes(); ++c)
    if (w.ClassName(c) == name) return c;
  return -1;
}

// Random programs under random schedules: every dependency and every
// recursive acquisition they show must be in the static graph.
void ExpectSound(const World& w, int runs) {
  StaticLockGraph g(w);
  Rng rng(7);
  GenLimits gen;
  gen.max_threads = 3;
  gen.max_ops = 4;
  size_t seen = 0;
  for (int i = 0; i < runs; ++i) {
    Program p = GenerateProgram(w, gen, rng);
    auto s = i % 2 ? MakeRandomStrategy(rng.Next()) : MakePctStrategy(rng.Next(), 3);
    RunResult r = RunOnce(w, p, *s);
    for (const ChainLink& l : r.edges) {
      ASSERT_TRUE(g.HasEdge(l.from_cls, l.cls))
          << w.scheme().name << ": run made " << w.ClassName(l.from_cls) << " -> " << w.ClassName(l.cls);
      ++seen;
    }
    for (const Finding& f : r.findings)
      if (f.kind == FindingKind::kLockInversion && f.chain.size() == 1)
        ASSERT_TRUE(g.HasEdge(f.chain[0].cls, f.chain[0].cls)) << w.ClassName(f.chain[0].cls);
  }
  EXPECT_GT(seen, 0u);
}

TEST(StaticLockGraph, HoldsEveryDependencyRunsCreate) {
  for (const BuiltinScheme& b : BuiltinSchemes()) ExpectSound(Builtins().Load(b.name), 4000);
  testing::OwnedWorld kernfs = testing::WorldFromText(testing::ReadSource("docs/examples/kernfs-seq.scheme"));
  ExpectSound(*kernfs.world, 2000);
}

TEST(StaticLockGraph, NamesTheOpsThatCreateAnEdge) {
  const World& w = Builtins().Load("v5.0");
  StaticLockGraph g(w);
  const int pipe = Class(w, "&pipe->mutex/1"), inode = Class(w, "&ovl_i_mutex_key[depth]");
  ASSERT_TRUE(g.HasEdge(pipe, inode));
  for (const StaticSite& s : g.Sites(pipe, inode)) {
    EXPECT_EQ(w.scheme().routines[s.call.routine].name, "splice_to_ovl");
    EXPECT_EQ(w.scheme().routines[s.routine].code[s.pc].line, 126);           // lock i_rwsem(f)
    EXPECT_EQ(w.scheme().routines[s.held_routine].code[s.held_pc].line, 125);  // lock pipe_mutex(p)/1
  }
  // Every argument tuple: 2 pipes x 2 files.
  EXPECT_EQ(g.Sites(pipe, inode).size(), 4u);
}

TEST(StaticLockGraph, MainlineNeverLocksTheOverlayInodeUnderThePipe) {
  const World& w = Builtins().Load("mainline");
  StaticLockGraph g(w);
  const int inode = Class(w, "&ovl_i_mutex_key[depth]");
  for (const char* pipe : {"&pipe->mutex", "&pipe->mutex/1", "&pipe->mutex/2"})
    EXPECT_FALSE(g.HasEdge(Class(w, pipe), inode)) << pipe;
  EXPECT_TRUE(g.HasEdge(Class(w, "sb_writers#4"), Class(w, "&pipe->mutex")));
}

TEST(StaticLockGraph, RecursionThroughTheRedirectedWriters) {
  const World& redirect = Builtins().Load("s-writers-redirect");
  const int sw = Class(redirect, "sb_writers#4");
  StaticLockGraph g(redirect);
  ASSERT_TRUE(g.HasEdge(sw, sw));
  const World& v50 = Builtins().Load("v5.0");
  StaticLockGraph h(v50);
  EXPECT_FALSE(h.HasEdge(Class(v50, "sb_writers#4"), Class(v50, "sb_writers#4")));
}

}  // namespace
}  // namespace ovlfuzz
