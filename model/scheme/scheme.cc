// Queries on a compiled Scheme (scheme.h).
#include <string>
#include <vector>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

const std::string& Scheme::Line(int line) const {
  static const std::string kEmpty;
  if (line < 1 || line > static_cast<int>(lines.size())) return kEmpty;
  return lines[line - 1];
}

std::string Scheme::Where(int line) const {
  if (line < 1 || line > static_cast<int>(origins.size())) return path + ":" + std::to_string(line);
  const SchemeOrigin& o = origins[line - 1];
  return source_files[o.file] + ":" + std::to_string(o.line);
}

int Scheme::FindOp(const std::string& op_name) const {
  for (int idx : ops)
    if (routines[idx].name == op_name) return idx;
  return -1;
}

int Scheme::FindBit(const std::string& bit_name) const {
  for (size_t i = 0; i < bits.size(); ++i)
    if (bits[i] == bit_name) return static_cast<int>(i);
  return -1;
}

bool Scheme::Contains(int routine, Opc op) const {
  std::vector<int> stack{routine};
  std::vector<bool> seen(routines.size(), false);
  while (!stack.empty()) {
    int r = stack.back();
    stack.pop_back();
    if (seen[r]) continue;
    seen[r] = true;
    for (const Instr& in : routines[r].code) {
      if (in.op == op) return true;
      if (in.op == Opc::kCall) stack.push_back(in.callee);
    }
  }
  return false;
}

}  // namespace ovlfuzz
