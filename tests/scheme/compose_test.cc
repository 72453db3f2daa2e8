// Scheme composition: `extends`, `replace`, `remove`, provenance of every
// line, and errors that point into the file with the mistake.
#include "model/scheme/compose.h"

#include <gtest/gtest.h>

#include <map>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/builtin.h"
#include "model/scheme/parser.h"

namespace ovlfuzz {
namespace {

// Files by name; built-ins by name too.
struct Files {
  std::map<std::string, std::string> text;
  BaseLoader Loader() {
    return [this](const std::string& ref, const SchemeSource& from, int line, int col) -> SchemeSource {
      if (const BuiltinScheme* b = FindBuiltinScheme(ref)) return {b->text, b->path, "builtin:" + ref};
      auto it = text.find(ref);
      if (it == text.end()) throw InputError(from.path, line, col, "cannot load base '" + ref + "'");
      return {it->second, ref, ref};
    };
  }
  Scheme Load(const std::string& name) { return LoadScheme({text.at(name), name, name}, Loader()); }
};

const char kBase[] = R"(# base: two ops
scheme base
expect: lock-inversion
world files=1 dirs=1 pipes=1
lock a_lock mutex per global "&a"
op one(file f):
  lock a_lock
  lock i_rwsem(f)
end
op two(file f):
  lock i_rwsem(f)
end
)";

int LineOf(const Scheme& s, const std::string& op, int pc) { return s.routines[s.FindOp(op)].code[pc].line; }

TEST(Compose, ReplaceRemoveAndAddKeepWhereEachLineWasWritten) {
  Files f;
  f.text["base.scheme"] = kBase;
  f.text["delta.scheme"] = R"(scheme delta
extends base.scheme
expect:
replace op one(file f):
  lock i_rwsem(f)
end
remove op two
op three(file f):
  lock a_lock
end
)";
  Scheme s = f.Load("delta.scheme");
  EXPECT_EQ(s.name, "delta");
  EXPECT_TRUE(s.expect.empty());
  EXPECT_EQ(s.FindOp("two"), -1);
  ASSERT_GE(s.FindOp("three"), 0);
  // `one` is the delta's, in the base's place (ops keep their order).
  EXPECT_EQ(s.ops.front(), s.FindOp("one"));
  EXPECT_EQ(s.routines[s.FindOp("one")].code.front().op, Opc::kLock);
  EXPECT_EQ(s.Where(LineOf(s, "one", 0)), "delta.scheme:5");
  EXPECT_EQ(s.Where(LineOf(s, "three", 0)), "delta.scheme:9");
  // An inherited declaration still cites the base.
  bool found = false;
  for (size_t l = 1; l <= s.lines.size(); ++l)
    if (s.Line(static_cast<int>(l)).rfind("lock a_lock mutex", 0) == 0) {
      EXPECT_EQ(s.Where(static_cast<int>(l)), "base.scheme:5");
      found = true;
    }
  EXPECT_TRUE(found);
  // The hash is the flattened text's; the annotated text parses the same.
  FlatScheme flat = Flatten({f.text["delta.scheme"], "delta.scheme", "delta.scheme"}, f.Loader());
  EXPECT_EQ(s.hash, Fnv1a64(flat.text));
  Scheme again = ParseScheme(flat.Annotated(), "shown.scheme");
  EXPECT_EQ(again.routines.size(), s.routines.size());
  EXPECT_NE(flat.Annotated().find("# from base.scheme:4\nworld files=1"), std::string::npos) << flat.Annotated();
}

TEST(Compose, ChainsAndSupersAndSubs) {
  Files f;
  f.text["mid.scheme"] = "scheme mid\nextends v5.0\nreplace super ovl overlay class=10 depth=1 writers=upper\n";
  f.text["top.scheme"] = "scheme top\nextends mid.scheme\nreplace sub ovl_want_write():\nend\n";
  Scheme s = f.Load("top.scheme");
  EXPECT_EQ(s.supers[0].writers_of, 1);  // from mid
  const Routine& w = s.routines[s.FindOp("write")];
  EXPECT_EQ(s.Where(w.line), "model/schemes/v5.0.scheme:108");
  bool replaced = false;
  for (const Routine& r : s.routines)
    if (r.name == "ovl_want_write") replaced = r.code.size() == 1 && s.Where(r.line) == "top.scheme:3";
  EXPECT_TRUE(replaced);
}

void ExpectError(Files& f, const std::string& name, const std::string& file, int line, int col,
                 const std::string& part) {
  try {
    f.Load(name);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), file) << e.what();
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_EQ(e.col(), col) << e.what();
    EXPECT_NE(e.message().find(part), std::string::npos) << e.what();
  }
}

TEST(Compose, ErrorsPointIntoTheFileWithTheMistake) {
  Files f;
  f.text["base.scheme"] = kBase;
  f.text["redef.scheme"] = "scheme r\nextends base.scheme\nop two(file f):\nend\n";
  ExpectError(f, "redef.scheme", "redef.scheme", 3, 4,
              "'two' is already defined at base.scheme:10 (write 'replace op two' to change it)");
  f.text["nosuch.scheme"] = "scheme r\nextends base.scheme\nreplace op four():\nend\n";
  ExpectError(f, "nosuch.scheme", "nosuch.scheme", 3, 12, "no op 'four' in base.scheme to replace");
  f.text["late.scheme"] = "scheme r\nexpect:\nextends base.scheme\n";
  ExpectError(f, "late.scheme", "late.scheme", 3, 1, "'extends' must come right after the 'scheme' line");
  f.text["plain.scheme"] = "scheme p\nremove op two\n";
  ExpectError(f, "plain.scheme", "plain.scheme", 2, 1, "'remove' needs 'extends BASE'");
  f.text["a.scheme"] = "scheme a\nextends b.scheme\n";
  f.text["b.scheme"] = "scheme b\nextends a.scheme\n";
  ExpectError(f, "a.scheme", "b.scheme", 2, 9, "'extends' cycle");
  // A parse error in a replaced op is the delta's, at its own column even
  // on the `replace` line.
  f.text["bad.scheme"] = "scheme r\nextends base.scheme\nreplace op one(file f) oops\nend\n";
  ExpectError(f, "bad.scheme", "bad.scheme", 3, 24, "expected ':'");
  f.text["badbody.scheme"] = "scheme r\nextends base.scheme\nreplace op one(file f):\n  lock nosuch\nend\n";
  ExpectError(f, "badbody.scheme", "badbody.scheme", 4, 8, "unknown lock 'nosuch'");
  // ...and one in an inherited line is the base's.
  f.text["brokenbase.scheme"] = "scheme bb\nop x():\n  lock nosuch\nend\n";
  f.text["onbroken.scheme"] = "scheme ob\nextends brokenbase.scheme\nop y():\nend\n";
  ExpectError(f, "onbroken.scheme", "brokenbase.scheme", 3, 8, "unknown lock 'nosuch'");
}

}  // namespace
}  // namespace ovlfuzz
