#include "model/program/embedded_scheme.h"

#include <algorithm>
#include <cstdlib>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/lexer.h"
#include "model/scheme/parser.h"

namespace ovlfuzz {
namespace {

constexpr std::string_view kNoNewline = "\\ no newline at end";

}  // namespace

std::string FormatEmbeddedScheme(const Scheme& s) {
  std::string out = std::string(kEmbeddedSchemeMarker) + " " + s.path + "\n";
  int prev_file = -1, prev_line = 0, n = 0;
  for (const std::string& line : s.text.empty() ? std::vector<std::string>() : SplitLines(s.text)) {
    ++n;
    // A scheme from one file has no origins: its lines are that file's.
    SchemeOrigin o = n <= static_cast<int>(s.origins.size()) ? s.origins[n - 1] : SchemeOrigin{0, n, 0};
    const std::string& file = s.source_files.empty() ? s.path : s.source_files[o.file];
    if (o.file != prev_file || o.line != prev_line + 1) out += "@ " + file + ":" + std::to_string(o.line) + "\n";
    prev_file = o.file;
    prev_line = o.line;
    out += "|";
    out += line;
    out += "\n";
  }
  if (!s.text.empty() && s.text.back() != '\n') out += std::string(kNoNewline) + "\n";
  return out;
}

size_t EmbeddedSchemeStart(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.substr(0, kEmbeddedSchemeMarker.size()) == kEmbeddedSchemeMarker &&
        (line.size() == kEmbeddedSchemeMarker.size() || line[kEmbeddedSchemeMarker.size()] == ' '))
      return pos;
    pos = nl + 1;
  }
  return text.size();
}

EmbeddedScheme ParseEmbeddedScheme(std::string_view text, const std::string& path, int first_line) {
  EmbeddedScheme e;
  e.present = true;
  e.line = first_line;
  const std::vector<std::string> lines = SplitLines(text);
  // The marker, then the path reports name the scheme by.
  e.path = lines[0].substr(std::min(lines[0].size(), kEmbeddedSchemeMarker.size() + 1));
  while (!e.path.empty() && (e.path.back() == ' ' || e.path.back() == '\t')) e.path.pop_back();
  if (e.path.empty()) throw InputError(path, first_line, 1, "expected 'scheme-text FILE'");
  int file = -1, origin_line = 0;
  bool no_newline = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const int at = first_line + static_cast<int>(i);
    if (no_newline) throw InputError(path, at, 1, "text after '\\ no newline at end' in the embedded scheme");
    if (!line.empty() && line[0] == '|') {
      if (file < 0) throw InputError(path, at, 1, "embedded scheme line before its first '@ FILE:LINE' line");
      e.text.append(line.substr(1));
      e.text += '\n';
      e.origins.push_back({file, origin_line++, 0});
      e.ovl_lines.push_back(at);
    } else if (line.rfind("@ ", 0) == 0) {
      size_t colon = line.rfind(':');
      std::string_view num = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
      if (colon == std::string_view::npos || colon <= 2 || num.empty() || num.size() > 9 ||
          num.find_first_not_of("0123456789") != std::string_view::npos || num == "0" || num[0] == '0')
        throw InputError(path, at, 1, "expected '@ FILE:LINE' in the embedded scheme");
      const std::string name(line.substr(2, colon - 2));
      const auto known = std::find(e.files.begin(), e.files.end(), name);
      file = static_cast<int>(known - e.files.begin());
      if (known == e.files.end()) e.files.push_back(name);
      origin_line = std::atoi(std::string(num).c_str());
    } else if (line == kNoNewline) {
      if (e.text.empty()) throw InputError(path, at, 1, "'\\ no newline at end' before any embedded scheme line");
      e.text.pop_back();
      no_newline = true;
    } else if (line.find_first_not_of(" \t") == std::string_view::npos) {
      continue;  // blank lines (e.g. added by a mail client) do not matter
    } else {
      throw InputError(path, at, 1,
                       "expected '|TEXT' or '@ FILE:LINE' in the embedded scheme (it runs to the end of the file)");
    }
  }
  if (e.text.empty()) throw InputError(path, first_line, 1, "empty embedded scheme");
  return e;
}

Scheme ParseEmbedded(const EmbeddedScheme& e, const std::string& path) {
  Scheme s;
  try {
    s = ParseScheme(e.text, e.path);
  } catch (const InputError& err) {
    const int line =
        err.line() >= 1 && err.line() <= static_cast<int>(e.ovl_lines.size()) ? e.ovl_lines[err.line() - 1] : e.line;
    // Columns shift by one: the '|' before each line.
    throw InputError(path, line, err.col() + 1, "embedded scheme: " + err.message());
  }
  s.source_files = e.files;
  s.origins = e.origins;
  return s;
}

}  // namespace ovlfuzz
