// `ovlfuzz explain` end to end: the "done when" (the seed splat
// reproduced on v5.0 and absent on mainline, reproducers replaying from
// another directory), a user scheme with new classes, exit statuses, JSON,
// determinism, and one-line errors for bad splats and flags.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.h"

namespace {

using ovlfuzz::testing::Cli;
using ovlfuzz::testing::Result;
using ovlfuzz::testing::Slurp;

std::string Splat(const std::string& name) { return std::string(OVLFUZZ_SOURCE_DIR) + "/tests/explain/splats/" + name; }

const nlohmann::json* ResultFor(const nlohmann::json& doc, const std::string& scheme) {
  for (const auto& r : doc["results"])
    if (r["scheme"] == scheme) return &r;
  return nullptr;
}

TEST_F(Cli, ExplainSeedSplatReproducedOnV50AbsentOnMainline) {
  Result r = Run("explain " + Splat("pipe-lock-3-v5.5.txt") + " --scheme v5.0 --scheme mainline --seconds 8 --out out");
  ASSERT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("== v5.0 (model/schemes/v5.0.scheme): reproduced"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sb_writers#3 = sb_writers#4"), std::string::npos);
  EXPECT_NE(r.out.find("-> #2 (sb_writers#3)"), std::string::npos);  // the side-by-side
  EXPECT_NE(r.out.find("Chain exists of:"), std::string::npos);      // the reproducer's own report
  EXPECT_NE(r.out.find("== mainline (model/schemes/mainline.scheme): absent for any bounds"), std::string::npos);
  EXPECT_NE(r.out.find("cross-check: verify finds none of the chains in every schedule of up to"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("[explain v5.0]"), std::string::npos);  // progress goes to stderr

  auto doc = nlohmann::json::parse(Slurp(dir_ + "/out/explain.json"));
  EXPECT_EQ(doc["splat"]["kind"], "circular");
  EXPECT_EQ(doc["splat"]["acquiring"], "&pipe->mutex/1");
  EXPECT_EQ(doc["splat"]["held"], "sb_writers#3");
  EXPECT_EQ(doc["splat"]["chain"].size(), 3u);
  const nlohmann::json* v50 = ResultFor(doc, "v5.0");
  const nlohmann::json* main = ResultFor(doc, "mainline");
  ASSERT_TRUE(v50 && main);
  EXPECT_EQ((*v50)["verdict"], "reproduced");
  EXPECT_EQ((*v50)["mapping"]["sb_writers#3"], "sb_writers#4");
  EXPECT_LE((*v50)["seconds"].get<double>(), 10.0);
  EXPECT_EQ((*main)["verdict"], "absent");
  EXPECT_TRUE((*main)["bounds"]["static"].get<bool>());
  EXPECT_FALSE((*main)["bounds"]["verified"].empty());
  EXPECT_TRUE((*main)["reproducer"].is_null());
  EXPECT_FALSE((*main)["warnings"].empty());  // &pipe->mutex/1 has no /1 in mainline

  // Both reproducers replay from another directory.
  for (const char* key : {"reproducer", "deadlock_reproducer"}) {
    std::string file = dir_ + "/" + (*v50)[key].get<std::string>();
    Result rep = Shell("cd / && " + std::string(OVLFUZZ_BINARY) + " replay " + file);
    EXPECT_EQ(rep.status, 1) << key << ": " << rep.err;
    EXPECT_NE(rep.out.find(std::string(key) == "reproducer" ? "possible circular locking dependency" : "DEADLOCK"),
              std::string::npos);
  }
}

TEST_F(Cli, ExplainUserSchemeWithNewClassesAndNotExpressibleOnMainline) {
  std::string scheme = std::string(OVLFUZZ_SOURCE_DIR) + "/docs/examples/kernfs-seq.scheme";
  Write("kernfs.scheme", Slurp(scheme));
  Result r = Run("explain " + Splat("kernfs-5class.txt") +
                 " --scheme kernfs.scheme --scheme mainline --seconds 5 "
                 "--out out -q --format json");
  ASSERT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;  // -q
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc, nlohmann::json::parse(Slurp(dir_ + "/out/explain.json")));
  const nlohmann::json* kf = ResultFor(doc, "kernfs.scheme");
  ASSERT_TRUE(kf);
  EXPECT_EQ((*kf)["verdict"], "reproduced");
  EXPECT_EQ((*kf)["mapping"]["&of->mutex"], "&of->mutex");
  EXPECT_EQ((*kf)["edges"].size(), 5u);
  const nlohmann::json* main = ResultFor(doc, "mainline");
  EXPECT_EQ((*main)["verdict"], "not-expressible");
  EXPECT_EQ((*main)["missing"], nlohmann::json({"&of->mutex", "&p->lock"}));
  // A file scheme's reproducer names it by absolute path: it replays from
  // anywhere.
  Result rep = Shell("cd / && " + std::string(OVLFUZZ_BINARY) + " replay " + dir_ + "/" +
                     (*kf)["reproducer"].get<std::string>());
  EXPECT_EQ(rep.status, 1) << rep.err;
}

TEST_F(Cli, ExplainExitStatuses) {
  // Every scheme absent or not-expressible: 0.
  Result clean = Run("explain " + Splat("ima-2class.txt") + " --scheme mainline --scheme v5.0 --seconds 2 -q --out o1");
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("not-expressible: the scheme takes no lock of &iint->mutex"), std::string::npos);
  // A bounded search the budget cuts, nothing reproduced: 3.
  Write("never.scheme",
        "scheme never\nexpect:\nworld files=1 dirs=1 pipes=1\nlock a_lock mutex per global \"&a->lock\"\n"
        "lock b_lock mutex per global \"&b->lock\"\nop ab():\n  lock a_lock\n  if root has never_set:\n"
        "    lock b_lock\n  end\nend\nop ba():\n  lock b_lock\n  lock a_lock\nend\n");
  Write("ab.txt",
        "WARNING: possible circular locking dependency detected\nt/1 is trying to acquire lock:\n"
        " (&a->lock){+.+.}, at: a+0x1/0x2\n\nbut task is already holding lock:\n (&b->lock){+.+.}, at: b+0x1/0x2\n\n"
        "the existing dependency chain (in reverse order) is:\n\n-> #1 (&b->lock){+.+.}:\n       b+0x1/0x2\n\n"
        "-> #0 (&a->lock){+.+.}:\n       a+0x1/0x2\n");
  Result cut = Run("explain ab.txt --scheme never.scheme --threads 4 --ops 32 --seconds 0.5 -q --out o2");
  EXPECT_EQ(cut.status, 3) << cut.out << cut.err;
  EXPECT_NE(cut.out.find("not-found"), std::string::npos);
  Result absent = Run("explain ab.txt --scheme never.scheme --seconds 2 -q --out o3");
  EXPECT_EQ(absent.status, 0) << absent.out;
  EXPECT_NE(absent.out.find("absent within the bounds verify explored"), std::string::npos) << absent.out;
  EXPECT_NE(absent.out.find("no run creates &a->lock -> &b->lock"), std::string::npos) << absent.out;
}

TEST_F(Cli, ExplainIsDeterministic) {
  const std::string cmd = "explain " + Splat("pipe-lock-dmesg-renumbered.txt") + " --scheme v5.0 --seconds 20 -q --seed 5";
  Result a = Run(cmd + " --out a"), b = Run(cmd + " --out b");
  ASSERT_EQ(a.status, 1);
  ASSERT_EQ(b.status, 1);
  auto ja = nlohmann::json::parse(Slurp(dir_ + "/a/explain.json"));
  auto jb = nlohmann::json::parse(Slurp(dir_ + "/b/explain.json"));
  const auto& ra = ja["results"][0];
  const auto& rb = jb["results"][0];
  EXPECT_EQ(ra["found_by"], rb["found_by"]);
  for (const char* key : {"reproducer", "deadlock_reproducer"}) {
    std::string fa = ra[key].get<std::string>(), fb = rb[key].get<std::string>();
    EXPECT_EQ(fa.substr(2), fb.substr(2));
    EXPECT_EQ(Slurp(dir_ + "/" + fa), Slurp(dir_ + "/" + fb));
  }
}

TEST_F(Cli, ExplainBadSplatsAreOneLineErrors) {
  const std::pair<const char*, const char*> bad[] = {
      {"truncated.txt", ":21:1: error: truncated lockdep report"},
      {"entry-without-class.txt", ":14:1: error: chain entry -> #1 has no lock class"},
      {"no-lockdep.txt", ":1:1: error: no lockdep report found"},
      {"garbage.bin", ":1:1: error: no lockdep report found"},
      {"inconsistent-lock-state.txt", ":2:1: error: unsupported lockdep report"},
  };
  for (const auto& [file, message] : bad) {
    Result r = Run("explain " + Splat(file) + " --scheme v5.0 --out out");
    EXPECT_EQ(r.status, 2) << file;
    EXPECT_TRUE(OneLineError(r, Splat(file))) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_TRUE(List("out").empty());  // nothing written
  }
  Result missing = Run("explain nosuch.txt");
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(OneLineError(missing, "nosuch.txt")) << missing.err;
}

TEST_F(Cli, ExplainBadFlagsAreOneLineErrors) {
  const std::string splat = Splat("pipe-lock-3-v5.5.txt");
  for (const std::string flags : {"--seconds inf", "--seconds 0", "--seconds -1", "--seconds nan", "--threads 9",
                                  "--ops 0", "--format xml", "--scheme nosuch", "--bogus"}) {
    Result r = Run("explain " + splat + " " + flags + " --out out");
    EXPECT_EQ(r.status, 2) << flags;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << flags << ": " << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << flags << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << flags;
  }
  Result help = Run("explain --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("exit status:"), std::string::npos);
}

}  // namespace
