// The scheme text a reproducer carries, so a bug report is one file: it
// replays after the scheme file is gone, in another directory, or on an
// ovlfuzz whose built-in has changed since. The section follows the
// `schedule` line:
//
//   scheme-text model/schemes/v5.0.scheme   the file reports name it by
//   @ model/schemes/v5.0.scheme:1      where the next lines were written
//   |scheme v5.0                       one line of the flattened text each
//   |...
//   \ no newline at end                (only when the text lacks one)
//
// The text is the flattened scheme (compose.h) whose FNV-1a hash the
// `scheme NAME HASH` line records, so the section is checked against that
// hash; the `@` lines keep each line's origin, so reports cite the same
// FILE:LINE as a replay against the scheme file itself.
#ifndef OVLFUZZ_MODEL_PROGRAM_EMBEDDED_SCHEME_H_
#define OVLFUZZ_MODEL_PROGRAM_EMBEDDED_SCHEME_H_

#include <string>
#include <string_view>
#include <vector>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

struct EmbeddedScheme {
  bool present = false;
  int line = 0;                       // line of `scheme-text` in the .ovl
  std::string path;                   // Scheme::path: the top file
  std::string text;                   // the flattened scheme text
  std::vector<std::string> files;     // origins' files
  std::vector<SchemeOrigin> origins;  // per line of `text`
  std::vector<int> ovl_lines;         // per line of `text`: its line in the .ovl
};

inline constexpr std::string_view kEmbeddedSchemeMarker = "scheme-text";

// The section for `scheme` (its text and origins), ending in a newline.
std::string FormatEmbeddedScheme(const Scheme& scheme);

// Splits a normalized .ovl text at its `scheme-text` line: returns the
// length of the part before it (the whole text when there is none).
size_t EmbeddedSchemeStart(std::string_view text);

// Parses the section starting at `text` (which begins with the marker line,
// line `first_line` of `path`). Throws InputError(path, line, col).
EmbeddedScheme ParseEmbeddedScheme(std::string_view text, const std::string& path, int first_line);

// Parses the embedded text as a scheme with its recorded origins; a parse
// error points at the .ovl line that holds the bad scheme line.
Scheme ParseEmbedded(const EmbeddedScheme& e, const std::string& path);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_PROGRAM_EMBEDDED_SCHEME_H_
