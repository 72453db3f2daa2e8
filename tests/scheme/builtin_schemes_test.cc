#include <gtest/gtest.h>

#include <map>

#include "model/scheme/builtin.h"
#include "model/scheme/compose.h"
#include "model/scheme/parser.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

TEST(BuiltinSchemes, AllParseAndNameMatchesFile) {
  ASSERT_FALSE(BuiltinSchemes().empty());
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    const Scheme& s = testing::Builtins().Load(b.name).scheme();
    EXPECT_EQ(s.name, b.name) << b.path;
    EXPECT_FALSE(s.ops.empty()) << b.path;
  }
}

// The proposals read like their patches: deltas of at most 80 lines of code.
TEST(BuiltinSchemes, ProposalsAreSmallDeltas) {
  const std::map<std::string, std::string> base = {
      {"start-write-callback", "v5.0"}, {"trylock-xattr", "start-write-callback"}, {"s-writers-redirect", "v5.0"}};
  for (const auto& [name, from] : base) {
    const BuiltinScheme* b = FindBuiltinScheme(name);
    ASSERT_NE(b, nullptr);
    int code = 0;
    std::string text = b->text;
    for (size_t p = 0, e; p < text.size(); p = e + 1) {
      e = text.find('\n', p);
      if (e == std::string::npos) e = text.size();
      std::string l = text.substr(p, e - p);
      size_t c = l.find_first_not_of(" \t");
      if (c != std::string::npos && l[c] != '#') ++code;
    }
    EXPECT_LE(code, 80) << name;
    EXPECT_NE(text.find("\nextends " + from + "\n"), std::string::npos) << name;
    EXPECT_TRUE(testing::Builtins().Load(name).scheme().origins.size() > 0) << name;
  }
}

}  // namespace
}  // namespace ovlfuzz
