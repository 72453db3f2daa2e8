#include "model/scheme/compose.h"

#include <algorithm>
#include <map>

#include "model/core/input_error.h"
#include "model/scheme/lexer.h"
#include "model/scheme/parser.h"

namespace ovlfuzz {
namespace {

constexpr int kMaxChain = 16;

// One top-level piece of a scheme text: a directive line or a routine block,
// with the comment and blank lines before it.
struct Item {
  std::string kind;  // scheme, extends, expect, world, super, lock, init, op, sub, replace, remove, tail
  std::string what;  // replace / remove: op, sub, super or lock
  std::string name;
  int first = 0;     // first line (leading trivia included), 1-based
  int head = 0;      // the directive's line
  int last = 0;      // last line
  int name_col = 0;
  int kind_col = 0;  // column of the directive's first token
};

// A text with the origin of each of its lines.
struct Text {
  std::vector<std::string> lines;
  std::vector<SchemeOrigin> origin;
  std::vector<std::string> files;
};

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

class Flattener {
 public:
  Flattener(const BaseLoader& load) : load_(load) {}

  FlatScheme Run(const SchemeSource& src, std::vector<std::string> chain) {
    chain.push_back(src.id);
    const std::string text = NormalizeSourceText(src.text);
    const std::vector<TokenLine> tokens = Tokenize(text, src.path);
    const std::vector<std::string> lines = SplitLines(text);
    std::vector<Item> items = Items(tokens, static_cast<int>(lines.size()), src.path);
    for (Item& it : items)
      if (it.kind == "extends") it.name = ExtendsArgument(lines[it.head - 1], it.kind_col);
    const Item* extends = nullptr;
    for (size_t i = 0; i < items.size(); ++i) {
      const Item& it = items[i];
      if (it.kind != "extends") continue;
      if (extends) throw InputError(src.path, it.head, it.kind_col, "second 'extends' line");
      if (i == 0 || items[i - 1].kind != "scheme")
        throw InputError(src.path, it.head, it.kind_col, "'extends' must come right after the 'scheme' line");
      if (it.name.empty()) throw InputError(src.path, it.head, it.kind_col, "expected 'extends BASE'");
      extends = &it;
    }
    FlatScheme out;
    if (!extends) {
      for (const Item& it : items)
        if (it.kind == "replace" || it.kind == "remove")
          throw InputError(src.path, it.head, it.kind_col, "'" + it.kind + "' needs 'extends BASE' after the 'scheme' line");
      out.text = text;
      out.files = {src.path};
      for (size_t i = 0; i < lines.size(); ++i) out.origin.push_back({0, static_cast<int>(i) + 1, 0});
      return out;
    }
    if (static_cast<int>(chain.size()) > kMaxChain)
      throw InputError(src.path, extends->head, extends->name_col, "'extends' chain longer than 16");
    SchemeSource base_src = load_(extends->name, src, extends->head, extends->name_col);
    if (std::find(chain.begin(), chain.end(), base_src.id) != chain.end()) {
      std::string path;
      for (const std::string& c : chain) path += c + " -> ";
      throw InputError(src.path, extends->head, extends->name_col, "'extends' cycle: " + path + base_src.id);
    }
    FlatScheme base = Run(base_src, chain);
    Text b;
    b.lines = SplitLines(base.text);
    b.origin = base.origin;
    b.files = base.files;
    Text d;
    d.lines = lines;
    return Merge(b, base_src.path, d, items, src);
  }

 private:
  static bool Opens(const std::string& w) { return w == "if" || w == "block" || w == "repeat"; }

  // `extends v5.0`, `extends ../base.scheme`, `extends "my base.scheme"`:
  // the rest of the line, comment and quotes removed (paths hold '/',
  // which the lexer splits).
  static std::string ExtendsArgument(const std::string& line, int col) {
    std::string rest = line.substr(std::min(line.size(), static_cast<size_t>(col - 1) + 7));
    size_t b = rest.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    rest = rest.substr(b);
    if (rest[0] == '"') return rest.substr(1, rest.find('"', 1) == std::string::npos ? std::string::npos : rest.find('"', 1) - 1);
    rest = rest.substr(0, rest.find('#'));
    return rest.substr(0, rest.find_last_not_of(" \t") + 1);
  }

  // Top-level items of a text. Routine extents follow the parser's rules;
  // a block without its `end` runs to the end (the parser reports it).
  std::vector<Item> Items(const std::vector<TokenLine>& tokens, int nlines, const std::string& path) {
    std::vector<Item> items;
    int next_first = 1;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const TokenLine& tl = tokens[i];
      const std::vector<Token>& t = tl.tokens;
      Item it;
      it.first = next_first;
      it.head = it.last = tl.line;
      it.kind = t[0].text;
      it.kind_col = t[0].col;
      auto word = [&](size_t k) { return k < t.size() ? t[k].text : std::string(); };
      auto col = [&](size_t k) { return k < t.size() ? t[k].col : t.back().col; };
      bool routine = false;
      if (it.kind == "replace" || it.kind == "remove") {
        it.what = word(1);
        it.name = word(2);
        it.name_col = col(2);
        if (it.what != "op" && it.what != "sub" && (it.kind == "remove" || (it.what != "super" && it.what != "lock")))
          throw InputError(path, tl.line, col(1),
                           it.kind == "replace" ? "expected 'replace op|sub|super|lock NAME'" : "expected 'remove op|sub NAME'");
        routine = it.kind == "replace" && (it.what == "op" || it.what == "sub");
      } else if (it.kind == "op" || it.kind == "sub" || it.kind == "super" || it.kind == "lock" || it.kind == "extends" ||
                 it.kind == "scheme") {
        it.name = word(1);
        it.name_col = col(1);
        routine = it.kind == "op" || it.kind == "sub";
      }
      if (routine) {
        int depth = 0;
        size_t j = i + 1;
        for (; j < tokens.size(); ++j) {
          const std::string& w = tokens[j].tokens[0].text;
          if (w == "op" || w == "sub" || w == "replace") break;
          if (Opens(w)) ++depth;
          if (w == "end" && depth-- == 0) break;
        }
        if (j < tokens.size() && tokens[j].tokens[0].text == "end") {
          it.last = tokens[j].line;
          i = j;
        } else {
          it.last = j < tokens.size() ? tokens[j].line - 1 : nlines;
          i = j - 1;
        }
      }
      next_first = it.last + 1;
      items.push_back(it);
    }
    Item tail;
    tail.kind = "tail";
    tail.first = next_first;
    tail.head = tail.last = nlines;
    items.push_back(tail);
    return items;
  }

  // The key two items collide on: routines share one namespace.
  static std::string Key(const std::string& kind, const std::string& name) {
    return (kind == "op" || kind == "sub" ? std::string("routine") : kind) + " " + name;
  }

  FlatScheme Merge(const Text& base, const std::string& base_path, const Text& delta, const std::vector<Item>& ditems,
                   const SchemeSource& src) {
    std::vector<Item> bitems = Items(Tokenize(Join(base.lines), base_path), static_cast<int>(base.lines.size()), base_path);
    // Output as (line text, origin) pieces per base item, then additions.
    struct Piece {
      std::vector<std::string> lines;
      std::vector<SchemeOrigin> origin;
    };
    std::vector<std::string> files = base.files;
    const int dfile = static_cast<int>(files.size());
    files.push_back(src.path);
    auto from_base = [&](const Item& it) {
      Piece p;
      for (int l = it.first; l <= it.last && l <= static_cast<int>(base.lines.size()); ++l) {
        p.lines.push_back(base.lines[l - 1]);
        p.origin.push_back(base.origin[l - 1]);
      }
      return p;
    };
    // A delta item's lines; `strip` removes the leading `replace ` of its head.
    auto from_delta = [&](const Item& it, bool strip) {
      Piece p;
      for (int l = it.first; l <= it.last; ++l) {
        std::string text = delta.lines[l - 1];
        int shift = 0;
        if (strip && l == it.head) {
          size_t at = static_cast<size_t>(it.kind_col - 1);
          size_t next = text.find_first_not_of(" \t", at + 7);
          shift = static_cast<int>(next - at);
          text.erase(at, next - at);
        }
        p.lines.push_back(text);
        p.origin.push_back({dfile, l, shift});
      }
      return p;
    };
    std::vector<Piece> out;
    std::map<std::string, size_t> defined;  // key -> index into out
    std::map<std::string, SchemeOrigin> defined_at;
    size_t scheme_at = 0, expect_at = SIZE_MAX, world_at = SIZE_MAX;
    for (const Item& it : bitems) {
      if (it.kind == "tail") continue;
      out.push_back(from_base(it));
      const size_t k = out.size() - 1;
      if (it.kind == "scheme") scheme_at = k;
      if (it.kind == "expect") expect_at = k;
      if (it.kind == "world") world_at = k;
      if (it.kind == "op" || it.kind == "sub" || it.kind == "super" || it.kind == "lock") {
        defined[Key(it.kind, it.name)] = k;
        defined_at[Key(it.kind, it.name)] = base.origin[it.head - 1];
      }
    }
    auto where = [&](const SchemeOrigin& o) { return files[o.file] + ":" + std::to_string(o.line); };
    auto fail = [&](const Item& it, int col, const std::string& msg) {
      throw InputError(src.path, it.head, col, msg);
    };
    std::vector<Piece> added;
    for (const Item& it : ditems) {
      if (it.kind == "extends" || it.kind == "tail") continue;
      if (it.kind == "scheme") {
        out[scheme_at] = from_delta(it, false);
      } else if (it.kind == "expect" || it.kind == "world") {
        size_t& at = it.kind == "expect" ? expect_at : world_at;
        if (at != SIZE_MAX) out[at] = from_delta(it, false);
        else added.push_back(from_delta(it, false));
      } else if (it.kind == "replace" || it.kind == "remove") {
        auto found = defined.find(Key(it.what, it.name));
        if (found == defined.end() || (it.what != "super" && it.what != "lock" &&
                                       !StartsWith(Head(out[found->second]), it.what + " ")))
          fail(it, it.name_col, "no " + it.what + " '" + it.name + "' in " + base_path + " to " + it.kind);
        if (it.kind == "remove") out[found->second] = Piece{};
        else out[found->second] = from_delta(it, true);
        defined.erase(found);  // replaced or removed once
      } else {
        if (it.kind == "op" || it.kind == "sub" || it.kind == "super" || it.kind == "lock") {
          auto prior = defined_at.find(Key(it.kind, it.name));
          if (prior != defined_at.end())
            fail(it, it.name_col, "'" + it.name + "' is already defined at " + where(prior->second) + " (write 'replace " +
                                      it.kind + " " + it.name + "' to change it)");
          defined_at[Key(it.kind, it.name)] = {dfile, it.head, 0};
        }
        added.push_back(from_delta(it, false));
      }
    }
    FlatScheme flat;
    flat.composed = true;
    flat.files = files;
    std::vector<std::string> lines;
    for (const std::vector<Piece>* group : {&out, &added})
      for (const Piece& p : *group) {
        lines.insert(lines.end(), p.lines.begin(), p.lines.end());
        flat.origin.insert(flat.origin.end(), p.origin.begin(), p.origin.end());
      }
    flat.text = Join(lines);
    return flat;
  }

  static bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

  // The first code line of a piece, trimmed.
  template <typename P>
  static std::string Head(const P& p) {
    for (const std::string& l : p.lines) {
      size_t b = l.find_first_not_of(" \t");
      if (b != std::string::npos && l[b] != '#') return l.substr(b);
    }
    return "";
  }

  const BaseLoader& load_;
};

}  // namespace

std::string FlatScheme::Annotated() const {
  std::vector<std::string> lines = SplitLines(text);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const SchemeOrigin& o = origin[i];
    bool jump = i == 0 || origin[i - 1].file != o.file || origin[i - 1].line + 1 != o.line;
    if (jump) out += "# from " + files[o.file] + ":" + std::to_string(o.line) + "\n";
    out += lines[i] + "\n";
  }
  return out;
}

FlatScheme Flatten(const SchemeSource& source, const BaseLoader& load) { return Flattener(load).Run(source, {}); }

Scheme LoadScheme(const SchemeSource& source, const BaseLoader& load) {
  FlatScheme flat = Flatten(source, load);
  if (!flat.composed) return ParseScheme(source.text, source.path);
  try {
    Scheme s = ParseScheme(flat.text, source.path);
    s.source_files = flat.files;
    s.origins = flat.origin;
    return s;
  } catch (const InputError& e) {
    if (e.line() < 1 || e.line() > static_cast<int>(flat.origin.size())) throw;
    const SchemeOrigin& o = flat.origin[e.line() - 1];
    throw InputError(flat.files[o.file], o.line, e.col() + (e.col() > 1 ? o.col_shift : 0), e.message());
  }
}

}  // namespace ovlfuzz
