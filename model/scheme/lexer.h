// Line-oriented tokenizer for scheme files and .ovl reproducers.
//
// Both formats are "one statement per line", so the lexer splits text into
// lines of tokens, each token carrying its 1-based line and column for
// FILE:LINE:COL diagnostics. `#` starts a comment. Words may contain
// letters, digits, '_', '.', '-' and '*' so that names such as `v5.0`,
// `start-write-callback`, `lock-inversion` and `0*3` are single tokens.
#ifndef OVLFUZZ_MODEL_SCHEME_LEXER_H_
#define OVLFUZZ_MODEL_SCHEME_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

namespace ovlfuzz {

struct Token {
  enum class Kind { kWord, kString, kPunct };
  Kind kind = Kind::kWord;
  std::string text;
  int line = 0;
  int col = 0;
};

struct TokenLine {
  int line = 0;
  std::vector<Token> tokens;
};

// A UTF-8 byte-order mark is dropped and "\r\n" and a lone "\r" become
// "\n": every reader takes text saved by any editor the same (a file with
// CR-only endings is not one long line, a BOM is not a stray character).
std::string NormalizeSourceText(std::string_view text);

// The lines of `text` without their '\n'; a final newline ends the last
// line rather than starting an empty one ("" is one empty line).
std::vector<std::string> SplitLines(std::string_view text);

// Splits `text` into non-empty token lines. Throws InputError (naming
// `file`) on an unterminated string or a character outside the language.
std::vector<TokenLine> Tokenize(std::string_view text, const std::string& file);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_LEXER_H_
