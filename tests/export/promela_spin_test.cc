// The Promela export against SPIN: on every built-in scheme at 2 x 1 and
// 3 x 1 (SPIN's 10 ops, one file, dir and pipe), SPIN's invalid-end-state
// search on the exported model finds a deadlock exactly when `verify
// --oracles deadlock` does, so SPIN checks the model's deadlocks
// independently. Skipped where spin or gcc is not on PATH. Also: the export
// is deterministic, and a tiny scheme's model holds the expected lock
// operations.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "model/export/promela.h"
#include "model/verify/explorer.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

using testing::Builtins;

const std::vector<std::string> kSpinOps = {"write", "splice_to_ovl", "splice_to_upper", "splice_from_ovl", "freeze",
                                           "thaw",  "readdir",       "copy_up",         "unlink",          "fsync"};

VerifyOptions Bounds(const World& w, int threads, int ops) {
  VerifyOptions o;
  o.threads = threads;
  o.ops = ops;
  for (const std::string& n : kSpinOps) o.only_ops.push_back(w.scheme().FindOp(n));
  o.files = o.dirs = o.pipes = 1;
  return o;
}

bool OnPath(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct SpinRun {
  bool ran = false;  // spin, gcc and pan all finished
  int errors = -1;
  std::string log;
};

// spin -a; gcc -O2 -DSAFETY; ./pan (invalid end states are checked by
// default). -DVECTORSZ and -m are size bounds only.
SpinRun RunSpin(const std::string& model) {
  char tmpl[] = "/tmp/ovlfuzz-spin-XXXXXX";
  SpinRun r;
  if (!mkdtemp(tmpl)) return r;
  const std::string dir = tmpl;
  std::ofstream(dir + "/model.pml", std::ios::binary) << model;
  const std::string cmd = "cd " + dir +
                          " && spin -a model.pml >spin.log 2>&1 && gcc -O2 -DSAFETY -DVECTORSZ=4096 -o pan pan.c "
                          ">gcc.log 2>&1 && ./pan -m1000000 >pan.log 2>&1";
  const int rc = std::system(cmd.c_str());
  r.log = Slurp(dir + "/spin.log") + Slurp(dir + "/gcc.log") + Slurp(dir + "/pan.log");
  r.ran = WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
  std::smatch m;
  if (std::regex_search(r.log, m, std::regex("errors: ([0-9]+)"))) r.errors = std::stoi(m[1]);
  std::system(("rm -rf " + dir).c_str());
  return r;
}

struct Case {
  const char* scheme;
  int threads, ops;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.scheme << " " << c.threads << "x" << c.ops; }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string s = info.param.scheme;
  for (char& c : s)
    if (c == '.' || c == '-') c = '_';
  return s + "_" + std::to_string(info.param.threads) + "x" + std::to_string(info.param.ops);
}

class SpinAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(SpinAgreement, SpinFindsADeadlockExactlyWhenVerifyDoes) {
  if (!OnPath("spin") || !OnPath("gcc")) GTEST_SKIP() << "spin or gcc not on PATH";
  const Case& c = GetParam();
  const World& w = Builtins().Load(c.scheme);
  VerifyOptions o = Bounds(w, c.threads, c.ops);
  const std::string model = ExportPromela(w, o, {"test bounds", "promela_spin_test"});

  VerifyOptions deadlock_only = o;
  deadlock_only.kinds = 1u << static_cast<int>(FindingKind::kDeadlock);
  const VerifyResult v = Verify(w, deadlock_only);
  const bool ovlfuzz_deadlocks = !v.findings.empty();
  ASSERT_TRUE(ovlfuzz_deadlocks || v.stats.complete);

  const SpinRun spin = RunSpin(model);
  ASSERT_TRUE(spin.ran) << spin.log;
  ASSERT_EQ(spin.log.find("max search depth too small"), std::string::npos) << spin.log;
  ASSERT_GE(spin.errors, 0) << spin.log;
  if (spin.errors > 0) EXPECT_NE(spin.log.find("invalid end state"), std::string::npos) << spin.log;
  EXPECT_EQ(spin.errors > 0, ovlfuzz_deadlocks) << c.scheme << " " << c.threads << "x" << c.ops << "\n" << spin.log;

  // The canaries: the comparison means something only if both verdicts occur.
  const std::string s = c.scheme;
  if (s == "v5.0" && c.threads == 3) EXPECT_TRUE(ovlfuzz_deadlocks) << "v5.0's seed deadlock (expect: deadlock)";
  if (s == "mainline") EXPECT_FALSE(ovlfuzz_deadlocks) << "mainline is clean";
}

INSTANTIATE_TEST_SUITE_P(Builtins, SpinAgreement,
                         ::testing::Values(Case{"v5.0", 2, 1}, Case{"v5.0", 3, 1}, Case{"start-write-callback", 2, 1},
                                           Case{"start-write-callback", 3, 1}, Case{"s-writers-redirect", 2, 1},
                                           Case{"s-writers-redirect", 3, 1}, Case{"trylock-xattr", 2, 1},
                                           Case{"trylock-xattr", 3, 1}, Case{"mainline", 2, 1}, Case{"mainline", 3, 1}),
                         CaseName);

TEST(PromelaExport, IsByteIdenticalAcrossCalls) {
  for (const char* name : {"v5.0", "start-write-callback", "s-writers-redirect", "trylock-xattr", "mainline"}) {
    const World& w = Builtins().Load(name);
    VerifyOptions o;
    o.threads = 3;
    o.ops = 2;
    const PromelaInfo info{"3 x 2", "ovlfuzz export --format promela --scheme x"};
    const std::string a = ExportPromela(w, o, info);
    const World again(w.scheme());
    EXPECT_EQ(a, ExportPromela(again, o, info)) << name;
    EXPECT_NE(a.find("hash " + Hex64(w.scheme().hash)), std::string::npos) << name;
    EXPECT_NE(a.find("produced by: ovlfuzz export --format promela --scheme x"), std::string::npos) << name;
  }
}

// One op of each kind of step: a mutex, a shared rwsem read under it, a
// trylock with its skip fallback, a freeze and a thaw.
TEST(PromelaExport, TinySchemeHasTheExpectedLockOperations) {
  testing::OwnedWorld w = testing::WorldFromText(
      "scheme tiny\n"
      "world files=1 dirs=1 pipes=1\n"
      "op a(pipe p, file f):\n"
      "  lock pipe_mutex(p)\n"
      "  lock i_rwsem(f) read\n"
      "end\n"
      "op b(file f):\n"
      "  block:\n"
      "    trylock sb_writers(upper) read else skip\n"
      "    lock i_rwsem(f)\n"
      "  end\n"
      "end\n"
      "op fr():\n"
      "  freeze upper\n"
      "end\n"
      "op th():\n"
      "  thaw upper\n"
      "end\n");
  VerifyOptions o;
  o.threads = 2;
  o.ops = 3;
  const std::string m = ExportPromela(*w.world, o, {"2 x 3", "test"});
  auto has = [&](const std::string& text) { EXPECT_NE(m.find(text), std::string::npos) << text << "\n" << m; };
  has("active [2] proctype thread()");
  has(":: nops < 3 ->");
  // mutex: exclusive, a waiter is counted.
  has("(lk_pipe_mutex_p0.w == 0 && lk_pipe_mutex_p0.r == 0) -> lk_pipe_mutex_p0.w = 1;");
  has("lk_pipe_mutex_p0.ww++");
  has("lk_pipe_mutex_p0.ww--; lk_pipe_mutex_p0.w = 1;");
  // rwsem read: waits behind a queued writer.
  has("(lk_i_rwsem_f0.w == 0 && lk_i_rwsem_f0.ww == 0) -> lk_i_rwsem_f0.r++;");
  // op end: release in reverse order.
  has("lk_i_rwsem_f0.r--; lk_pipe_mutex_p0.w = 0;  /* op end");
  // trylock: no wait, a fallback branch.
  has(":: else ->  /* trylock failed */");
  // freeze: -EBUSY check, three levels, handed to the superblock; thaw.
  has(":: frozen_upper || freezing_upper ->  /* -EBUSY */");
  has("lk_sb_writers_upper_SB_FREEZE_FS.w = 1; lk_sb_writers_upper_SB_FREEZE_PAGEFAULT.w = 1; "
      "lk_sb_writers_upper_SB_FREEZE_WRITE.w = 1; frozen_upper = 1; freezing_upper = 0;");
  has(":: frozen_upper -> lk_sb_writers_upper_SB_FREEZE_FS.w = 0;");
  // The environment's thaw when nobody can run.
  has("timeout && (frozen_upper)");
  has("end_done: false");
  // One atomic step per acquisition: pipe, i_rwsem read, trylock, i_rwsem,
  // three freeze levels (as blocking steps or inline first steps).
  const std::regex step("S[0-9]+: atomic \\{");
  EXPECT_GE(std::distance(std::sregex_iterator(m.begin(), m.end(), step), std::sregex_iterator()), 7);
}

}  // namespace
}  // namespace ovlfuzz
