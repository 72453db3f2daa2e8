// `ovlfuzz export` and `verify --oracles` end to end: the model goes to
// stdout or -o, bad flags are one-line errors with exit 2, --help documents
// the exit statuses, and a deadlock-only verify reports only deadlocks.
#include "tests/cli/cli_fixture.h"

namespace ovlfuzz::testing {
namespace {

const char kSpinOps[] =
    "--only-ops write,splice_to_ovl,splice_to_upper,splice_from_ovl,freeze,thaw,readdir,copy_up,unlink,fsync "
    "--files 1 --dirs 1 --pipes 1";

TEST_F(Cli, ExportWritesTheSameModelToStdoutAndToAFile) {
  const std::string args = std::string("export --format promela --scheme v5.0 --threads 3 --ops 1 ") + kSpinOps;
  Result out = Run(args);
  ASSERT_EQ(out.status, 0) << out.err;
  EXPECT_NE(out.out.find("scheme v5.0"), std::string::npos);
  EXPECT_NE(out.out.find("produced by: ovlfuzz export --format promela --scheme v5.0 --threads 3 --ops 1 --only-ops"),
            std::string::npos);
  EXPECT_NE(out.out.find("active [3] proctype thread()"), std::string::npos);
  Result file = Run(args + " -o model.pml");
  ASSERT_EQ(file.status, 0) << file.err;
  EXPECT_EQ(Slurp(dir_ + "/model.pml"), out.out);
  // Flag order does not change a byte.
  Result reordered = Run(std::string("export --ops 1 --threads 3 --scheme v5.0 --format promela ") + kSpinOps);
  EXPECT_EQ(reordered.out, out.out);
}

TEST_F(Cli, ExportBadFlagsAreOneLineErrorsWithExit2) {
  for (const std::string& args :
       {"export --format dot --scheme v5.0", "export --scheme v5.0", "export --format promela --scheme nope",
        "export --format promela --scheme v5.0 --threads 9", "export --format promela --scheme v5.0 --preemptions 1",
        "export --format promela --scheme v5.0 --only-ops nosuchop", "export --format promela --scheme v5.0 --bogus"}) {
    Result r = Run(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  Result help = Run("export --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("exit status:"), std::string::npos);
  EXPECT_NE(help.out.find("--format"), std::string::npos);
  EXPECT_NE(Run("--help").out.find("export"), std::string::npos);
}

TEST_F(Cli, VerifyOraclesDeadlockReportsOnlyDeadlocks) {
  Result r = Run(std::string("verify --scheme v5.0 --threads 3 --ops 1 --oracles deadlock -q ") + kSpinOps);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("*** DEADLOCK ***"), std::string::npos) << r.out;
  EXPECT_EQ(Slurp(dir_ + "/ovlfuzz-out/verify.json").find("\"lock-inversion\""), std::string::npos);
  Result clean = Run(std::string("verify --scheme mainline --threads 2 --ops 1 --oracles deadlock -q ") + kSpinOps);
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("oracles deadlock: no deadlock in any schedule"), std::string::npos) << clean.out;
  Result bad = Run("verify --scheme v5.0 --oracles deadlock,nope");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown finding kind 'nope'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ovlfuzz::testing
