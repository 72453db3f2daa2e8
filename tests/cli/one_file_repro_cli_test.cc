// One-file reproducers: every .ovl carries the scheme text it ran on, so it
// replays after the scheme file is gone and from any directory, and
// `--scheme` overrides it by content, not by name.
#include "tests/cli/cli_fixture.h"

namespace ovlfuzz::testing {
namespace {

class OneFile : public Cli {
 protected:
  // A copy of v5.0 under another name, fuzzed into out/; returns one
  // lock-inversion artifact and its replay output while the file exists.
  std::string FuzzedArtifact(std::string* report) {
    EXPECT_EQ(Shell("mkdir -p s && { " + std::string(OVLFUZZ_BINARY) +
                    " schemes --show v5.0 | sed 's/^scheme v5.0/scheme mine/' > s/mine.scheme; }")
                  .status,
              0);
    EXPECT_EQ(Run("fuzz --scheme s/mine.scheme --runs 300 --out out -q").status, 1);
    std::string artifact;
    for (const std::string& f : List("out"))
      if (f.rfind("lock-inversion-", 0) == 0 && f.size() > 4 && f.substr(f.size() - 4) == ".ovl") artifact = "out/" + f;
    EXPECT_FALSE(artifact.empty());
    Result r = Run("replay " + artifact);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.err, "");
    *report = r.out;
    return artifact;
  }
};

TEST_F(OneFile, ReplaysTheSameAfterTheSchemeFileIsGoneFromAnotherDirectory) {
  std::string before;
  const std::string artifact = FuzzedArtifact(&before);
  EXPECT_NE(Slurp(dir_ + "/" + artifact).find("\nscheme-text s/mine.scheme\n@ s/mine.scheme:1\n|"), std::string::npos);
  ASSERT_EQ(Shell("rm s/mine.scheme && mkdir elsewhere").status, 0);
  Result r = Shell("cd elsewhere && " + std::string(OVLFUZZ_BINARY) + " replay ../" + artifact);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("note: scheme '" + dir_), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is not here; replaying against the scheme text embedded in"), std::string::npos) << r.err;
  // The same report, down to the scheme lines it cites. The reproducer names
  // the scheme by its absolute path; the embedded text cites it as the
  // fuzzing session was given it (s/mine.scheme).
  std::string want = before.substr(0, before.find("replay: ovlfuzz replay "));
  for (size_t at; (at = want.find(dir_ + "/")) != std::string::npos;) want.erase(at, dir_.size() + 1);
  EXPECT_EQ(r.out.substr(0, r.out.find("replay: ovlfuzz replay ")), want);
  EXPECT_NE(before.find("s/mine.scheme:"), std::string::npos);
}

TEST_F(OneFile, ChangedSchemeFileReplaysTheEmbeddedTextUnlessOverridden) {
  std::string before;
  const std::string artifact = FuzzedArtifact(&before);
  // The same locking, every line one further down: which text replays
  // shows in the lines the report cites.
  ASSERT_EQ(Shell("sed -i '1i # an edit' s/mine.scheme").status, 0);
  Result r = Run("replay " + artifact);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("changed since this reproducer was recorded; replaying against the scheme text embedded"),
            std::string::npos)
      << r.err;
  auto body = [](const std::string& s) { return s.substr(0, s.find("replay: ovlfuzz replay ")); };
  std::string recorded = body(before);  // cites the file by the absolute path fuzz recorded
  for (size_t at; (at = recorded.find(dir_ + "/")) != std::string::npos;) recorded.erase(at, dir_.size() + 1);
  EXPECT_EQ(body(r.out), recorded);  // the embedded text: the lines as they were
  r = Run("replay " + artifact + " --scheme s/mine.scheme");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("is not the text this reproducer was recorded against"), std::string::npos) << r.err;
  EXPECT_NE(body(r.out), recorded);  // the current text: every cited line one further down
}

TEST_F(OneFile, SchemeOverrideIsComparedByContentNotName) {
  std::string before;
  const std::string artifact = FuzzedArtifact(&before);
  ASSERT_EQ(Shell("cp s/mine.scheme s/renamed.scheme").status, 0);
  Result r = Run("replay " + artifact + " --scheme s/renamed.scheme");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err, "");  // same text: nothing to say
  r = Run("replay " + artifact + " --scheme mainline");
  EXPECT_NE(r.err.find("scheme 'mainline' is not the text"), std::string::npos) << r.err;
}

TEST_F(OneFile, CorruptEmbeddedTextIsALineError) {
  std::string before;
  const std::string artifact = FuzzedArtifact(&before);
  ASSERT_EQ(Shell("sed -i 's/^|scheme mine$/|scheme yours/' " + artifact).status, 0);
  Result r = Run("replay " + artifact);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(OneLineError(r, artifact)) << r.err;
  EXPECT_NE(r.err.find("the embedded scheme text does not match the hash"), std::string::npos) << r.err;
}

TEST_F(OneFile, DiffWithASchemeFileWritesReproducersThatReplay) {
  ASSERT_EQ(Shell("{ " + std::string(OVLFUZZ_BINARY) +
                  " schemes --show v5.0 | sed 's/^scheme v5.0/scheme v5.6-splice/' > splice.scheme; }")
                .status,
            0);
  Result d = Run("diff --scheme splice.scheme --scheme mainline --runs 300 --out d");
  ASSERT_NE(d.out.find("replay: ovlfuzz replay "), std::string::npos) << d.out << d.err;
  int replayed = 0;
  for (const std::string& f : List("d")) {
    if (f.size() < 4 || f.substr(f.size() - 4) != ".ovl") continue;
    Result r = Run("replay d/" + f);
    EXPECT_EQ(r.status, 1) << f << ": " << r.err;
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

}  // namespace
}  // namespace ovlfuzz::testing
