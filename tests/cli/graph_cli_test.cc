// `ovlfuzz graph` end to end: bad input is one line and exit 2, DOT goes to
// a file or stdout without graphviz, SVG through graphviz's `dot` (skipped
// when it is not installed) and, with chromium, renders with the seed
// cycle red; --from replays a reproducer or a fuzz directory; HTML reports
// carry the run's lock graph.
#include <unistd.h>

#include "tests/cli/cli_fixture.h"

namespace ovlfuzz::testing {
namespace {

const std::string kRegression = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions/v5.0-pipe-lock-inversion.ovl";

bool HaveDot() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

bool OneLine(const Result& r) { return !r.err.empty() && r.err.find('\n') == r.err.size() - 1; }

TEST_F(Cli, GraphBadInputIsOneLineAndExit2) {
  for (const char* args :
       {"graph", "graph --bogus", "graph --scheme nope", "graph --scheme v5.0 --format png",
        "graph --scheme v5.0 --runs 0", "graph --scheme v5.0 --seconds -1", "graph --from missing.ovl",
        "graph --from . --format dot", "graph --from missing.ovl --runs 5", "graph --scheme v5.0 --seed -1"}) {
    Result r = Run(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_TRUE(OneLine(r)) << args << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  Write("summary.json", "{\"findings\": 3}");
  Result r = Run("graph --from . --format dot");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("summary.json"), std::string::npos) << r.err;
}

TEST_F(Cli, GraphDotToFileAndStdout) {
  Result r = Run("graph --scheme v5.0 --format dot -o g.dot");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("source: static lock graph"), std::string::npos) << r.err;
  const std::string dot = Slurp(dir_ + "/g.dot");
  EXPECT_EQ(dot.rfind("// ovlfuzz lock graph", 0), 0u);
  EXPECT_NE(dot.find("tooltip=\"&pipe->mutex/1 -> &ovl_i_mutex_key[depth]\", color=red"), std::string::npos);
  EXPECT_TRUE(List("").size() == 3) << "no temporary left next to g.dot";  // stdout, stderr, g.dot
  // No -o: DOT on stdout, the same bytes; no graphviz needed.
  Result s = Shell("PATH=/nonexistent " + std::string(OVLFUZZ_BINARY) + " graph --scheme v5.0");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out, dot);
  Result clean = Run("graph --scheme mainline");
  ASSERT_EQ(clean.status, 0);
  EXPECT_EQ(clean.out.find("color=red"), std::string::npos);
}

TEST_F(Cli, GraphFromReproducerAndFuzzDirectory) {
  Result r = Run("graph --from " + kRegression + " -o one.dot");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(Slurp(dir_ + "/one.dot").find("class=\"finding\""), std::string::npos);
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 3000 --out fz -q").status, 1);
  Result d = Run("graph --from fz --format dot");
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.out.find("tooltip=\"sb_writers#4 -> &pipe->mutex/1\", color=red, fontcolor=red, style=bold, penwidth=3"),
            std::string::npos)
      << d.out;
  EXPECT_NE(d.err.find("summary.json"), std::string::npos) << d.err;
  // The fuzz source is deterministic for --runs and --seed.
  Result f1 = Run("graph --scheme v5.0 --runs 500 --seed 7"), f2 = Run("graph --scheme v5.0 --runs 500 --seed 7");
  ASSERT_EQ(f1.status, 0) << f1.err;
  EXPECT_EQ(f1.out, f2.out);
  EXPECT_NE(f1.err.find("source: fuzz session: 500 runs, seed 7"), std::string::npos) << f1.err;
}

TEST_F(Cli, GraphSvgNeedsGraphviz) {
  Result missing = Shell("PATH=/nonexistent " + std::string(OVLFUZZ_BINARY) + " graph --scheme v5.0 -o g.svg");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err,
            "ovlfuzz graph: error: graphviz 'dot' not found (apt-get install graphviz); use --format dot\n");
  EXPECT_TRUE(List("").size() == 2) << "nothing written";  // stdout, stderr
  if (!HaveDot()) GTEST_SKIP() << "graphviz not installed";
  Result r = Run("graph --scheme v5.0 -o g.svg");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string svg = Slurp(dir_ + "/g.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("class=\"edge cycle\""), std::string::npos);
  EXPECT_NE(svg.find("&amp;pipe&#45;&gt;mutex/1"), std::string::npos);
  if (access("/usr/bin/chromium", X_OK) != 0) GTEST_SKIP() << "chromium not installed: run ci/graph-check by hand";
  Result c = Shell(std::string(OVLFUZZ_SOURCE_DIR) +
                   "/ci/graph-check g.svg '&pipe->mutex/1' '&ovl_i_mutex_key[depth]' 'sb_writers#4'");
  EXPECT_EQ(c.status, 0) << c.out << c.err;
}

TEST_F(Cli, HtmlReportEmbedsTheLockGraph) {
  Result plain = Shell("PATH=/nonexistent " + std::string(OVLFUZZ_BINARY) + " replay " + kRegression +
                       " --format html -o plain.html");
  ASSERT_EQ(plain.status, 1) << plain.err;
  const std::string without = Slurp(dir_ + "/plain.html");
  EXPECT_NE(without.find("<h2>Lock graph</h2>"), std::string::npos);
  EXPECT_NE(without.find("<details class=\"lockgraph-dot\">"), std::string::npos);
  EXPECT_NE(without.find("tooltip=&quot;&amp;pipe-&gt;mutex/1"), std::string::npos) << "DOT text, escaped";
  if (!HaveDot()) GTEST_SKIP() << "graphviz not installed";
  ASSERT_EQ(Run("replay " + kRegression + " --format html -o report.html").status, 1);
  const std::string html = Slurp(dir_ + "/report.html");
  EXPECT_NE(html.find("<div class=\"lockgraph\"><svg"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_NE(html.find("class=\"edge finding\""), std::string::npos);
  if (access("/usr/bin/chromium", X_OK) != 0) GTEST_SKIP() << "chromium not installed: run ci/html-check by hand";
  Result c = Shell(std::string(OVLFUZZ_SOURCE_DIR) + "/ci/html-check report.html 'Lock graph' sb_writers#4");
  EXPECT_EQ(c.status, 0) << c.out << c.err;
}

}  // namespace
}  // namespace ovlfuzz::testing
