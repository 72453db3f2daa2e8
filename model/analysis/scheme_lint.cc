#include "model/analysis/scheme_lint.h"

#include <algorithm>

#include "model/analysis/static_locks.h"
#include "model/program/program.h"

namespace ovlfuzz {
namespace {

bool NamesLock(const Instr& in) {
  return in.op == Opc::kLock || in.op == Opc::kTrylock || in.op == Opc::kUnlock || in.op == Opc::kMightLock;
}

// Routines reachable from the ops through `call`.
std::vector<bool> Reachable(const Scheme& s) {
  std::vector<bool> seen(s.routines.size(), false);
  std::vector<int> stack(s.ops.begin(), s.ops.end());
  for (int op : s.ops) seen[op] = true;
  while (!stack.empty()) {
    int r = stack.back();
    stack.pop_back();
    for (const Instr& in : s.routines[r].code)
      if (in.op == Opc::kCall && !seen[in.callee]) {
        seen[in.callee] = true;
        stack.push_back(in.callee);
      }
  }
  return seen;
}

}  // namespace

SchemeLint LintScheme(const World& world) {
  const Scheme& s = world.scheme();
  SchemeLint lint;
  StaticLockGraph graph(world);
  for (const StaticSite& b : graph.bad_unlocks()) {
    const Instr& in = s.routines[b.routine].code[b.pc];
    std::string via;
    for (const auto& [routine, pc] : b.stack) via += s.routines[routine].name + " -> ";
    lint.errors.push_back({in.line, in.col,
                           "unlock of " + world.InstanceName(b.inst) +
                               " that is not held on some path (reached by " + FormatOpCall(world, b.call) +
                               (via.empty() ? "" : ", through " + via + s.routines[b.routine].name) + ")"});
  }
  std::sort(lint.errors.begin(), lint.errors.end(),
            [](const LintMessage& a, const LintMessage& b) { return a.line != b.line ? a.line < b.line : a.col < b.col; });
  for (size_t f = 0; f < s.families.size(); ++f) {
    const LockFamily& fam = s.families[f];
    if (fam.family != FamilyKind::kDeclared) continue;
    bool used = false;
    for (const Routine& r : s.routines)
      for (const Instr& in : r.code) used |= NamesLock(in) && in.lock.family == static_cast<int>(f);
    if (!used) lint.warnings.push_back({fam.line, 1, "lock '" + fam.name + "' is declared but no statement takes it"});
  }
  std::vector<bool> reachable = Reachable(s);
  for (size_t r = 0; r < s.routines.size(); ++r)
    if (!reachable[r])
      lint.warnings.push_back({s.routines[r].line, 1, "sub '" + s.routines[r].name + "' is called by no op"});
  return lint;
}

}  // namespace ovlfuzz
