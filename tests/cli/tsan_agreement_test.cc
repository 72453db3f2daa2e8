// In the tsan build, TSan's own lock-order detector watches the model's
// acquisitions (model threads are TSan fibers, model locks annotated
// mutexes). TSan works on lock *instances* while lockdep and ovlfuzz work on
// lock *classes*, so agreement is checked where the cycle is one of
// instances: the v5.0 seed chain on one pipe and one file. (Class-only
// cycles, e.g. two different pipes, are reported by ovlfuzz and not by
// TSan; cycles closed only by an acquisition that never happens, as in a
// deadlock, are invisible to TSan, which adds edges on acquisition.) TSan
// mutexes are per (instance, subclass), so rename's lock_rename(), which
// takes two parent dirs in either order as /1 then /5, is accepted as
// lockdep accepts it.
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/test_util.h"

#if defined(OVLFUZZ_TSAN)

namespace ovlfuzz {
namespace {

// Each test gets its own directory: ctest runs tests in parallel.
std::string TempDir() {
  char tmpl[] = "/tmp/ovlfuzz-tsan-XXXXXX";
  return mkdtemp(tmpl) ? tmpl : "/tmp";
}

std::string RunTsan(const std::string& dir, const std::string& args, int* status) {
  std::string err = dir + "/stderr";
  std::string cmd = "TSAN_OPTIONS='detect_deadlocks=1 halt_on_error=0 exitcode=66' " + std::string(OVLFUZZ_BINARY) +
                    " " + args + " >/dev/null 2>" + err;
  int rc = std::system(cmd.c_str());
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `body` on `scheme` serially (thread 0 first, each to its end),
// writes it as a reproducer and replays that under TSan.
std::string ReplaySeriallyUnderTsan(const std::string& scheme, const std::string& body, int* status,
                                    RunResult* serial = nullptr) {
  const World& w = testing::Builtins().Load(scheme);
  Program p = testing::ProgramFromText(w, body);
  RunResult run = testing::RunWithSchedule(w, p, std::vector<uint8_t>(256, 0));
  Repro r;
  r.scheme_ref = scheme;
  r.program = p;
  r.schedule = run.schedule;
  if (serial) *serial = run;
  std::string dir = TempDir();
  std::string path = dir + "/serial.ovl";
  std::ofstream(path) << FormatRepro(w, r);
  return RunTsan(dir, "replay " + path, status);
}

TEST(TsanAgreement, TsanReportsTheV50InversionOnOnePipe) {
  // T0 splices into the overlay file first (P -> OI -> USW), then T1 into
  // the upper file on the same pipe (USW -> P): one instance cycle.
  int status = 0;
  std::string err =
      ReplaySeriallyUnderTsan("v5.0", "thread\n  splice_to_ovl p0 f0\nthread\n  splice_to_upper p0 f0\n", &status);
  EXPECT_NE(err.find("lock-order-inversion"), std::string::npos) << err;
  EXPECT_EQ(status, 66);
}

TEST(TsanAgreement, TsanIsQuietOnMainline) {
  int status = 0;
  std::string dir = TempDir();
  std::string err = RunTsan(dir, "fuzz --scheme mainline --runs 5000 --out " + dir + "/out -q", &status);
  EXPECT_EQ(err.find("ThreadSanitizer"), std::string::npos) << err;
  EXPECT_EQ(status, 0);
}

TEST(TsanAgreement, RenameSubclassesAreOneOrderForTsan) {
  // Two renames between two dirs, in opposite directions, one after the
  // other: lock_rename() takes d1/1 then d0/5, then d0/1 then d1/5.
  // Instance-keyed TSan mutexes would call that an inversion.
  int status = 0;
  RunResult serial;
  std::string err =
      ReplaySeriallyUnderTsan("mainline", "thread\n  rename f0 f1\nthread\n  rename f1 f0\n", &status, &serial);
  ASSERT_TRUE(serial.findings.empty());
  EXPECT_EQ(err.find("ThreadSanitizer"), std::string::npos) << err;
  EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace ovlfuzz

#endif  // OVLFUZZ_TSAN
