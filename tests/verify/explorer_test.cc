// The explorer (ovlfuzz verify): reduced search agrees with the naive
// enumeration on every built-in scheme at bounds where the naive one is
// feasible, proves mainline clean, finds the v5.0 seed deadlock with its
// shortest schedule, and its shortcuts (lock words left out of the state
// hash, job splitting, preemption bounds) are checked against the long way.
#include <gtest/gtest.h>

#include <set>

#include "model/harness/run_once.h"
#include "model/verify/explorer.h"
#include "model/verify/state_key.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

std::vector<int> Ops(const World& w, const std::vector<std::string>& names) {
  std::vector<int> ids;
  for (const std::string& n : names)
    for (size_t r = 0; r < w.scheme().routines.size(); ++r)
      if (w.scheme().routines[r].is_op && w.scheme().routines[r].name == n) ids.push_back(static_cast<int>(r));
  EXPECT_EQ(ids.size(), names.size());
  return ids;
}

VerifyOptions Small(const World& w, int threads, int ops, const std::vector<std::string>& names) {
  VerifyOptions o;
  o.threads = threads;
  o.ops = ops;
  o.only_ops = Ops(w, names);
  o.files = o.dirs = o.pipes = 1;
  o.all = true;
  return o;
}

std::set<std::string> Signatures(const VerifyResult& r) {
  std::set<std::string> s;
  for (const VerifyFinding& f : r.findings) s.insert(f.finding.signature);
  return s;
}

const std::vector<std::string> kSpinOps = {"write",  "splice_to_ovl", "splice_to_upper", "splice_from_ovl", "freeze",
                                           "thaw",   "readdir",       "copy_up",         "unlink",          "fsync"};

class Agreement : public ::testing::TestWithParam<const char*> {};

// Naive: every choice and schedule, each replayed with the oracles. Reduced:
// state hashing, symmetry, sleep sets, two phases. Same signatures.
TEST_P(Agreement, ReducedAndNaiveFindTheSameSignatures) {
  const World& w = testing::Builtins().Load(GetParam());
  struct Bound {
    int threads, ops;
    std::vector<std::string> names;
  };
  const Bound bounds[] = {
      {2, 1, {"write", "splice_to_ovl", "splice_to_upper", "splice_from_ovl", "freeze", "readdir", "lookup"}},
      {2, 2, {"splice_to_upper", "freeze", "splice_from_ovl", "thaw"}},
      {3, 1, {"lookup", "freeze", "readdir"}},
  };
  for (const Bound& b : bounds) {
    VerifyOptions o = Small(w, b.threads, b.ops, b.names);
    VerifyResult reduced = Verify(w, o);
    o.reduce = false;
    VerifyResult naive = Verify(w, o);
    ASSERT_TRUE(reduced.stats.complete);
    ASSERT_TRUE(naive.stats.complete);
    EXPECT_EQ(Signatures(reduced), Signatures(naive)) << b.threads << "x" << b.ops;
    EXPECT_LT(reduced.stats.schedules * 5, naive.stats.schedules) << "reduction should be substantial";
  }
}

INSTANTIATE_TEST_SUITE_P(Builtins, Agreement,
                         ::testing::Values("v5.0", "start-write-callback", "s-writers-redirect", "trylock-xattr",
                                           "mainline"));

TEST(Explorer, AgreementCoversEveryFindingKindThatMatters) {
  // The agreement bounds above must exercise real findings, or agreeing
  // on empty sets would prove nothing.
  std::set<std::string> kinds;
  for (const char* s : {"v5.0", "s-writers-redirect", "trylock-xattr"}) {
    const World& w = testing::Builtins().Load(s);
    for (const auto& names : {std::vector<std::string>{"write", "splice_to_ovl", "splice_to_upper", "splice_from_ovl",
                                                       "freeze", "readdir", "lookup"},
                              std::vector<std::string>{"lookup", "freeze", "readdir"}})
      for (const VerifyFinding& f : Verify(w, Small(w, names.size() == 3 ? 3 : 2, 1, names)).findings)
        kinds.insert(FindingKindName(f.finding.kind));
  }
  EXPECT_TRUE(kinds.count("lock-inversion"));
  EXPECT_TRUE(kinds.count("deadlock"));
  EXPECT_TRUE(kinds.count("skipped-xattr-update"));
}

TEST(Explorer, MainlineIsCleanAtTwoByTwo) {
  const World& w = testing::Builtins().Load("mainline");
  VerifyResult r = Verify(w, Small(w, 2, 2, kSpinOps));
  EXPECT_TRUE(r.stats.complete);
  EXPECT_TRUE(r.findings.empty()) << r.findings[0].finding.signature;
  EXPECT_GT(r.stats.states, 1000);
}

TEST(Explorer, FindsTheV50SeedDeadlockAtThreeByOneWithTheShortestSchedule) {
  const World& w = testing::Builtins().Load("v5.0");
  VerifyOptions o = Small(w, 3, 1, kSpinOps);
  o.all = false;
  VerifyResult r = Verify(w, o);
  const VerifyFinding* dl = nullptr;
  for (const VerifyFinding& f : r.findings)
    if (f.finding.kind == FindingKind::kDeadlock) dl = &f;
  ASSERT_NE(dl, nullptr);
  // Grouped under the lockdep chain it realizes (T1 holds the ovl inode
  // lock while it waits for upper freeze).
  EXPECT_EQ(dl->finding.bug, "lock-inversion: {&ovl_i_mutex_key[depth], &pipe->mutex, sb_writers#4}");
  EXPECT_EQ(dl->program.threads.size(), 3u);
  VerifyFinding shortest;
  ASSERT_TRUE(ShortestSchedule(w, dl->program, dl->finding.signature, {}, 100000, &shortest));
  EXPECT_LE(shortest.steps, dl->steps);
  // No schedule of that program reaches the deadlock in fewer steps.
  VerifyOptions every;
  every.fixed_program = &shortest.program;
  every.all = true;
  every.limits.max_steps = shortest.steps - 1;
  for (const VerifyFinding& f : Verify(w, every).findings) EXPECT_NE(f.finding.signature, dl->finding.signature);
  // And the reported schedule replays to it.
  EXPECT_TRUE(ShowsSignature(testing::RunWithSchedule(w, shortest.program, shortest.schedule), dl->finding.signature));
}

// The state hash leaves lock words out because they follow from the
// threads' held locks and waits and from frozen superblocks. Over many
// random runs, equal hashes without lock words must mean equal hashes with.
TEST(Explorer, LockWordsAreRedundantInTheStateHash) {
  for (const char* s : {"v5.0", "mainline", "trylock-xattr"}) {
    const World& w = testing::Builtins().Load(s);
    std::map<uint64_t, uint64_t> seen;
    Rng rng(7);
    for (int run = 0; run < 300; ++run) {
      Program p = GenerateProgram(w, GenLimits{3, 3}, rng);
      auto none = MakeReplayStrategy({});
      RunLimits quiet;
      quiet.tsan = false;
      Execution x(w, p, *none, {}, quiet);
      std::vector<int> runnable;
      while (x.NextRunnable(&runnable) && x.steps() < 500) {
        uint64_t without = MakeStateKey(x, true, false, 0).hash;
        uint64_t with = MakeStateKey(x, true, false, 0, /*with_locks=*/true).hash;
        auto [it, fresh] = seen.emplace(without, with);
        ASSERT_EQ(it->second, with) << s;
        x.Step(runnable[rng.Below(runnable.size())], runnable);
      }
    }
  }
}

TEST(Explorer, JobsSplitTheSpaceWithoutLosingFindings) {
  const World& w = testing::Builtins().Load("v5.0");
  VerifyOptions o = Small(w, 2, 1, {"write", "splice_to_ovl", "splice_to_upper", "freeze", "readdir", "lookup"});
  std::set<std::string> whole = Signatures(Verify(w, o)), parts;
  ASSERT_FALSE(whole.empty());
  o.jobs = 3;
  for (o.job = 0; o.job < 3; ++o.job)
    for (const std::string& s : Signatures(Verify(w, o))) parts.insert(s);
  EXPECT_EQ(whole, parts);
}

TEST(Explorer, PreemptionBoundIsMonotoneAndUnboundedCoversIt) {
  const World& w = testing::Builtins().Load("s-writers-redirect");
  VerifyOptions o = Small(w, 2, 2, {"lookup", "freeze", "setxattr", "write"});
  std::set<std::string> unbounded = Signatures(Verify(w, o)), previous;
  for (int p = 0; p <= 3; ++p) {
    o.preemptions = p;
    std::set<std::string> s = Signatures(Verify(w, o));
    for (const std::string& sig : previous) EXPECT_TRUE(s.count(sig)) << "P=" << p << " lost " << sig;
    for (const std::string& sig : s) EXPECT_TRUE(unbounded.count(sig)) << sig;
    previous = s;
  }
  EXPECT_FALSE(previous.empty());
}

TEST(Explorer, FixedProgramExploresOnlyItsSchedules) {
  const World& w = testing::Builtins().Load("v5.0");
  Program p = testing::ProgramFromText(w, "thread\n  splice_to_ovl p0 f0\nthread\n  splice_to_upper p0 f0\nthread\n  freeze\n");
  VerifyOptions o;
  o.fixed_program = &p;
  o.all = true;
  VerifyResult r = Verify(w, o);
  EXPECT_TRUE(r.stats.complete);
  bool deadlock = false;
  for (const VerifyFinding& f : r.findings) {
    deadlock |= f.finding.kind == FindingKind::kDeadlock;
    EXPECT_EQ(f.program, p);
  }
  EXPECT_TRUE(deadlock);
}

}  // namespace
}  // namespace ovlfuzz
