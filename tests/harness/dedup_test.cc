// Dedup across seeds: fuzzing each built-in scheme with 10 seeds reports
// every signature once per session, and the bugs those signatures group
// into (BugKey) are the scheme's documented bugs, whatever the seed. The
// lock-inversion bugs are the stable identities (every seed finds exactly
// them); deadlocks realise them with a queued freezer and whichever lock the
// stuck threads hold, so their set may vary by seed but stays within the
// documented list.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "model/harness/fuzz_session.h"
#include "model/oracle/signature.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

constexpr int kSeeds = 10;
constexpr int64_t kRuns = 3000;

struct Expected {
  std::set<std::string> every_seed;  // found by each seed
  std::set<std::string> allowed;     // may be found (superset of every_seed)
};

const std::map<std::string, Expected>& Documented() {
  static const auto* m = [] {
    const std::string inv = "lock-inversion: ", dl = "deadlock: ";
    const std::string pipe_chain = "{&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}";
    const std::string dir_upper = "{&ovl_i_mutex_dir_key[depth], sb_writers#4}";
    auto* m = new std::map<std::string, Expected>;
    // The syzbot chain: pipe -> ovl inode -> upper sb_writers -> pipe.
    (*m)["v5.0"] = {{inv + pipe_chain},
                    {inv + pipe_chain, dl + pipe_chain, dl + "{&pipe->mutex, sb_writers#4}"}};
    // Proposal (a): lookup/readdir take upper freeze under the ovl dir lock.
    (*m)["start-write-callback"] = {{inv + dir_upper}, {inv + dir_upper, dl + dir_upper}};
    // Proposal (b): the same, plus upper freeze taken twice (recursion).
    (*m)["s-writers-redirect"] = {
        {inv + dir_upper, "recursive-locking: {sb_writers#4}"},
        {inv + dir_upper, "recursive-locking: {sb_writers#4}", dl + dir_upper, dl + "{sb_writers#4}",
         dl + "{&ovl_i_mutex_key[depth], sb_writers#4}", dl + "{&pipe->mutex, sb_writers#4}",
         dl + "{&type->s_vfs_rename_key#10, sb_writers#4}"}};
    // Proposal (c): no inversion; failed trylocks skip xattr updates.
    const std::set<std::string> skipped = {"skipped-xattr-update:lookup skips impure origin",
                                           "skipped-xattr-update:readdir skips impure"};
    (*m)["trylock-xattr"] = {skipped, skipped};
    (*m)["mainline"] = {{}, {}};
    return m;
  }();
  return *m;
}

class Dedup : public ::testing::TestWithParam<std::string> {};

TEST_P(Dedup, TenSeedsReportOnlyDocumentedBugsEachSignatureOnce) {
  const World& w = testing::Builtins().Load(GetParam());
  const Expected& want = Documented().at(GetParam());
  std::set<std::string> all_bugs;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    FuzzConfig cfg;
    cfg.seed = seed;
    cfg.max_runs = kRuns;
    // Four threads: v5.0's four-party deadlock (rename, two splices and a
    // freezer) is one of the documented identities; escalation programs
    // stay within --threads.
    cfg.gen.max_threads = 4;
    std::map<std::string, int> reported;
    std::set<std::string> bugs;
    FuzzHooks hooks;
    hooks.on_finding = [&](const Finding& f, const Repro&, const Program&, const FuzzStats&) {
      ++reported[f.signature];
      bugs.insert(f.bug);
    };
    FuzzSession session(w, GetParam(), cfg, hooks);
    session.Run();
    for (const auto& [sig, n] : reported) EXPECT_EQ(n, 1) << "seed " << seed << ": reported twice: " << sig;
    EXPECT_EQ(session.stats().bugs, bugs.size());
    for (const std::string& b : want.every_seed) EXPECT_TRUE(bugs.count(b)) << "seed " << seed << " missed " << b;
    for (const std::string& b : bugs) EXPECT_TRUE(want.allowed.count(b)) << "seed " << seed << ": undocumented " << b;
    all_bugs.insert(bugs.begin(), bugs.end());
  }
  // Every documented deadlock identity is also reached by some seed.
  if (GetParam() != "s-writers-redirect") EXPECT_EQ(all_bugs, want.allowed);
}

INSTANTIATE_TEST_SUITE_P(All, Dedup,
                         ::testing::Values("v5.0", "mainline", "start-write-callback", "s-writers-redirect",
                                           "trylock-xattr"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (c == '-' || c == '.') c = '_';
                           return n;
                         });

TEST(BugKey, DropsOpsSubclassesAndOrder) {
  EXPECT_EQ(BugKey(FindingKind::kLockInversion, {"sb_writers#4", "&ovl_i_mutex_key[depth]/4", "&pipe->mutex/1",
                                                 "&ovl_i_mutex_key[depth]"}),
            "lock-inversion: {&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}");
  EXPECT_EQ(BugKey(FindingKind::kDeadlock, {"sb_writers#4"}), "deadlock: {sb_writers#4}");
}

}  // namespace
}  // namespace ovlfuzz
