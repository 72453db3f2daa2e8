// Random program generation and structure-aware mutation (syzkaller's
// prog/: one concern per file over one Program type). Both are pure
// functions of their Rng, so a seed reproduces the same programs.
#ifndef OVLFUZZ_MODEL_PROGRAM_GENERATE_H_
#define OVLFUZZ_MODEL_PROGRAM_GENERATE_H_

#include <string>
#include <vector>

#include "model/core/rng.h"
#include "model/program/program.h"

namespace ovlfuzz {

class World;

struct GenLimits {
  int max_threads = 3;  // 1..kMaxThreads
  int max_ops = 4;      // per thread, 1..kMaxOpsPerThread
};

OpCall RandomOpCall(const World& world, Rng& rng);
Program GenerateProgram(const World& world, const GenLimits& limits, Rng& rng);

// A named table of mutations (libFuzzer MutationDispatcher style). Each
// returns false when it does not apply; the result is always Sanitize()d.
struct Mutation {
  const char* name;
  bool (*apply)(const World& world, const GenLimits& limits, Rng& rng, Program* p);
};
const std::vector<Mutation>& Mutations();
// Applies 1..3 random applicable mutations; returns their names.
std::vector<std::string> Mutate(const World& world, const GenLimits& limits, Rng& rng, Program* p);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_PROGRAM_GENERATE_H_
