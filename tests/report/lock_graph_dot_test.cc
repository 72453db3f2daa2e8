// The lock graph picture: the static graph of v5.0 shows the seed cycle
// (&pipe->mutex/1 -> &ovl_i_mutex_key[depth] -> sb_writers#4) in red, a
// clean scheme none; DOT text is deterministic and escaped; a replayed
// finding's cycle is marked.
#include "model/report/lock_graph_dot.h"

#include <gtest/gtest.h>

#include "model/analysis/static_locks.h"
#include "model/harness/replay.h"
#include "model/report/lock_graph_sources.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

using testing::Builtins;

std::string StaticDot(const std::string& scheme) {
  const World& world = Builtins().Load(scheme);
  StaticLockGraph graph(world);
  LockGraphPicture picture;
  AddStaticEdges(world, graph, &picture);
  picture.title = scheme;
  picture.source = "static";
  return RenderLockGraphDot(picture);
}

// The DOT line of edge from -> to (found by its tooltip), or "".
std::string EdgeLine(const std::string& dot, const std::string& from, const std::string& to) {
  const size_t at = dot.find("tooltip=\"" + from + " -> " + to + "\"");
  if (at == std::string::npos) return "";
  const size_t begin = dot.rfind('\n', at) + 1;
  return dot.substr(begin, dot.find('\n', at) - begin);
}

const char kPipe[] = "&pipe->mutex/1";
const char kInode[] = "&ovl_i_mutex_key[depth]";
const char kWriters[] = "sb_writers#4";

TEST(LockGraphDot, V50SeedCycleIsRed) {
  const std::string dot = StaticDot("v5.0");
  for (const char* cls : {kPipe, kInode, kWriters})
    EXPECT_NE(dot.find("[label=\"" + std::string(cls) + "\", color=red"), std::string::npos) << cls;
  for (const auto& [from, to] : {std::pair{kPipe, kInode}, {kInode, kWriters}, {kWriters, kPipe}}) {
    const std::string line = EdgeLine(dot, from, to);
    ASSERT_FALSE(line.empty()) << from << " -> " << to << "\n" << dot;
    EXPECT_NE(line.find("color=red"), std::string::npos) << line;
    EXPECT_NE(line.find("style=bold"), std::string::npos) << line;
    EXPECT_NE(line.find("v5.0.scheme:"), std::string::npos) << line;  // labelled with its scheme line
  }
  EXPECT_NE(EdgeLine(dot, kPipe, kInode).find("splice_to_ovl"), std::string::npos);
  EXPECT_NE(EdgeLine(dot, kWriters, kPipe).find("splice_to_upper"), std::string::npos);
  // An edge off every cycle stays grey.
  const std::string tee = EdgeLine(dot, kPipe, "&pipe->mutex/2");
  ASSERT_FALSE(tee.empty());
  EXPECT_EQ(tee.find("red"), std::string::npos) << tee;
}

TEST(LockGraphDot, CleanSchemeHasNoRedEdge) {
  const std::string dot = StaticDot("mainline");
  EXPECT_NE(dot.find(" -> "), std::string::npos);
  EXPECT_EQ(dot.find("color=red"), std::string::npos) << dot;
}

TEST(LockGraphDot, SameInputSameBytes) {
  EXPECT_EQ(StaticDot("v5.0"), StaticDot("v5.0"));
  LockGraphPicture a, b;
  a.AddEdge("x", "y", "op1 f:1");
  a.AddEdge("y", "z", "op2 f:2");
  b.AddEdge("y", "z", "op2 f:2");
  b.AddEdge("x", "y", "op1 f:1");
  EXPECT_EQ(RenderLockGraphDot(a), RenderLockGraphDot(b));
}

TEST(LockGraphDot, CyclesSelfLoopsLabelCapAndEscaping) {
  LockGraphPicture p;
  p.AddEdge("a", "b", "");
  p.AddEdge("b", "a", "");
  p.AddEdge("b", "c", "");
  p.AddEdge("r", "r", "recursive f:9");
  for (int i = 0; i < 5; ++i) p.AddEdge("c", "d\"\\", "op" + std::to_string(i) + " f:" + std::to_string(i));
  p.AddEdge("c", "d\"\\", "op0 f:0");  // a repeated site is kept once
  const std::set<LockGraphPicture::Key> cycle = p.CycleEdges();
  EXPECT_EQ(cycle, (std::set<LockGraphPicture::Key>{{"a", "b"}, {"b", "a"}, {"r", "r"}}));
  const std::string dot = RenderLockGraphDot(p);
  EXPECT_NE(dot.find("label=\"op0 f:0\\nop1 f:1\\nop2 f:2\\n+2 more\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("[label=\"d\\\"\\\\\"]"), std::string::npos) << dot;
  EXPECT_NE(EdgeLine(dot, "r", "r").find("color=red"), std::string::npos);
}

TEST(LockGraphDot, ReplayedFindingCycleIsMarked) {
  const std::string path = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions/v5.0-pipe-lock-inversion.ovl";
  Replayable r =
      LoadReplayable(testing::ReadSchemeFile("corpus/regressions/v5.0-pipe-lock-inversion.ovl"), path, "", Builtins());
  RunResult result = Replay(&r, path, RunLimits{});
  ASSERT_FALSE(result.findings.empty());
  LockGraphPicture picture;
  AddRunEdges(*r.world, r.repro.program, result, &picture);
  const std::string dot = RenderLockGraphDot(picture);
  for (const auto& [from, to] : {std::pair{kPipe, kInode}, {kInode, kWriters}, {kWriters, kPipe}})
    EXPECT_NE(EdgeLine(dot, from, to).find("penwidth=3, class=\"finding\""), std::string::npos)
        << from << " -> " << to << "\n"
        << dot;
}

}  // namespace
}  // namespace ovlfuzz
