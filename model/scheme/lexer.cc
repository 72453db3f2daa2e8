#include "model/scheme/lexer.h"

#include <cctype>
#include <cstdio>

#include "model/core/input_error.h"

namespace ovlfuzz {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '-' || c == '*' || c == '+';
}

bool IsPunct(char c) {
  return c == '(' || c == ')' || c == ',' || c == ':' || c == '/' || c == '=';
}

}  // namespace

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    if (nl == text.size()) break;
    start = nl + 1;
  }
  if (!out.empty() && out.back().empty() && !text.empty() && text.back() == '\n') out.pop_back();
  return out;
}

std::string NormalizeSourceText(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out += '\n';  // a classic Mac line end
    }
  }
  return out;
}

std::vector<TokenLine> Tokenize(std::string_view text, const std::string& file) {
  std::vector<TokenLine> out;
  int line = 1;
  size_t i = 0;
  while (i <= text.size()) {
    size_t eol = text.find('\n', i);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view row = text.substr(i, eol - i);
    TokenLine tl;
    tl.line = line;
    size_t j = 0;
    while (j < row.size()) {
      char c = row[j];
      int col = static_cast<int>(j) + 1;
      if (c == '#') break;
      if (c == ' ' || c == '\t' || c == '\r') {
        ++j;
      } else if (IsWordChar(c)) {
        size_t k = j;
        while (k < row.size() && IsWordChar(row[k])) ++k;
        tl.tokens.push_back({Token::Kind::kWord, std::string(row.substr(j, k - j)), line, col});
        j = k;
      } else if (IsPunct(c)) {
        tl.tokens.push_back({Token::Kind::kPunct, std::string(1, c), line, col});
        ++j;
      } else if (c == '"') {
        size_t k = row.find('"', j + 1);
        if (k == std::string_view::npos)
          throw InputError(file, line, col, "unterminated string");
        tl.tokens.push_back(
            {Token::Kind::kString, std::string(row.substr(j + 1, k - j - 1)), line, col});
        j = k + 1;
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
        std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string("'") + c + "'"
                                                                         : std::string("byte ") + hex;
        throw InputError(file, line, col, "unexpected character " + shown);
      }
    }
    if (!tl.tokens.empty()) out.push_back(std::move(tl));
    if (eol == text.size()) break;
    i = eol + 1;
    ++line;
  }
  return out;
}

}  // namespace ovlfuzz
