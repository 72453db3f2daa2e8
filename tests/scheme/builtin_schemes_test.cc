#include <gtest/gtest.h>

#include "model/scheme/builtin.h"
#include "model/scheme/parser.h"

namespace ovlfuzz {
namespace {

TEST(BuiltinSchemes, AllParseAndNameMatchesFile) {
  ASSERT_FALSE(BuiltinSchemes().empty());
  for (const BuiltinScheme& b : BuiltinSchemes()) {
    Scheme s = ParseScheme(b.text, b.path);
    EXPECT_EQ(s.name, b.name) << b.path;
    EXPECT_FALSE(s.ops.empty()) << b.path;
  }
}

}  // namespace
}  // namespace ovlfuzz
