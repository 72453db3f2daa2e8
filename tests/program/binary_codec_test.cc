#include "model/program/binary_codec.h"

#include <gtest/gtest.h>

#include "model/core/rng.h"
#include "model/program/generate.h"
#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

const World& V50() { return testing::Builtins().Load("v5.0"); }

BinaryInput Decode(const std::string& s) {
  return DecodeBinary(V50(), reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

bool Valid(const World& w, const Program& p) {
  Program copy = p;
  Sanitize(w, &copy);
  return copy == p && !p.threads.empty();
}

TEST(BinaryCodec, EmptyInputDecodesToAValidProgram) {
  BinaryInput in = DecodeBinary(V50(), nullptr, 0);
  ASSERT_EQ(in.program.threads.size(), 1u);
  ASSERT_EQ(in.program.threads[0].size(), 1u);
  EXPECT_TRUE(in.choices.empty());
  EXPECT_TRUE(Valid(V50(), in.program));
}

TEST(BinaryCodec, RoundTripsPrograms) {
  Rng rng(17);
  for (int i = 0; i < 2000; ++i) {
    BinaryInput in;
    in.program = GenerateProgram(V50(), GenLimits{4, 8}, rng);
    for (int k = 0, n = static_cast<int>(rng.Below(60)); k < n; ++k)
      in.choices.push_back(static_cast<uint8_t>(rng.Below(kMaxThreads)));
    in.seed = rng.Next();
    BinaryInput back = Decode(EncodeBinary(V50(), in));
    ASSERT_EQ(back.program, in.program);
    ASSERT_EQ(back.choices, in.choices);
    ASSERT_EQ(back.seed, in.seed);
  }
}

// The engines' decoder is total: 20 million random bytes, in inputs of
// every size up to 1 KiB, all decode to valid programs, and re-encoding is
// canonical. Run under the asan preset this is the no-crash check.
TEST(BinaryCodec, TwentyMillionRandomBytesDecode) {
  Rng rng(23);
  size_t total = 0;
  std::string buf;
  while (total < 20'000'000) {
    size_t n = rng.Below(1025);
    buf.resize(n);
    for (char& c : buf) c = static_cast<char>(rng.Next());
    if (rng.Chance(1, 2) && n > 0) buf[0] = static_cast<char>(kBinaryMagic);
    BinaryInput in = Decode(buf);
    ASSERT_TRUE(Valid(V50(), in.program));
    for (uint8_t c : in.choices) ASSERT_LT(c, kMaxThreads);
    if (total % 64 == 0) {
      BinaryInput again = Decode(EncodeBinary(V50(), in));
      ASSERT_EQ(again.program, in.program);
      ASSERT_EQ(again.choices, in.choices);
    }
    total += n;
  }
}

TEST(BinaryCodec, HugeLengthsAreClampedBeforeAllocating) {
  std::string s = {static_cast<char>(kBinaryMagic), 1, 0, 0, 0};
  // choice count 2^63: must read only what remains.
  for (int i = 0; i < 9; ++i) s.push_back(static_cast<char>(0xff));
  s.push_back(0x7f);
  s += "ab";
  BinaryInput in = Decode(s);
  EXPECT_LE(in.choices.size(), 2u);
}

TEST(BinaryCodec, ByteStrategyReplaysARecordedSchedule) {
  const World& w = V50();
  Rng rng(5);
  for (int i = 0; i < 300; ++i) {
    Program p = GenerateProgram(w, GenLimits{4, 5}, rng);
    auto pct = MakePctStrategy(rng.Next(), 3);
    RunResult a = RunOnce(w, p, *pct);
    auto bytes = MakeByteStrategy(a.schedule, rng.Next());
    RunResult b = RunOnce(w, p, *bytes);
    ASSERT_EQ(a.schedule, b.schedule);
    ASSERT_EQ(a.findings.size(), b.findings.size());
  }
}

}  // namespace
}  // namespace ovlfuzz

namespace ovlfuzz {
namespace {

// Version 2 carries up to 8 threads; version 1 (and every input without the
// magic, as engines store them) still decodes by version 1's rules.
TEST(BinaryCodec, VersionOneInputsDecodeAsBefore) {
  const World& w = testing::Builtins().Load("v5.0");
  auto decode = [&](const std::string& s) {
    return DecodeBinary(w, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  // threads-1 = 5, one op each, 2 choice bytes 6 and 7.
  std::string body = std::string("\x05") + std::string(6, '\0') + std::string("\x02\x06\x07", 3);
  BinaryInput bare = decode(body);
  BinaryInput v1 = decode(std::string("\xb5\x01", 2) + body);
  EXPECT_EQ(bare.program.threads.size(), 2u);  // (5 mod 4) + 1
  EXPECT_EQ(bare.program, v1.program);
  EXPECT_EQ(bare.choices, (std::vector<uint8_t>{2, 3}));  // mod 4
  EXPECT_EQ(v1.choices, bare.choices);
  // The same count under version 2: six threads (the bytes run out after
  // three, and a thread needs bytes of its own).
  EXPECT_GT(decode(std::string("\xb5\x02", 2) + body).program.threads.size(), 2u);
  // Up to four threads the encoder still writes version 1 (byte-identical
  // to what it wrote before); more threads take the version 2 magic even
  // in the shortest form.
  Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    BinaryInput in;
    in.program = GenerateProgram(w, GenLimits{kMaxThreads, 4}, rng);
    for (int k = 0; k < 10; ++k) in.choices.push_back(static_cast<uint8_t>(rng.Below(in.program.threads.size())));
    for (bool magic : {true, false}) {
      std::string enc = EncodeBinary(w, in, magic);
      const bool small = in.program.threads.size() <= 4;
      if (magic || !small) {
        ASSERT_EQ(static_cast<uint8_t>(enc[0]), kBinaryMagic);
        ASSERT_EQ(enc[1], small ? 1 : 2);
      }
      BinaryInput back = decode(enc);
      ASSERT_EQ(back.program, in.program);
      ASSERT_EQ(back.choices, in.choices);
    }
  }
}

}  // namespace
}  // namespace ovlfuzz
