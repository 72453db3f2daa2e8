// Program: what the model threads do. Up to kMaxThreads threads, each a list
// of op calls with small integer arguments (which file/dir/pipe). Together
// with a scheme, a strategy and a seed, a Program fully determines a run.
#ifndef OVLFUZZ_MODEL_PROGRAM_PROGRAM_H_
#define OVLFUZZ_MODEL_PROGRAM_PROGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

class World;

constexpr int kMaxOpsPerThread = 32;

struct OpCall {
  int16_t routine = 0;  // index into Scheme::routines (an op)
  uint8_t args[kMaxParams] = {0, 0, 0};
  bool operator==(const OpCall& o) const {
    return routine == o.routine && args[0] == o.args[0] && args[1] == o.args[1] && args[2] == o.args[2];
  }
};

struct Program {
  std::vector<std::vector<OpCall>> threads;
  bool operator==(const Program& o) const { return threads == o.threads; }
  int OpCount() const;
};

// "splice_to_ovl p0 f1": the op's name and its arguments in program text.
std::string FormatOpCall(const World& world, const OpCall& call);

// The same program for another scheme's world, op by op name: ops the other
// scheme lacks (or declares with other parameter types) are dropped, and
// arguments out of its domain clamped. Returns the number of ops dropped.
int TranslateProgram(const World& from, const World& to, const Program& in, Program* out);

// Clamps every argument into its domain and drops ops that are not ops of
// this scheme; used after mutation so programs stay valid by construction.
void Sanitize(const World& world, Program* program);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_PROGRAM_PROGRAM_H_
