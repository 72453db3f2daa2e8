#include "model/program/embedded_scheme.h"

#include <gtest/gtest.h>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/builtin.h"
#include "model/scheme/parser.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

EmbeddedScheme Reparse(const std::string& section) { return ParseEmbeddedScheme(section, "r.ovl", 10); }

// Every built-in, composed or not, comes back as the same text (same hash)
// and cites every line where the original does.
TEST(EmbeddedScheme, EveryBuiltinRoundTripsTextAndOrigins) {
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    const Scheme& s = testing::Builtins().Load(b.name).scheme();
    const EmbeddedScheme e = Reparse(FormatEmbeddedScheme(s));
    ASSERT_EQ(e.text, s.text) << b.name;
    ASSERT_EQ(Fnv1a64(e.text), s.hash);
    const Scheme back = ParseEmbedded(e, "r.ovl");
    EXPECT_EQ(back.path, s.path) << b.name;
    for (int line = 1; line <= static_cast<int>(s.lines.size()); ++line)
      ASSERT_EQ(back.Where(line), s.Where(line)) << b.name << " line " << line;
  }
}

TEST(EmbeddedScheme, TextWithoutFinalNewlineKeepsItsHash) {
  Scheme s = ParseScheme(
      "scheme t\nworld files=1 dirs=1 pipes=1\nsuper ovl overlay class=10 depth=1\n"
      "super upper ext4 class=4\nop noop():\nend",
      "t.scheme");
  ASSERT_NE(s.text.back(), '\n');
  const std::string section = FormatEmbeddedScheme(s);
  EXPECT_NE(section.find("\\ no newline at end\n"), std::string::npos);
  EXPECT_EQ(Reparse(section).text, s.text);
}

TEST(EmbeddedScheme, StartIsTheMarkerLineOnly) {
  EXPECT_EQ(EmbeddedSchemeStart("ovlfuzz 1\nschedule 0\nscheme-text a\n@ a:1\n|x\n"), 21u);
  EXPECT_EQ(EmbeddedSchemeStart("ovlfuzz 1\n# scheme-text\n"), 24u);  // none: the whole text
  EXPECT_EQ(EmbeddedSchemeStart("ovlfuzz 1\nscheme-texts\n"), 23u);
}

TEST(EmbeddedScheme, BadSectionsNameTheirLine) {
  struct Case {
    std::string section;
    int line;
    std::string what;
  } cases[] = {
      {"scheme-text r.scheme\n|scheme t\n", 11, "before its first '@ FILE:LINE'"},
      {"scheme-text r.scheme\n@ a.scheme\n|x\n", 11, "expected '@ FILE:LINE'"},
      {"scheme-text r.scheme\n@ a.scheme:0\n|x\n", 11, "expected '@ FILE:LINE'"},
      {"scheme-text r.scheme\n@ a:1\n|x\nthread\n", 13, "expected '|TEXT'"},
      {"scheme-text r.scheme\n@ a:1\n|x\n\\ no newline at end\n|y\n", 14, "text after"},
      {"scheme-text r.scheme\n", 10, "empty embedded scheme"},
      {"scheme-text\n@ a:1\n|x\n", 10, "expected 'scheme-text FILE'"},
  };
  for (const Case& c : cases) {
    try {
      Reparse(c.section);
      ADD_FAILURE() << "accepted: " << c.section;
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), "r.ovl");
      EXPECT_EQ(e.line(), c.line) << c.section;
      EXPECT_NE(e.message().find(c.what), std::string::npos) << e.what();
    }
  }
}

TEST(EmbeddedScheme, ParseErrorPointsAtTheOvlLine) {
  const EmbeddedScheme e = Reparse("scheme-text r.scheme\n@ a.scheme:1\n|scheme t\n|nonsense here\n");
  try {
    ParseEmbedded(e, "r.ovl");
    ADD_FAILURE() << "accepted a bad embedded scheme";
  } catch (const InputError& err) {
    EXPECT_EQ(err.file(), "r.ovl");
    EXPECT_EQ(err.line(), 13);
    EXPECT_EQ(err.col(), 2);
    EXPECT_NE(err.message().find("embedded scheme: "), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace ovlfuzz
