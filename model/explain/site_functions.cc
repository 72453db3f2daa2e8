#include "model/explain/site_functions.h"

#include <algorithm>
#include <cctype>

namespace ovlfuzz {
namespace {

bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool InFrames(const std::vector<SplatFrame>& frames, const std::string& fn) {
  return std::any_of(frames.begin(), frames.end(), [&](const SplatFrame& f) { return f.Base() == fn; });
}

}  // namespace

std::vector<std::string> CommentFunctions(const std::string& line) {
  std::vector<std::string> out;
  size_t hash = line.find('#');
  if (hash == std::string::npos) return out;
  const std::string c = line.substr(hash + 1);
  for (size_t i = 0; i < c.size();) {
    if (!IdentChar(c[i]) || std::isdigit(static_cast<unsigned char>(c[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && IdentChar(c[j])) ++j;
    if (j < c.size() && c[j] == '(') {
      std::string fn = c.substr(i, j - i);
      if (std::find(out.begin(), out.end(), fn) == out.end()) out.push_back(fn);
    }
    i = j;
  }
  return out;
}

std::vector<std::string> InstrFunctions(const Scheme& s, int routine, int pc) {
  if (routine < 0 || pc < 0) return {};
  return CommentFunctions(s.Line(s.routines[routine].code[pc].line));
}

FrameMatch MatchFrames(const Scheme& s, int routine, int pc, const std::vector<std::pair<int, int>>& stack,
                       const std::vector<SplatFrame>& frames, const std::vector<std::pair<int, int>>& held_lines,
                       const std::vector<SplatFrame>& held_frames) {
  FrameMatch m;
  auto note = [&](const std::string& fn, int points) {
    if (std::find(m.matched.begin(), m.matched.end(), fn) != m.matched.end()) return;
    m.matched.push_back(fn);
    m.score += points;
  };
  std::vector<std::string> own = InstrFunctions(s, routine, pc);
  for (size_t i = 0; i < own.size(); ++i)
    if (InFrames(frames, own[i])) note(own[i], i == 0 ? 4 : 2);
  for (auto it = stack.rbegin(); it != stack.rend(); ++it)
    for (const std::string& fn : InstrFunctions(s, it->first, it->second))
      if (InFrames(frames, fn)) note(fn, 1);
  for (const auto& [routine_h, pc_h] : held_lines)
    for (const std::string& fn : InstrFunctions(s, routine_h, pc_h))
      if (InFrames(held_frames, fn)) note(fn, 1);
  return m;
}

}  // namespace ovlfuzz
