// The parser fuzz targets' bodies (fuzz/parser_targets.h) in the release
// build: every seed of their corpora and a handful of hostile inputs must
// come back as accepted or a clean InputError, never as a crash or another
// exception. The libFuzzer build runs the same code under ASan+UBSan.
#include "fuzz/parser_targets.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ovlfuzz::fuzz {
namespace {

std::vector<std::string> FilesIn(const std::string& rel, const std::string& suffix) {
  std::vector<std::string> files;
  const std::string dir = std::string(OVLFUZZ_SOURCE_DIR) + "/" + rel;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
        files.push_back(dir + "/" + n);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Inputs meant to hurt a parser: both targets get all of them.
std::vector<std::string> NastyInputs() {
  std::vector<std::string> v;
  v.push_back("");
  v.push_back(std::string(1, '\0'));
  v.push_back(std::string("scheme x\0\nop a():\nend\n", 22));
  v.push_back(std::string(4096, '\0'));
  v.push_back(std::string(100000, '(') + std::string(100000, ')'));
  v.push_back("scheme x\nop a(file f):\n  lock i_rwsem(" + std::string(100000, '(') + "f" + std::string(100000, ')') +
              ")\nend\n");
  std::string deep = "f";
  for (int i = 0; i < 20000; ++i) deep = "upper(" + deep + ")";
  v.push_back("scheme x\nop a(file f):\n  lock i_rwsem(" + deep + ")\nend\n");
  v.push_back("scheme x\nworld files=99999999999999999999999999 dirs=-1 pipes=18446744073709551616\n");
  v.push_back("scheme x\nop a():\n  repeat 99999999999999999999:\n  end\nend\n");
  v.push_back("scheme x\nsuper o overlay class=2147483648 depth=9223372036854775808\n");
  v.push_back("# x\novlfuzz 1\nscheme v5.0 any\nstrategy pct 99999999999999999999999 18446744073709551616\n");
  v.push_back("# x\novlfuzz 1\nscheme v5.0 any\nstrategy pct 3 1\nthread\n  freeze\nschedule 0*1000000 0*1000000\n");
  v.push_back("\xff\xfe\xfd scheme \xc0\xaf op \xed\xa0\x80\n");
  v.push_back("# \xf4\x90\x80\x80\novlfuzz 1\n");
  v.push_back("\xef\xbb\xbf# bom\r\novlfuzz 1\rscheme any any\r\n");
  v.push_back("scheme x\nextends /etc/passwd\n");
  v.push_back("scheme x\nextends ../../../../etc/passwd\n");
  v.push_back("# x\novlfuzz 1\nscheme \"/etc/passwd\" any\nstrategy pct 3 1\nthread\n  freeze\nschedule\n");
  v.push_back(std::string(200000, '#'));
  v.push_back(std::string(200000, '\n'));
  v.push_back("\"" + std::string(100000, 'x'));
  return v;
}

TEST(ParserTargets, SchemeSeedsParse) {
  std::vector<std::string> seeds = FilesIn("model/schemes", ".scheme");
  const size_t builtin = seeds.size();
  for (const std::string& f : FilesIn("docs/examples", ".scheme")) seeds.push_back(f);
  const size_t valid = seeds.size();
  for (const std::string& f : FilesIn("corpus/schemes", ".scheme")) seeds.push_back(f);
  ASSERT_GE(builtin, 5u);
  ASSERT_GT(seeds.size(), valid);
  for (size_t i = 0; i < seeds.size(); ++i) {
    const bool ok = CheckSchemeText(Slurp(seeds[i]));
    // The built-ins and the documented examples are valid; the unit tests'
    // snippets are often broken on purpose.
    if (i < valid) EXPECT_TRUE(ok) << seeds[i];
  }
}

TEST(ParserTargets, ReproSeedsReplay) {
  std::vector<std::string> seeds = FilesIn("corpus/regressions", ".ovl");
  for (const std::string& f : FilesIn("corpus/seeds", ".ovl")) seeds.push_back(f);
  ASSERT_GE(seeds.size(), 5u);
  // Regressions name their scheme; seeds say `scheme any` and get one.
  for (const std::string& f : seeds) EXPECT_TRUE(ReplayReproText(Slurp(f))) << f;
}

TEST(ParserTargets, SchemesAsReprosAndReprosAsSchemes) {
  for (const std::string& f : FilesIn("model/schemes", ".scheme")) EXPECT_FALSE(ReplayReproText(Slurp(f))) << f;
  for (const std::string& f : FilesIn("corpus/regressions", ".ovl")) EXPECT_FALSE(CheckSchemeText(Slurp(f))) << f;
}

TEST(ParserTargets, NastyInputsAreCleanErrors) {
  for (const std::string& in : NastyInputs()) {
    SCOPED_TRACE(in.substr(0, 60));
    EXPECT_FALSE(CheckSchemeText(in));
    // Bytes that do not look like a .ovl file are a binary engine input,
    // whose decoding is total: those replay. The text ones are all broken.
    const bool text = !in.empty() && in.find_first_not_of(" \t\r\n") != std::string::npos &&
                      (in[in.find_first_not_of(" \t\r\n")] == '#' || in.rfind("\xef\xbb\xbf#", 0) == 0);
    bool replayed = false;
    EXPECT_NO_THROW(replayed = ReplayReproText(in));
    if (text) EXPECT_FALSE(replayed);
  }
}

TEST(ParserTargets, NoFileIsRead) {
  // A base or a reproducer's scheme that is not built in is refused even
  // when the file exists: the targets must not depend on the disk.
  const std::string path = std::string(OVLFUZZ_SOURCE_DIR) + "/docs/examples/ima-open.scheme";
  EXPECT_FALSE(CheckSchemeText("scheme x\nextends " + path + "\n"));
  EXPECT_TRUE(CheckSchemeText("scheme x\nextends v5.0\n"));
}

}  // namespace
}  // namespace ovlfuzz::fuzz
