#include "model/verify/calls.h"

#include <algorithm>

namespace ovlfuzz {
namespace {

bool ArgAllowed(const World& world, const VerifyOptions& o, ParamType type, int v) {
  auto below = [](int v, int limit) { return limit < 0 || v < limit; };
  switch (type) {
    case ParamType::kFile:
      return below(v, o.files);
    case ParamType::kDir:
      return below(v, o.dirs);
    case ParamType::kPipe:
      return below(v, o.pipes);
    case ParamType::kNode:
      return v < world.files() ? below(v, o.files) : below(v - world.files(), o.dirs);
  }
  return true;
}

void AddCalls(const World& world, const VerifyOptions& o, int routine, size_t param, OpCall call,
              std::vector<OpCall>* out) {
  const Routine& rt = world.scheme().routines[routine];
  if (param == rt.params.size()) {
    out->push_back(call);
    return;
  }
  for (int v = 0; v < world.ArgDomain(rt.params[param]); ++v) {
    if (!ArgAllowed(world, o, rt.params[param], v)) continue;
    call.args[param] = static_cast<uint8_t>(v);
    AddCalls(world, o, routine, param + 1, call, out);
  }
}

}  // namespace

std::vector<OpCall> ChoosableCalls(const World& world, const VerifyOptions& o) {
  std::vector<OpCall> calls;
  const Scheme& s = world.scheme();
  for (size_t r = 0; r < s.routines.size(); ++r) {
    if (!s.routines[r].is_op) continue;
    if (!o.only_ops.empty() && std::find(o.only_ops.begin(), o.only_ops.end(), static_cast<int>(r)) == o.only_ops.end())
      continue;
    AddCalls(world, o, static_cast<int>(r), 0, OpCall{static_cast<int16_t>(r), {0, 0, 0}}, &calls);
  }
  return calls;
}

}  // namespace ovlfuzz
