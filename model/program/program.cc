#include "model/program/program.h"

#include <algorithm>

#include "model/world/world.h"

namespace ovlfuzz {

int Program::OpCount() const {
  int n = 0;
  for (const auto& t : threads) n += static_cast<int>(t.size());
  return n;
}

std::string FormatOpCall(const World& world, const OpCall& call) {
  const Routine& r = world.scheme().routines[call.routine];
  std::string s = r.name;
  for (size_t i = 0; i < r.params.size(); ++i) {
    s += ' ';
    if (r.params[i] == ParamType::kPipe) {
      s += "p" + std::to_string(call.args[i]);
    } else {
      s += world.EntityName(world.ArgEntity(r.params[i], call.args[i]));
    }
  }
  return s;
}

void Sanitize(const World& world, Program* program) {
  const Scheme& s = world.scheme();
  if (program->threads.size() > kMaxThreads) program->threads.resize(kMaxThreads);
  for (auto& t : program->threads) {
    if (t.size() > kMaxOpsPerThread) t.resize(kMaxOpsPerThread);
    for (OpCall& c : t) {
      if (c.routine < 0 || c.routine >= static_cast<int>(s.routines.size()) || !s.routines[c.routine].is_op)
        c.routine = static_cast<int16_t>(s.ops[static_cast<size_t>(std::max<int>(c.routine, 0)) % s.ops.size()]);
      const Routine& r = s.routines[c.routine];
      for (size_t i = 0; i < kMaxParams; ++i) {
        if (i < r.params.size()) c.args[i] = static_cast<uint8_t>(c.args[i] % world.ArgDomain(r.params[i]));
        else c.args[i] = 0;
      }
    }
  }
  program->threads.erase(std::remove_if(program->threads.begin(), program->threads.end(),
                                        [](const std::vector<OpCall>& t) { return t.empty(); }),
                         program->threads.end());
}

}  // namespace ovlfuzz

namespace ovlfuzz {

int TranslateProgram(const World& from, const World& to, const Program& in, Program* out) {
  const Scheme& a = from.scheme();
  const Scheme& b = to.scheme();
  int dropped = 0;
  out->threads.clear();
  for (const auto& thread : in.threads) {
    std::vector<OpCall> ops;
    for (const OpCall& c : thread) {
      const Routine& r = a.routines[c.routine];
      int found = -1;
      for (size_t i = 0; i < b.routines.size() && found < 0; ++i)
        if (b.routines[i].is_op && b.routines[i].name == r.name && b.routines[i].params == r.params)
          found = static_cast<int>(i);
      if (found < 0) {
        ++dropped;
        continue;
      }
      OpCall t = c;
      t.routine = static_cast<int16_t>(found);
      ops.push_back(t);
    }
    if (!ops.empty()) out->threads.push_back(std::move(ops));
  }
  Sanitize(to, out);
  return dropped;
}

}  // namespace ovlfuzz
