#include "model/program/generate.h"

#include "model/world/world.h"

namespace ovlfuzz {

OpCall RandomOpCall(const World& world, Rng& rng) {
  const Scheme& s = world.scheme();
  OpCall c;
  c.routine = static_cast<int16_t>(s.ops[rng.Below(s.ops.size())]);
  const Routine& r = s.routines[c.routine];
  for (size_t i = 0; i < r.params.size(); ++i)
    c.args[i] = static_cast<uint8_t>(rng.Below(world.ArgDomain(r.params[i])));
  return c;
}

Program GenerateProgram(const World& world, const GenLimits& limits, Rng& rng) {
  Program p;
  int threads = static_cast<int>(rng.Range(std::min(2, limits.max_threads), limits.max_threads));
  for (int t = 0; t < threads; ++t) {
    int ops = static_cast<int>(rng.Range(1, limits.max_ops));
    p.threads.emplace_back();
    for (int i = 0; i < ops; ++i) p.threads.back().push_back(RandomOpCall(world, rng));
  }
  return p;
}

}  // namespace ovlfuzz
