// Text or binary: the one rule every front end uses to read a reproducer.
// Engine inputs carry no magic, so a crash file may start with '#'
// (an AFL++ crash did: "# 00 92 92 ..."); it must still be read as binary.
#include <gtest/gtest.h>

#include "model/harness/replay.h"

namespace ovlfuzz {
namespace {

TEST(LooksText, ReproducersAreText) {
  EXPECT_TRUE(LooksText("ovlfuzz 1\nscheme v5.0 0\n"));
  EXPECT_TRUE(LooksText("# ovlfuzz reproducer\r\novlfuzz 1\n"));
  EXPECT_TRUE(LooksText("  \n# comment with UTF-8: \xe2\x86\x92 ok\novlfuzz 1\n"));
}

TEST(LooksText, BinaryStartingWithHashIsBinary) {
  EXPECT_FALSE(LooksText(std::string("#\x00\x92\x92\x92z", 6)));
  EXPECT_FALSE(LooksText("#\x01rest"));
  EXPECT_FALSE(LooksText("# truncated utf-8 \xe2\x86"));
  EXPECT_FALSE(LooksText("# stray continuation \x80"));
  EXPECT_FALSE(LooksText("\x7f" "ovlfuzz"));
}

}  // namespace
}  // namespace ovlfuzz
