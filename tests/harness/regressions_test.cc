// Replays every reproducer under corpus/regressions/ and checks that it
// still produces the finding its "# signature:" line records, with the same
// report twice in a row.
#include <dirent.h>

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "model/harness/replay.h"
#include "model/report/text_report.h"
#include "model/scheme/builtin.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

std::vector<std::string> RegressionFiles() {
  std::vector<std::string> files;
  std::string dir = std::string(OVLFUZZ_SOURCE_DIR) + "/corpus/regressions";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && n.substr(n.size() - 4) == ".ovl") files.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Render(const World& w, const Repro& r, const RunResult& res) {
  ReportContext ctx(w, r.program);
  std::string s;
  for (const Finding& f : res.findings) s += ctx.Render(f);
  return s;
}

TEST(Regressions, EachReproducesItsSignature) {
  std::set<std::string> covered;
  for (const std::string& path : RegressionFiles()) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const World* w = nullptr;
    Repro r = ParseRepro(ss.str(), path, [](const Repro& rep, int, int) -> const World& {
      return testing::Builtins().Load(rep.scheme_ref);
    }, &w);
    std::string want;
    for (const std::string& c : r.comments)
      if (c.rfind("# signature: ", 0) == 0) want = c.substr(13);
    ASSERT_FALSE(want.empty()) << path << " has no '# signature:' line";
    RunResult a = testing::RunWithSchedule(*w, r.program, r.schedule);
    RunResult b = testing::RunWithSchedule(*w, r.program, r.schedule);
    ASSERT_TRUE(ScheduleFits(r, a.diverged, a.schedule))
        << path << ": the recorded schedule no longer fits the scheme; re-record this regression";
    bool found = false;
    for (const Finding& f : a.findings) found |= f.signature == want;
    EXPECT_TRUE(found) << path << ": expected " << want;
    EXPECT_EQ(Render(*w, r, a), Render(*w, r, b)) << path;
    covered.insert(r.scheme_ref);
  }
  for (const ovlfuzz::BuiltinScheme& b : BuiltinSchemes()) {
    const World& w = testing::Builtins().Load(b.name);
    if (!w.scheme().expect.empty()) EXPECT_TRUE(covered.count(b.name)) << "no regression for " << b.name;
  }
}

// A reproducer saved by another editor (a byte-order mark, CRLF or CR-only
// line ends) is the same reproducer: same program, schedule and hash check.
TEST(Regressions, LineEndingsAndByteOrderMarkDoNotMatter) {
  const std::vector<std::string> files = RegressionFiles();
  ASSERT_FALSE(files.empty());
  std::ifstream in(files[0]);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string lf = ss.str();
  auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
    return s;
  };
  auto load = [](const Repro& rep, int, int) -> const World& { return testing::Builtins().Load(rep.scheme_ref); };
  const World* w = nullptr;
  const Repro want = ParseRepro(lf, files[0], load, &w);
  for (const std::string& text : {"\xEF\xBB\xBF" + lf, replace_all(lf, "\n", "\r\n"), replace_all(lf, "\n", "\r")}) {
    EXPECT_TRUE(LooksText(text));
    Repro got = ParseRepro(text, files[0], load, &w);
    EXPECT_EQ(got.scheme_ref, want.scheme_ref);
    EXPECT_EQ(got.scheme_hash, want.scheme_hash);
    EXPECT_EQ(got.schedule, want.schedule);
    EXPECT_TRUE(got.program == want.program);
    EXPECT_EQ(got.comments, want.comments);
  }
}

}  // namespace
}  // namespace ovlfuzz
