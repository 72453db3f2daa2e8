// Cursor: reading one line of scheme (or .ovl) tokens with one-line
// FILE:LINE:COL errors. Used by the scheme parser.
#ifndef OVLFUZZ_MODEL_SCHEME_CURSOR_H_
#define OVLFUZZ_MODEL_SCHEME_CURSOR_H_

#include <string>

#include "model/core/input_error.h"
#include "model/scheme/lexer.h"

namespace ovlfuzz {

// A cursor over one line of tokens.
class Cursor {
 public:
  Cursor(const TokenLine& line, const std::string& file) : line_(line), file_(file) {}

  bool AtEnd() const { return pos_ >= line_.tokens.size(); }
  const Token& Peek() const { return AtEnd() ? EndToken() : line_.tokens[pos_]; }
  bool PeekIs(const char* text) const { return !AtEnd() && Peek().text == text; }
  const Token& Next() {
    if (AtEnd()) Fail(EndToken(), "unexpected end of line");
    return line_.tokens[pos_++];
  }
  bool Accept(const char* text) {
    if (PeekIs(text) && Peek().kind != Token::Kind::kString) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(const char* text) {
    const Token& t = Peek();
    if (!Accept(text)) Fail(t, std::string("expected '") + text + "'" + Found(t));
  }
  const Token& Word(const char* what) {
    const Token& t = Peek();
    if (AtEnd() || t.kind != Token::Kind::kWord) Fail(t, std::string("expected ") + what + Found(t));
    return Next();
  }
  void ExpectEnd() {
    if (!AtEnd()) Fail(Peek(), "unexpected '" + Peek().text + "' at end of statement");
  }
  [[noreturn]] void Fail(const Token& at, const std::string& msg) const {
    throw InputError(file_, at.line, at.col, msg);
  }
  static std::string Found(const Token& t) {
    return t.text.empty() ? ", found end of line" : ", found '" + t.text + "'";
  }

 private:
  const Token& EndToken() const {
    end_.line = line_.line;
    end_.col = line_.tokens.empty() ? 1 : line_.tokens.back().col + static_cast<int>(line_.tokens.back().text.size());
    end_.text.clear();
    return end_;
  }
  const TokenLine& line_;
  const std::string& file_;
  size_t pos_ = 0;
  mutable Token end_;
};

inline int ParseInt(Cursor& c, const char* what, int lo, int hi) {
  const Token& t = c.Word(what);
  int v = 0;
  for (char ch : t.text) {
    if (ch < '0' || ch > '9' || v > 100000) c.Fail(t, std::string("expected ") + what + ", found '" + t.text + "'");
    v = v * 10 + (ch - '0');
  }
  if (v < lo || v > hi)
    c.Fail(t, std::string(what) + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_CURSOR_H_
