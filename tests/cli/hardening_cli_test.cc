// What users and a fault-injection campaign tripped on (issue 13): each
// case here failed before its fix.
#include "tests/cli/cli_fixture.h"

namespace ovlfuzz::testing {
namespace {

// Numbers Boost would otherwise take: "-1" for an unsigned option wraps to
// 2^64-1, "inf" is a double; each is one line on stderr and exit 2, and
// the command does nothing first (no header, no output directory).
TEST_F(Cli, OutOfDomainNumbersAreExit2BeforeAnyWork) {
  for (const char* args :
       {"fuzz --scheme v5.0 --seconds inf", "fuzz --scheme v5.0 --seconds nan", "fuzz --scheme v5.0 --seconds 1e400",
        "fuzz --scheme v5.0 --seed -1 --runs 10", "fuzz --scheme v5.0 --seed=-1 --runs 10",
        "verify --scheme v5.0 --threads 2 --ops 1 --max-seconds inf", "verify --scheme v5.0 --memory 0 -q",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops ,,,",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops lookup,,readdir",
        "verify --scheme v5.0 --threads 2 --ops 1 --only-ops ''"}) {
    Result r = Run(std::string(args) + " --out out");
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(": error: "), std::string::npos) << args << ": " << r.err;
    EXPECT_TRUE(List("out").empty()) << args;
  }
}

TEST_F(Cli, FullSharedVisitedSetStillFinishesWithTheSameVerdict) {
  // ~400k states: 1 MiB (49k states) fills early.
  const std::string bounds =
      "verify --scheme v5.0 --threads 2 --ops 2 --only-ops splice_to_upper,splice_to_ovl,thaw,freeze,copy_up --all -q "
      "--jobs 2";
  Result roomy = Run(bounds + " --out a");
  Result tight = Run(bounds + " --memory 1 --out b");
  EXPECT_EQ(roomy.status, 1) << roomy.err;
  EXPECT_EQ(tight.status, roomy.status) << tight.err;
  EXPECT_EQ(roomy.err.find("filled up"), std::string::npos) << roomy.err;
  EXPECT_NE(tight.err.find("filled up; the jobs went on with private tables"), std::string::npos) << tight.err;
  EXPECT_NE(tight.out.find("search complete"), std::string::npos) << tight.out;
  std::vector<std::string> a = List("a"), b = List("b");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}


// fuzz --corpus used to prune .ovl files it had not written (finding
// artifacts kept next to the corpus), leaving summary.json pointing at
// missing files.
TEST_F(Cli, CorpusSavingNeverDeletesFilesTheSessionDidNotWrite) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 200 --out dir -q").status, 1);
  std::vector<std::string> before = List("dir");
  ASSERT_GT(before.size(), 1u);
  Result r = Run("fuzz --scheme v5.0 --runs 300 --corpus dir --out dir2 -q");
  EXPECT_EQ(r.status, 1) << r.err;
  std::vector<std::string> after = List("dir");
  for (const std::string& f : before)
    EXPECT_NE(std::find(after.begin(), after.end(), f), after.end()) << f << " was deleted";
  EXPECT_GT(after.size(), before.size());  // the session's entries were added
  EXPECT_NE(r.err.find("(files are never deleted)"), std::string::npos) << r.err;
}

// hitrate printed PCT's bound for depth d even when the bug needs a larger
// depth; it now checks every PCT choice and says when the bound does not apply.
TEST_F(Cli, HitrateSaysWhenThePctBoundDoesNotApply) {
  Write("seed.ovl",
        "ovlfuzz 1\nscheme v5.0 any\nstrategy pct 3 1\nthread\n  splice_to_ovl p0 f0\nthread\n"
        "  splice_to_upper p0 f0\nthread\n  freeze\nschedule 0*9 1*2 2*2\n");
  Result r = Run("hitrate seed.ovl --kind deadlock --runs 200 --pct-depth 1");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("does NOT apply: none of the 6 PCT choices of depth 1 hits this bug (the smallest depth "
                       "that does: d=2)"),
            std::string::npos)
      << r.out;
  r = Run("hitrate seed.ovl --kind deadlock --runs 200 --pct-depth 2");
  EXPECT_NE(r.out.find("; holds: exact rate over all "), std::string::npos) << r.out;
}

// Exit codes keep to 0 clean, 1 finding, 2 bad input, 3 cut short, and
// every command's --help says which it uses.
TEST_F(Cli, MinimizeExitsOneAndEveryHelpDocumentsItsExitStatus) {
  ASSERT_EQ(Run("fuzz --scheme v5.0 --runs 100 --out o -q").status, 1);
  std::string artifact;
  for (const std::string& f : List("o"))
    if (f.rfind("lock-inversion-", 0) == 0) artifact = "o/" + f;
  ASSERT_FALSE(artifact.empty());
  Result m = Run("minimize " + artifact + " -o min.ovl");
  EXPECT_EQ(m.status, 1) << m.err;
  EXPECT_EQ(Run("replay min.ovl").status, 1);
  EXPECT_EQ(Run("convert min.ovl -o min.bin").status, 1);
  for (const char* cmd : {"fuzz", "replay", "convert", "minimize", "triage", "verify", "diff", "explain", "hitrate",
                          "graph", "schemes", "check-scheme"}) {
    Result h = Run(std::string(cmd) + " --help");
    EXPECT_EQ(h.status, 0) << cmd;
    EXPECT_NE(h.out.find("\nexit status:\n  "), std::string::npos) << cmd << ":\n" << h.out;
    EXPECT_NE(h.out.find("  2  bad usage"), std::string::npos) << cmd;
  }
}

// fuzz --stop-at-first ends the session with the run (and its deadlock
// escalation) that found something; every finding records its run.
TEST_F(Cli, StopAtFirstEndsTheSessionAndFindingsRecordTheirRun) {
  Result r = Run("fuzz --scheme v5.0 --stop-at-first --out o -q");
  EXPECT_EQ(r.status, 1) << r.err;
  const std::string summary = Slurp(dir_ + "/o/summary.json");
  EXPECT_NE(summary.find("\"stopped_at_first\": true"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"first_found_runs\": "), std::string::npos) << summary;
  EXPECT_EQ(summary.find("\"runs\": 20"), std::string::npos);  // nowhere near a full session
  Result full = Run("fuzz --scheme v5.0 --runs 2000 --out p -q");
  EXPECT_NE(Slurp(dir_ + "/p/summary.json").find("\"stopped_at_first\": false"), std::string::npos);
}

// SIGINT/SIGTERM used to leave no summary.json. The session now stops at
// its next poll, writes the summary marked interrupted and exits 128+sig.
TEST_F(Cli, SigintAndSigtermWriteAnInterruptedSummary) {
  for (const auto& [sig, status] : {std::pair<std::string, int>{"INT", 130}, {"TERM", 143}}) {
    const std::string out = "s" + sig;
    // Grouped: the fixture runs the command after `cd DIR &&`. The loop
    // gives up after 20 s, so a broken build fails instead of hanging.
    Result r = Shell("{ " + std::string(OVLFUZZ_BINARY) + " fuzz --scheme mainline --seconds 60 --out " + out +
                     " -q & p=$!; i=0; while [ ! -d " + out + " ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); "
                     "done; sleep 0.3; kill -" + sig + " $p; wait $p; echo status=$?; }");
    EXPECT_NE(r.out.find("status=" + std::to_string(status)), std::string::npos) << sig << ": " << r.out << r.err;
    const std::string summary = Slurp(dir_ + "/" + out + "/summary.json");
    EXPECT_NE(summary.find("\"interrupted\": true"), std::string::npos) << summary;
    EXPECT_NE(summary.find("\"signal\": \"SIG" + sig + "\""), std::string::npos) << summary;
  }
}

// Two sessions with one --out used to leave one summary.json: each now
// keeps summary-<id>.json, and summary.json is the latest.
TEST_F(Cli, ConcurrentSessionsKeepTheirOwnSummaries) {
  Result r = Shell("{ for i in 1 2 3; do " + std::string(OVLFUZZ_BINARY) +
                   " fuzz --scheme v5.0 --runs 400 --seed $i --out o -q >/dev/null & done; wait; }");
  int summaries = 0;
  for (const std::string& f : List("o")) {
    summaries += f.rfind("summary-", 0) == 0;
    EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
  }
  EXPECT_EQ(summaries, 3);
  EXPECT_NE(Slurp(dir_ + "/o/summary.json").find("\"session\": "), std::string::npos);
}

// A file-size limit (ulimit -f) used to kill the process with SIGXFSZ and
// leave *.tmp.PID behind: now the write fails, exit 2, one line, no temp.
TEST_F(Cli, FileSizeLimitIsAFailedWriteNotAKill) {
  Result r = Shell("{ ulimit -f 1; " + std::string(OVLFUZZ_BINARY) + " fuzz --scheme v5.0 --runs 500 --out o -q; }");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  for (const std::string& f : List("o")) EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
  r = Shell("{ ulimit -f 1; " + std::string(OVLFUZZ_BINARY) + " replay " + std::string(OVLFUZZ_SOURCE_DIR) +
            "/corpus/regressions/v5.0-pipe-freezer-deadlock.ovl --format html -o big.html; }");
  EXPECT_EQ(r.status, 2) << r.err;
  for (const std::string& f : List(".")) EXPECT_EQ(f.find("big.html"), std::string::npos) << f;
}

// `schemes` cut each description after its first line, mid-sentence.
TEST_F(Cli, SchemesPrintsWholeDescriptions) {
  Result r = Run("schemes");
  ASSERT_EQ(r.status, 0);
  for (const char* name : {"v5.0", "start-write-callback", "s-writers-redirect", "trylock-xattr", "mainline"}) {
    std::istringstream text(Slurp(std::string(OVLFUZZ_SOURCE_DIR) + "/model/schemes/" + name + ".scheme"));
    int lines = 0;
    for (std::string line; std::getline(text, line) && line.size() > 1 && line[0] == '#'; ++lines)
      EXPECT_NE(r.out.find("\n      " + line.substr(2) + "\n"), std::string::npos) << name << ": " << line;
    EXPECT_GT(lines, 3) << name;
  }
}

// The README's sample report had drifted from what `replay` prints. The
// sample is the first fenced block that starts with lockdep's banner and
// ends with a `replay: ovlfuzz replay FILE` line; replaying FILE from the
// source tree must print exactly the block (after the program header).
TEST_F(Cli, ReadmeSampleReportEqualsReplayOutput) {
  const std::string readme = Slurp(std::string(OVLFUZZ_SOURCE_DIR) + "/README.md");
  const size_t start = readme.find("```\n======================================================\n");
  ASSERT_NE(start, std::string::npos) << "no sample report in README.md";
  const size_t end = readme.find("```", start + 4);
  const std::string sample = readme.substr(start + 4, end - start - 4);
  const size_t at = sample.rfind("replay: ovlfuzz replay ");
  ASSERT_NE(at, std::string::npos);
  const std::string file = sample.substr(at + 23, sample.find('\n', at) - at - 23);
  Result r = Shell("cd " + std::string(OVLFUZZ_SOURCE_DIR) + " && " + OVLFUZZ_BINARY + " replay " + file);
  ASSERT_EQ(r.status, 1) << r.err;
  // replay starts with a header naming the program; the sample starts at the report.
  EXPECT_EQ(r.out.substr(r.out.find("======")), sample);
}

}  // namespace
}  // namespace ovlfuzz::testing
