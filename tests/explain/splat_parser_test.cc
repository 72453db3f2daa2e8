// The lockdep report parser: every shape a splat reaches a developer in
// (syzbot console, dmesg, quoted mail, 6.x usage suffixes, interleaved
// lines), both report kinds, and a one-line error for what is not a usable
// report.
#include <gtest/gtest.h>

#include "model/core/input_error.h"
#include "model/explain/lockdep_name.h"
#include "model/explain/report_lines.h"
#include "tests/explain/explain_test_util.h"

namespace ovlfuzz {
namespace {

using testing::Fixture;
using testing::ReadSource;

std::vector<std::string> Classes(const Splat& s) { return s.Cycle(); }

TEST(LockdepName, SplitsFamilyVersionAndSubclass) {
  LockdepName a = ParseLockdepName("sb_writers#3");
  EXPECT_EQ(a.family, "sb_writers");
  EXPECT_EQ(a.version, 3);
  EXPECT_EQ(a.subclass, 0);
  LockdepName b = ParseLockdepName("&type->i_mutex_dir_key#4/1");
  EXPECT_EQ(b.family, "&type->i_mutex_dir_key");
  EXPECT_EQ(b.version, 4);
  EXPECT_EQ(b.subclass, 1);
  EXPECT_EQ(b.Key(), "&type->i_mutex_dir_key#4");
  EXPECT_EQ(b.Text(), "&type->i_mutex_dir_key#4/1");
  LockdepName c = ParseLockdepName("&pipe->mutex/1");
  EXPECT_EQ(c.family, "&pipe->mutex");
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.subclass, 1);
  EXPECT_EQ(ParseLockdepName("&ovl_i_mutex_key[depth]#2").family, "&ovl_i_mutex_key[depth]");
  EXPECT_EQ(ParseLockdepName("&q->q_usage_counter(io)#10").family, "&q->q_usage_counter(io)");
  EXPECT_EQ(ParseLockdepName("(wq_completion)events").family, "(wq_completion)events");
  EXPECT_EQ(ParseLockdepName("fs_reclaim").Text(), "fs_reclaim");
}

TEST(ReportLines, StripsEveryLogPrefix) {
  auto lines = ReportLines(
      "<4>[ 9009.171214] kswapd0/149 is trying to acquire lock:\n"
      "> > [   68.295972][T295] -> #1 (fs_reclaim){+.+.}-{0:0}:\n"
      "Dec  1 10:00:00 host kernel: [  1.5] but task is already holding lock:\r\n"
      "[   12.2]        foo+0x1/0x2\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "kswapd0/149 is trying to acquire lock:");
  EXPECT_EQ(lines[1].text, "-> #1 (fs_reclaim){+.+.}-{0:0}:");
  EXPECT_EQ(lines[1].tag, "T295");
  EXPECT_EQ(lines[2].text, "but task is already holding lock:");
  EXPECT_EQ(lines[3].text, "       foo+0x1/0x2");  // frame indentation kept
  EXPECT_EQ(lines[3].line, 4);
}

TEST(ReportLines, JoinsWrappedLockLines) {
  auto lines =
      ReportLines("00000000e3a3e0a9\n(&pipe->mutex/1){+.+.}, at: pipe_lock+0x6e/0x80\nX (a){+.+.}, at:\nfoo+0x1/0x2\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "00000000e3a3e0a9 (&pipe->mutex/1){+.+.}, at: pipe_lock+0x6e/0x80");
  EXPECT_EQ(lines[1].text, "X (a){+.+.}, at: foo+0x1/0x2");
  EXPECT_EQ(lines[1].line, 3);
}

TEST(SplatParser, SyzbotConsoleReport) {
  Splat s = Fixture("pipe-lock-3-v5.5.txt");
  EXPECT_EQ(s.kind, SplatKind::kCircular);
  EXPECT_EQ(s.header_line, 3);
  EXPECT_EQ(s.kernel, "5.5.0-rc3-syzkaller #0 Not tainted");
  EXPECT_EQ(s.task, "syz-executor.2/10113");
  EXPECT_EQ(s.acquiring.cls, "&pipe->mutex/1");
  EXPECT_EQ(s.acquiring.usage, "{+.+.}");
  ASSERT_EQ(s.acquiring.frames.size(), 2u);
  EXPECT_EQ(s.acquiring.frames[0].function, "pipe_lock_nested");
  EXPECT_EQ(s.acquiring.frames[0].location, "fs/pipe.c:62");
  EXPECT_TRUE(s.acquiring.frames[0].inlined);
  EXPECT_EQ(s.acquiring.frames[1].function, "pipe_lock");
  EXPECT_FALSE(s.acquiring.frames[1].inlined);
  EXPECT_EQ(s.held.cls, "sb_writers#3");
  ASSERT_EQ(s.chain.size(), 3u);
  EXPECT_EQ(s.chain[0].number, 2);
  EXPECT_EQ(s.chain[2].number, 0);
  EXPECT_EQ(Classes(s), (std::vector<std::string>{"&pipe->mutex/1", "&ovl_i_mutex_key[depth]", "sb_writers#3"}));
  EXPECT_EQ(s.chain[0].lock.frames.size(), 20u);
  EXPECT_EQ(s.chain[0].lock.frames[3].function, "ovl_write_iter");
  EXPECT_EQ(s.chain[0].lock.frames[3].location, "fs/overlayfs/file.c:316");
  EXPECT_EQ(s.chain_exists, (std::vector<std::string>{"&pipe->mutex/1", "&ovl_i_mutex_key[depth]", "sb_writers#3"}));
  ASSERT_EQ(s.scenario.size(), 4u);
  EXPECT_EQ(s.scenario[0].cpu, 0);
  EXPECT_EQ(s.scenario[1].cpu, 1);
  EXPECT_EQ(s.scenario[2].cpu, 1);
  EXPECT_EQ(s.scenario[3].cpu, 0);
  EXPECT_EQ(s.scenario[3].cls, "&pipe->mutex/1");
  EXPECT_EQ(s.held_by, "1 lock held by syz-executor.2/10113");
  ASSERT_EQ(s.held_locks.size(), 1u);
  EXPECT_EQ(s.held_locks[0].frames.size(), 2u);  // inline frames merged
  EXPECT_FALSE(s.backtrace.empty());
  EXPECT_TRUE(s.warnings.empty()) << s.warnings[0];
}

TEST(SplatParser, PlainDmesgWithInterleavedLinesAndUsageSuffixes) {
  Splat s = Fixture("pipe-lock-dmesg-renumbered.txt");
  EXPECT_EQ(Classes(s), (std::vector<std::string>{"&pipe->mutex/1", "&ovl_i_mutex_key[depth]", "sb_writers#5"}));
  EXPECT_EQ(s.acquiring.usage, "{+.+.}-{3:3}");
  EXPECT_EQ(s.task, "splice-stress/4420");
  // The audit and kobject lines are not frames of the entries they sit in.
  for (const SplatEntry& e : s.chain)
    for (const SplatFrame& f : e.lock.frames) EXPECT_TRUE(f.function != "audit" && f.function != "kobject");
  EXPECT_EQ(s.Entry(2)->lock.frames.size(), 10u);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("skipped 2 line(s)"), std::string::npos) << s.warnings[0];
  EXPECT_TRUE(s.HeldRead());  // rlock(sb_writers#5) in the scenario
  EXPECT_FALSE(s.AcquiringRead());
}

TEST(SplatParser, QuotedMailWithWrappedLines) {
  Splat s = Fixture("pipe-lock-mail-quoted.txt");
  EXPECT_EQ(Classes(s), (std::vector<std::string>{"&pipe->mutex/1", "&ovl_i_mutex_key[depth]", "sb_writers#3"}));
  ASSERT_EQ(s.held.frames.size(), 2u);
  EXPECT_EQ(s.held.frames[0].function, "file_start_write");
  EXPECT_EQ(s.held.frames[1].function, "do_splice");
  EXPECT_EQ(s.acquiring.frames.size(), 2u);
  EXPECT_EQ(s.scenario.size(), 4u);
}

TEST(SplatParser, RecursiveReport) {
  Splat s = Fixture("s-writers-recursive.txt");
  EXPECT_EQ(s.kind, SplatKind::kRecursive);
  EXPECT_EQ(Classes(s), std::vector<std::string>{"sb_writers#4"});
  EXPECT_TRUE(s.chain.empty());
  EXPECT_EQ(s.held_locks.size(), 2u);
  EXPECT_EQ(s.held_locks[1].cls, "&ovl_i_mutex_key[depth]");
  ASSERT_EQ(s.acquiring.frames.size(), 1u);
  EXPECT_EQ(s.acquiring.frames[0].function, "ovl_write_iter");  // module name [overlay] dropped
  EXPECT_GE(s.backtrace.size(), 8u);
  EXPECT_TRUE(s.AcquiringRead());
}

TEST(SplatParser, ChainExistsNamesSourceParentTarget) {
  Splat four = Fixture("rename-splice-4class.txt");
  EXPECT_EQ(Classes(four).size(), 4u);
  EXPECT_EQ(four.chain_exists,
            (std::vector<std::string>{"sb_writers#6", "&ovl_i_mutex_key[depth]", "&ovl_i_mutex_key[depth]/4"}));
  Splat five = Fixture("kernfs-5class.txt");
  EXPECT_EQ(Classes(five), (std::vector<std::string>{"&of->mutex", "&ovl_i_mutex_dir_key[depth]", "sb_writers#4",
                                                     "&pipe->mutex", "&p->lock"}));
  EXPECT_EQ(five.chain_exists, (std::vector<std::string>{"&of->mutex", "&pipe->mutex", "&p->lock"}));
  Splat two = Fixture("ima-2class.txt");
  EXPECT_EQ(Classes(two), (std::vector<std::string>{"sb_writers#8", "&iint->mutex"}));
  EXPECT_TRUE(two.chain_exists.empty());
}

TEST(SplatParser, LinesOfOtherTasksAreSkipped) {
  std::string text = ReadSource("tests/explain/splats/kernfs-5class.txt");
  // Another task's frame-shaped line in the middle of an entry.
  size_t at = text.find("       iter_file_splice_write");
  text.insert(at - 22, "[ 1873.402300][T777]        evil_frame+0x1/0x2 fs/evil.c:1\n");
  Splat s = ParseSplat(text, "k.txt");
  for (const SplatFrame& f : s.Entry(3)->lock.frames) EXPECT_NE(f.function, "evil_frame");
}

void ExpectError(const std::string& text, const std::string& file, int line, const std::string& part) {
  try {
    ParseSplat(text, file);
    FAIL() << "no error for " << file;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file);
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(e.message().find(part), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

TEST(SplatParser, BadInputIsOneLineWithFileAndLine) {
  ExpectError(ReadSource("tests/explain/splats/truncated.txt"), "truncated.txt", 21, "truncated lockdep report");
  ExpectError(ReadSource("tests/explain/splats/entry-without-class.txt"), "e.txt", 14, "has no lock class");
  ExpectError(ReadSource("tests/explain/splats/no-lockdep.txt"), "n.txt", 1, "no lockdep report found");
  ExpectError(ReadSource("tests/explain/splats/garbage.bin"), "g.bin", 1, "no lockdep report found");
  ExpectError(ReadSource("tests/explain/splats/inconsistent-lock-state.txt"), "i.txt", 2,
              "unsupported lockdep report 'WARNING: inconsistent lock state'");
  ExpectError("", "empty.txt", 1, "empty file");
  ExpectError("\n\n  \n", "blank.txt", 1, "empty file");
}

TEST(SplatParser, ContradictionsAreErrors) {
  std::string base = ReadSource("tests/explain/splats/pipe-lock-3-v5.5.txt");
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    size_t p = t.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return t.replace(p, from.size(), to);
  };
  ExpectError(edit("-> #1 (&ovl_i_mutex_key[depth])", "-> #4 (&ovl_i_mutex_key[depth])"), "a.txt", 41,
              "-> #4 where -> #1 was expected");
  ExpectError(edit("-> #0 (&pipe->mutex/1)", "-> #0 (&pipe->mutex/2)"), "b.txt", 60, "is not the lock being acquired");
  ExpectError(edit("&pipe->mutex/1 --> &ovl_i_mutex_key[depth] --> sb_writers#3",
                   "&pipe->mutex/1 --> sb_writers#3 --> &ovl_i_mutex_key[depth]"),
              "c.txt", 83, "'Chain exists of:' names");
  ExpectError(
      edit("(sb_writers#3){.+.+}, at: file_start_write include/linux/fs.h:2885 [inline]\n[  412.190166][T10113] "
           "ffff8880a77a0428 (sb_writers#3){.+.+}, at: do_splice",
           "(sb_writers#9){.+.+}, at: do_splice"),
      "d.txt", 18, "is not the held lock");
}

}  // namespace
}  // namespace ovlfuzz

namespace ovlfuzz {
namespace {

// The 3.x/4.x layout: "[ INFO: ... ]" header, no lock address, frames as
// "[<ffffffff...>] func+0x../0x..", six-character usage strings.
TEST(SplatParser, OldKernelLayout) {
  Splat s = ParseSplat(
      "[ 1.0] ======================================================\n"
      "[ 1.0] [ INFO: possible circular locking dependency detected ]\n"
      "[ 1.0] 3.18.0 #1 Not tainted\n"
      "[ 1.0] -------------------------------------------------------\n"
      "[ 1.0] cat/99 is trying to acquire lock:\n"
      "[ 1.0]  (&pipe->mutex/1){+.+.+.}, at: [<ffffffff811d4b6c>] pipe_lock+0x1c/0x20\n"
      "[ 1.0] \n"
      "[ 1.0] but task is already holding lock:\n"
      "[ 1.0]  (sb_writers#3){.+.+.+}, at: [<ffffffff811fa3e4>] do_splice+0x2e4/0x790\n"
      "[ 1.0] \n"
      "[ 1.0] which lock already depends on the new lock.\n"
      "[ 1.0] \n"
      "[ 1.0] the existing dependency chain (in reverse order) is:\n"
      "[ 1.0] \n"
      "-> #1 (sb_writers#3){.+.+.+}:\n"
      "[ 1.0]        [<ffffffff810a1b72>] lock_acquire+0x92/0x1d0\n"
      "[ 1.0]        [<ffffffff811c4e1f>] __sb_start_write+0x10f/0x1d0\n"
      "[ 1.0] \n"
      "-> #0 (&pipe->mutex/1){+.+.+.}:\n"
      "[ 1.0]        [<ffffffff811d4b6c>] pipe_lock+0x1c/0x20\n",
      "old.txt");
  EXPECT_EQ(s.Cycle(), (std::vector<std::string>{"&pipe->mutex/1", "sb_writers#3"}));
  EXPECT_EQ(s.acquiring.usage, "{+.+.+.}");
  ASSERT_EQ(s.acquiring.frames.size(), 1u);
  EXPECT_EQ(s.acquiring.frames[0].function, "pipe_lock");
  ASSERT_EQ(s.Entry(1)->lock.frames.size(), 2u);
  EXPECT_TRUE(s.Entry(1)->lock.frames[0].IsLockingInternal());
  EXPECT_EQ(s.Entry(1)->lock.frames[1].function, "__sb_start_write");
}

}  // namespace
}  // namespace ovlfuzz
