#include "model/scheme/parser.h"

#include <gtest/gtest.h>

#include <cctype>

#include "model/core/input_error.h"

namespace ovlfuzz {
namespace {

const char kMinimal[] = R"(scheme tiny
expect: lock-inversion
lock iint_mutex mutex per inode "&iint->mutex"
op open(file f):
  lock iint_mutex(f)            # ima_file_check(): mutex_lock(&iint->mutex)
  lock sb_writers(upper) read
end
op write(file f):
  lock sb_writers(upper) read
  lock iint_mutex(f)
end
)";

TEST(Parser, ParsesDeclaredLocksAndOps) {
  Scheme s = ParseScheme(kMinimal, "tiny.scheme");
  EXPECT_EQ(s.name, "tiny");
  ASSERT_EQ(s.expect.size(), 1u);
  EXPECT_EQ(s.expect[0], "lock-inversion");
  ASSERT_EQ(s.ops.size(), 2u);
  EXPECT_EQ(s.families.back().class_name, "&iint->mutex");
  const Routine& open = s.routines[s.FindOp("open")];
  ASSERT_GE(open.code.size(), 3u);
  EXPECT_EQ(open.code[0].op, Opc::kLock);
  EXPECT_EQ(open.code[0].line, 5);
  EXPECT_EQ(open.max_acquisitions, 2);
  EXPECT_EQ(s.hash, ParseScheme(kMinimal, "other-path").hash);
}

struct BadCase {
  const char* text;
  int line;
  int col;
  const char* message_part;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.message_part; }

class ParserErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParserErrors, ReportsLineAndColumn) {
  const BadCase& c = GetParam();
  try {
    ParseScheme(c.text, "bad.scheme");
    FAIL() << "expected an InputError for:\n" << c.text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.scheme");
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_EQ(e.col(), c.col) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "must be one line";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParserErrors,
    ::testing::Values(
        BadCase{"scheme x\nfrobnicate\n", 2, 1, "unknown directive"},
        BadCase{"scheme x\nop a(file f):\n  lock nosuch(f)\nend\n", 3, 8, "unknown lock 'nosuch'"},
        BadCase{"scheme x\nop a(file f):\n  lock pipe_mutex(f)\nend\n", 3, 19, "expected a pipe"},
        BadCase{"scheme x\nop a(pipe p):\n  lock pipe_mutex(p) read\nend\n", 3, 3, "is a mutex"},
        BadCase{"scheme x\nop a(file f):\n  lock i_rwsem(g)\nend\n", 3, 16, "unknown name 'g'"},
        BadCase{"scheme x\nop a(file f):\n  lock ovl_lock(upper(f))\nend\n", 3, 17, "only on overlay inodes"},
        BadCase{"scheme x\nop a(file f):\n  lock i_rwsem(f)\n", 2, 4, "no matching 'end'"},
        BadCase{"scheme x\nexpect: lock-inversoin\nop a():\nend\n", 2, 9, "unknown finding kind"},
        BadCase{"scheme x\nop a(file f):\n  trylock i_rwsem(f) else panic\nend\n", 3, 27, "unknown trylock fallback"},
        BadCase{"scheme x\nop a(file f):\n  call b(f)\nend\n", 3, 8, "unknown sub 'b'"},
        BadCase{"scheme x\nop a(file f):\n  lock i_rwsem(f)/9\nend\n", 3, 19, "subclass must be in 0..7"},
        BadCase{"scheme x\nop a(file f):\n  lock i_rwsem(workdir)\nend\n", 3, 16, "write upper(workdir)"},
        BadCase{"scheme x\nop a(dir d):\n  if d hass x:\n  end\nend\n", 3, 8, "expected has, lacks or is"},
        BadCase{"scheme x\nop a():\nend\nop a():\nend\n", 4, 4, "already defined"},
        BadCase{"scheme x\nop a():\n  lock i_rwsem(\"f\")\nend\n", 3, 16, "expected an object reference"},
        BadCase{"op a():\nend\n", 1, 1, "missing 'scheme NAME'"},
        BadCase{"scheme x\n  end\n", 2, 3, "'end' without an open"},
        BadCase{"scheme x\nworld files=99\nop a():\nend\n", 2, 13, "must be in 1..8"},
        BadCase{"scheme x\nop a():\n  unlock sb_writers(upper, nope)\nend\n", 3, 28, "has no level 'nope'"},
        BadCase{"scheme x\nop a():\n  lock i_rwsem(root) $\nend\n", 3, 22, "unexpected character"},
        BadCase{"scheme x\nop a():\n  lock i_rwsem(root) \x01\nend\n", 3, 22, "byte 0x01"},
        // CR-only and CRLF line ends count lines like LF.
        BadCase{"scheme x\rop a():\r  lock nosuch(root)\rend\r", 3, 8, "unknown lock 'nosuch'"},
        BadCase{"\xEF\xBB\xBFscheme x\r\nop a():\r\n  lock nosuch(root)\r\nend\r\n", 3, 8, "unknown lock"}),
    [](const ::testing::TestParamInfo<BadCase>& i) {
      std::string name = "L" + std::to_string(i.param.line) + "C" + std::to_string(i.param.col) + "_";
      for (const char* p = i.param.message_part; *p; ++p) name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      return name + "_" + std::to_string(i.index);
    });

TEST(Parser, IsKnownFindingKind) {
  EXPECT_TRUE(IsKnownFindingKind("deadlock"));
  EXPECT_TRUE(IsKnownFindingKind("skipped-xattr-update"));
  EXPECT_FALSE(IsKnownFindingKind("deadlocks"));
}

TEST(Parser, NulByteIsAnError) {
  std::string text = "scheme x\nop a():\n";
  text.push_back('\0');
  EXPECT_THROW(ParseScheme(text, "nul.scheme"), InputError);
}

// parent() nests; a pathological nesting is an error, not a stack overflow.
TEST(Parser, DeepReferenceIsAnErrorNotACrash) {
  std::string ref;
  for (int i = 0; i < 100000; ++i) ref += "parent(";
  ref += "root" + std::string(100000, ')');
  try {
    ParseScheme("scheme x\nop a():\n  lock i_rwsem(" + ref + ")\nend\n", "deep.scheme");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("nested deeper than 64"), std::string::npos) << e.what();
  }
}

TEST(Parser, LineEndingsAndByteOrderMarkKeepTheHash) {
  const std::string lf = "scheme x\nop a(file f):\n  lock i_rwsem(f)\n  unlock i_rwsem(f)\nend\n";
  const uint64_t want = ParseScheme(lf, "a.scheme").hash;
  EXPECT_EQ(ParseScheme("\xEF\xBB\xBF" + lf, "a.scheme").hash, want);
  std::string crlf, cr;
  for (char c : lf) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    cr += c == '\n' ? '\r' : c;
  }
  EXPECT_EQ(ParseScheme(crlf, "a.scheme").hash, want);
  EXPECT_EQ(ParseScheme(cr, "a.scheme").hash, want);
}

TEST(Parser, TrylockSkipRecordsSkippedXattrs) {
  Scheme s = ParseScheme(R"(scheme x
op lookup(dir d):
  block:
    trylock sb_writers(upper) read else skip
    setxattr upper(d) origin
    unlock sb_writers(upper)
  end
end
)", "x");
  const Routine& r = s.routines[s.FindOp("lookup")];
  ASSERT_EQ(r.code[0].op, Opc::kTrylock);
  ASSERT_EQ(r.code[0].skipped_xattrs.size(), 1u);
  EXPECT_EQ(s.bits[r.code[0].skipped_xattrs[0]], "origin");
  EXPECT_EQ(r.code[0].target, 3);  // the instruction after the block
}

}  // namespace
}  // namespace ovlfuzz
