// End-to-end tests of the ovlfuzz binary: fuzz -> artifact -> replay,
// exit statuses, and one-line errors for bad input.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"

namespace {

using ovlfuzz::testing::Cli;
using ovlfuzz::testing::Result;
using ovlfuzz::testing::Slurp;

TEST_F(Cli, FuzzV50FindsTheSeedChainAndReplaysBitForBit) {
  Result f = Run("fuzz --scheme v5.0 --runs 3000 --out out -q");
  ASSERT_EQ(f.status, 1) << f.err;
  EXPECT_NE(f.out.find("&pipe->mutex/1"), std::string::npos);
  EXPECT_NE(f.out.find("replay: ovlfuzz replay out/lock-inversion-"), std::string::npos);
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ + "/out/summary.json"));
  EXPECT_EQ(summary["runs"], 3000);
  ASSERT_FALSE(summary["findings"].empty());
  for (const auto& fnd : summary["findings"]) {
    EXPECT_TRUE(fnd.contains("kind") && fnd.contains("signature") && fnd.contains("first_found_seconds"));
    std::string artifact = fnd["artifact"];
    Result a = Run("replay " + artifact);
    Result b = Run("replay " + artifact);
    EXPECT_EQ(a.status, 1) << a.out << a.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_NE(a.out.find("signature: " + fnd["signature"].get<std::string>()), std::string::npos) << a.out;
    EXPECT_NE(a.out.find("replay: ovlfuzz replay " + artifact), std::string::npos);
  }
  for (const std::string& n : List("out")) EXPECT_EQ(n.find(".tmp."), std::string::npos) << n;
}

TEST_F(Cli, FuzzWritesJsonAndHtmlReportsNextToArtifacts) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 300 --out out -q --report json,html").status, 1);
  int ovl = 0, json = 0, html = 0;
  for (const std::string& n : List("out")) {
    ovl += n.size() > 4 && n.substr(n.size() - 4) == ".ovl";
    json += n.size() > 5 && n.substr(n.size() - 5) == ".json" && n.rfind("summary", 0) != 0;
    html += n.size() > 5 && n.substr(n.size() - 5) == ".html";
  }
  EXPECT_GT(ovl, 0);
  EXPECT_EQ(json, ovl);
  EXPECT_EQ(html, ovl);
  EXPECT_EQ(Run("fuzz --scheme v5.0 --runs 1 --report pdf").status, 2);
}

TEST_F(Cli, MainlineIsClean) {
  Result f = Run("fuzz --scheme mainline --runs 3000 --out out -q");
  EXPECT_EQ(f.status, 0) << f.out << f.err;
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ + "/out/summary.json"));
  EXPECT_TRUE(summary["findings"].empty());
}

TEST_F(Cli, ReplayJsonHasTheDocumentedFields) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 500 --out out -q").status, 1);
  std::string artifact = "out/" + List("out").front();
  if (artifact.find("summary") != std::string::npos) artifact = "out/" + List("out").back();
  Result r = Run("replay " + artifact + " --format json");
  ASSERT_EQ(r.status, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["scheme"]["name"], "v5.0");
  ASSERT_FALSE(j["findings"].empty());
  const auto& f = j["findings"][0];
  for (const char* key : {"kind", "signature", "signature_hash", "chain", "threads", "site"})
    EXPECT_TRUE(f.contains(key)) << key;
  EXPECT_TRUE(j.contains("schedule") && j.contains("threads") && j.contains("replay"));
}

TEST_F(Cli, BrokenSchemeLineIsExit2WithFileLineCol) {
  std::string good = Slurp(std::string(OVLFUZZ_SOURCE_DIR) + "/model/schemes/mainline.scheme");
  size_t at = good.find("  lock i_rwsem(f)  ");
  ASSERT_NE(at, std::string::npos);
  good.replace(at, 18, "  lokc i_rwsem(f)  ");
  Write("broken.scheme", good);
  Result r = Run("fuzz --scheme broken.scheme --runs 10 --out out");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(OneLineError(r, "broken.scheme")) << r.err;
  EXPECT_NE(r.err.find("unknown statement 'lokc'"), std::string::npos) << r.err;
  Result c = Run("check-scheme broken.scheme");
  EXPECT_EQ(c.status, 2);
  EXPECT_EQ(c.err, r.err);
}

TEST_F(Cli, TruncatedReproducerIsExit2) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 500 --out out -q").status, 1);
  std::string name;
  for (const std::string& n : List("out"))
    if (n.find(".ovl") != std::string::npos) name = n;
  std::string text = Slurp(dir_ + "/out/" + name);
  Write("cut.ovl", text.substr(0, text.find("schedule")));
  Result r = Run("replay cut.ovl");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(OneLineError(r, "cut.ovl")) << r.err;
}

TEST_F(Cli, RandomBytesAreExit2) {
  std::string bytes;
  unsigned seed = 12345;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((seed = seed * 1103515245 + 12345) >> 16));
  Write("random.ovl", bytes);
  Write("random.scheme", bytes);
  Result r = Run("replay random.ovl");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(OneLineError(r, "random.ovl")) << r.err;
  Result s = Run("check-scheme random.scheme");
  EXPECT_EQ(s.status, 2);
  EXPECT_TRUE(OneLineError(s, "random.scheme")) << s.err;
}

TEST_F(Cli, BadFlagsAreExit2) {
  for (const char* args : {"fuzz --scheme v5.0 --bogus", "fuzz", "fuzz --scheme v5.0 --threads 9",
                           "fuzz --scheme v5.0 --strategy dfs", "fuzz --scheme nosuch --runs 1",
                           "replay", "replay missing.ovl", "frobnicate"}) {
    Result r = Run(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
  }
}

TEST_F(Cli, ConvertRoundTripsAndBinaryReplaysTheSame) {
  std::string src = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions/v5.0-pipe-freezer-deadlock.ovl";
  ASSERT_EQ(Run("convert " + src + " -o crash.bin").status, 1);  // 1: it shows its finding
  Result bin = Run("replay crash.bin --scheme v5.0");
  Result text = Run("replay " + src);
  EXPECT_EQ(bin.status, 1);
  // Same findings, same report body (only the replay line differs).
  EXPECT_EQ(bin.out.substr(0, bin.out.find("replay: ")), text.out.substr(0, text.out.find("replay: ")));
  ASSERT_EQ(Run("convert crash.bin --scheme v5.0 -o back.ovl").status, 1);
  Result back = Run("replay back.ovl");
  EXPECT_EQ(back.out.substr(0, back.out.find("replay: ")), text.out.substr(0, text.out.find("replay: ")));
  Result missing = Run("replay crash.bin");
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(OneLineError(missing, "crash.bin")) << missing.err;
  EXPECT_EQ(Run("convert crash.bin --scheme v5.0 --to yaml -o x").status, 2);
}

TEST_F(Cli, MinimizeKeepsTheSignatureAndWritesText) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --threads 4 --ops 6 --runs 3000 --out out -q").status, 1);
  for (const std::string& n : List("out")) {
    if (n.find(".ovl") == std::string::npos) continue;
    std::string text = Slurp(dir_ + "/out/" + n);
    std::string sig = text.substr(text.find("# signature: ") + 13);
    sig = sig.substr(0, sig.find('\n'));
    Result m = Run("minimize out/" + n + " -o min.ovl --max-seconds 20");
    ASSERT_EQ(m.status, 1) << m.err;
    EXPECT_NE(m.out.find("threads"), std::string::npos);
    EXPECT_NE(m.out.find("replay: ovlfuzz replay min.ovl"), std::string::npos);
    Result r = Run("replay min.ovl");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("signature: " + sig), std::string::npos) << n;
  }
  Write("clean.ovl", "ovlfuzz 1\nscheme mainline any\nstrategy pct 3 1\nthread\n  write f0\nschedule\n");
  Result clean = Run("minimize clean.ovl -o x.ovl");
  EXPECT_EQ(clean.status, 2);
  EXPECT_TRUE(OneLineError(clean, "clean.ovl")) << clean.err;
}

TEST_F(Cli, TriageGroupsBySignatureAndExitsOneOnFindings) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 2000 --out out -q").status, 1);
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ + "/out/summary.json"));
  Result t = Run("triage out");
  EXPECT_EQ(t.status, 1) << t.err;
  EXPECT_NE(t.out.find(std::to_string(summary["findings"].size()) + " artifact(s)"), std::string::npos) << t.out;
  for (const auto& f : summary["findings"]) {
    EXPECT_NE(t.out.find(f["signature"].get<std::string>()), std::string::npos);
    EXPECT_NE(t.out.find("bug " + f["bug_hash"].get<std::string>()), std::string::npos);
  }
  // Each signature kept once, minimized, and a markdown table for CI.
  Result m = Run("triage out --minimize-to min --markdown triage.md --max-seconds 5");
  EXPECT_EQ(m.status, 1) << m.err;
  std::string md = Slurp(dir_ + "/triage.md");
  EXPECT_NE(md.find("| bug | signature | scheme | count | first seen | reproducer | replay |"), std::string::npos);
  size_t kept = 0;
  for (const auto& f : summary["findings"]) {
    EXPECT_NE(md.find(f["signature"].get<std::string>()), std::string::npos);
    std::string min = "min/v5.0-" + f["kind"].get<std::string>() + "-" +
                      f["artifact"].get<std::string>().substr(f["artifact"].get<std::string>().rfind('-') + 1);
    Result r = Run("replay " + min);
    EXPECT_EQ(r.status, 1) << min << r.err;
    EXPECT_NE(r.out.find("signature: " + f["signature"].get<std::string>()), std::string::npos) << min;
    ++kept;
  }
  EXPECT_EQ(List("min").size(), kept);
  ASSERT_EQ(Run("fuzz --scheme mainline --runs 500 --out clean -q").status, 0);
  EXPECT_EQ(Run("triage clean").status, 0);
  EXPECT_EQ(Run("triage nowhere").status, 2);
}

TEST_F(Cli, HtmlReportIsSelfContainedAndShowsTheCycle) {
  std::string src = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions/v5.0-pipe-freezer-deadlock.ovl";
  Result r = Run("replay " + src + " --format html -o report.html");
  ASSERT_EQ(r.status, 1) << r.err;
  std::string html = Slurp(dir_ + "/report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* external : {"http://", "https://", "src=", "<link"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  for (const char* want : {"&amp;pipe-&gt;mutex/1", "sb_writers#4", "&amp;ovl_i_mutex_key[depth]", "<th>T2</th>",
                           "k-blocked", "cls cycle", "*** DEADLOCK ***"})
    EXPECT_NE(html.find(want), std::string::npos) << want;
  // In a real browser (Debian chromium), when it is installed.
  if (access("/usr/bin/chromium", X_OK) != 0) GTEST_SKIP() << "chromium not installed: run ci/html-check by hand";
  Result c = Shell(std::string(OVLFUZZ_SOURCE_DIR) + "/ci/html-check report.html sb_writers#4 DEADLOCK");
  EXPECT_EQ(c.status, 0) << c.out << c.err;
}

TEST_F(Cli, HelpOnEverySubcommand) {
  for (const char* cmd : {"fuzz", "replay", "convert", "minimize", "triage", "schemes", "check-scheme", "graph"}) {
    Result r = Run(std::string(cmd) + " --help");
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_NE(r.out.find("usage: ovlfuzz"), std::string::npos) << cmd;
  }
}

TEST_F(Cli, SchemesListsBuiltinsAndCheckSchemeAcceptsThem) {
  Result r = Run("schemes");
  EXPECT_EQ(r.status, 0);
  for (const char* name : {"v5.0", "mainline", "start-write-callback", "s-writers-redirect", "trylock-xattr"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
    Result c = Run(std::string("check-scheme ") + OVLFUZZ_SOURCE_DIR + "/model/schemes/" + name + ".scheme");
    EXPECT_EQ(c.status, 0) << c.err;
  }
}

TEST_F(Cli, SchemeFileFromDocsWorkedExample) {
  Result r = Run(std::string("fuzz --scheme ") + OVLFUZZ_SOURCE_DIR +
                 "/docs/examples/ima-open.scheme --runs 3000 --out out -q");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("&iint->mutex"), std::string::npos);
  std::string name;
  for (const std::string& n : List("out"))
    if (n.find(".ovl") != std::string::npos) name = n;
  Result p = Run("replay out/" + name);
  EXPECT_EQ(p.status, 1) << p.err;
}

}  // namespace
