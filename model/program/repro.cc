#include "model/program/repro.h"

#include <algorithm>
#include <cstdlib>

#include "model/core/hash.h"
#include "model/core/input_error.h"
#include "model/scheme/lexer.h"
#include "model/world/world.h"

namespace ovlfuzz {
namespace {

[[noreturn]] void Fail(const std::string& path, const Token& t, const std::string& msg) {
  throw InputError(path, t.line, t.col, msg);
}

uint64_t ParseNumber(const std::string& path, const Token& t, uint64_t max, const char* what) {
  if (t.text.empty() || t.text.size() > 20 || t.text.find_first_not_of("0123456789") != std::string::npos)
    Fail(path, t, std::string("expected ") + what + ", found '" + t.text + "'");
  uint64_t v = std::strtoull(t.text.c_str(), nullptr, 10);
  if (v > max) Fail(path, t, std::string(what) + " out of range (max " + std::to_string(max) + ")");
  return v;
}

// "f1" / "d0" / "p2" -> value of the argument for a parameter of type `pt`.
uint8_t ParseArg(const std::string& path, const Token& t, ParamType pt, const World& w) {
  char want = pt == ParamType::kPipe ? 'p' : pt == ParamType::kDir ? 'd' : pt == ParamType::kFile ? 'f' : '?';
  char got = t.text.empty() ? 0 : t.text[0];
  bool ok_kind = got == want || (want == '?' && (got == 'f' || got == 'd'));
  std::string expect = pt == ParamType::kPipe ? "a pipe (p0..)" : pt == ParamType::kDir ? "a dir (d0..)"
                     : pt == ParamType::kFile ? "a file (f0..)" : "a file or dir (f0.., d0..)";
  if (!ok_kind || t.text.size() < 2 || t.text.find_first_not_of("0123456789", 1) != std::string::npos || t.text.size() > 4)
    Fail(path, t, "expected " + expect + ", found '" + t.text + "'");
  int n = std::atoi(t.text.c_str() + 1);
  int limit = got == 'p' ? w.pipes() : got == 'f' ? w.files() : w.dirs();
  if (n >= limit) Fail(path, t, "'" + t.text + "' is outside the scheme's world (" + std::to_string(limit) + ")");
  return static_cast<uint8_t>(got == 'd' && pt == ParamType::kNode ? w.files() + n : n);
}

}  // namespace

Repro ParseRepro(std::string_view raw, const std::string& path, const WorldLoader& load,
                 const World** world_out) {
  const std::string normalized = NormalizeSourceText(raw);
  const size_t embedded_at = EmbeddedSchemeStart(normalized);
  const std::string_view text = std::string_view(normalized).substr(0, embedded_at);
  Repro r;
  {
    // Leading comment lines carry the finding summary; keep them for output.
    size_t pos = 0;
    while (pos < text.size() && text[pos] == '#') {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      r.comments.emplace_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  std::vector<TokenLine> lines = Tokenize(text, path);
  size_t i = 0;
  auto need_line = [&](const char* what) -> const TokenLine& {
    if (i >= lines.size()) {
      int last = lines.empty() ? 1 : lines.back().line + 1;
      throw InputError(path, last, 1, std::string("truncated reproducer: expected ") + what);
    }
    return lines[i++];
  };
  auto expect_words = [&](const TokenLine& l, size_t n, const char* usage) {
    if (l.tokens.size() != n)
      Fail(path, l.tokens.size() > n ? l.tokens[n] : l.tokens.back(), std::string("expected '") + usage + "'");
    for (const Token& t : l.tokens)
      if (t.kind != Token::Kind::kWord) Fail(path, t, std::string("expected '") + usage + "'");
  };

  const TokenLine& magic = need_line("'ovlfuzz 1'");
  if (magic.tokens[0].text != "ovlfuzz") Fail(path, magic.tokens[0], "not an ovlfuzz reproducer (expected 'ovlfuzz 1')");
  expect_words(magic, 2, "ovlfuzz 1");
  if (magic.tokens[1].text != "1") Fail(path, magic.tokens[1], "unsupported reproducer version '" + magic.tokens[1].text + "'");

  const TokenLine& sl = need_line("'scheme NAME HASH'");
  if (sl.tokens[0].text != "scheme") Fail(path, sl.tokens[0], "expected 'scheme NAME HASH'");
  if (sl.tokens.size() != 3 || sl.tokens[0].kind != Token::Kind::kWord || sl.tokens[2].kind != Token::Kind::kWord) {
    // A path written without quotes splits into several tokens: say so.
    const std::string line = SplitLines(text)[sl.tokens[0].line - 1];  // starts with "scheme"
    const size_t name_at = line.find_first_not_of(" \t", line.find("scheme") + 6);
    const std::string name =
        name_at == std::string::npos ? "" : line.substr(name_at, line.find_first_of(" \t", name_at) - name_at);
    if (sl.tokens.size() > 1 && sl.tokens[1].kind != Token::Kind::kString &&
        name.find_first_of("/\\") != std::string::npos)
      Fail(path, sl.tokens[1], "a scheme path must be quoted: scheme \"" + name + "\" HASH (the hash may be 'any')");
    Fail(path, sl.tokens.size() > 3 ? sl.tokens[3] : sl.tokens.back(), "expected 'scheme NAME HASH'");
  }
  r.scheme_ref = sl.tokens[1].text;
  const Token& ht = sl.tokens[2];
  const bool pinned = ht.text != "any";  // hand-written programs may leave the hash open
  if (pinned && (ht.text.size() != 16 || ht.text.find_first_not_of("0123456789abcdef") != std::string::npos))
    Fail(path, ht, "expected a 16-digit hex scheme hash or 'any', found '" + ht.text + "'");
  if (pinned) r.scheme_hash = std::strtoull(ht.text.c_str(), nullptr, 16);
  if (embedded_at < normalized.size()) {
    const int at = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    r.embedded = ParseEmbeddedScheme(std::string_view(normalized).substr(embedded_at), path, at);
    if (pinned && Fnv1a64(r.embedded.text) != r.scheme_hash)
      throw InputError(path, at, 1,
                       "the embedded scheme text does not match the hash on line " + std::to_string(ht.line) +
                           " (edited or corrupt reproducer)");
  }
  const World& w = load(r, sl.tokens[1].line, sl.tokens[1].col);
  if (!pinned) r.scheme_hash = w.scheme().hash;
  r.scheme_changed = w.scheme().hash != r.scheme_hash;
  *world_out = &w;

  const TokenLine& st = need_line("'strategy random|pct DEPTH SEED'");
  if (st.tokens[0].text != "strategy") Fail(path, st.tokens[0], "expected 'strategy random|pct DEPTH SEED'");
  expect_words(st, 4, "strategy random|pct DEPTH SEED");
  if (!ParseStrategyName(st.tokens[1].text, &r.strategy.kind)) Fail(path, st.tokens[1], "unknown strategy '" + st.tokens[1].text + "'");
  r.strategy.pct_depth = static_cast<int>(ParseNumber(path, st.tokens[2], 16, "a PCT depth"));
  r.strategy.seed = ParseNumber(path, st.tokens[3], UINT64_MAX, "a seed");

  const Scheme& s = w.scheme();
  bool saw_schedule = false;
  while (i < lines.size()) {
    const TokenLine& l = lines[i++];
    const Token& head = l.tokens[0];
    if (head.text == "thread") {
      expect_words(l, 1, "thread");
      if (r.program.threads.size() >= kMaxThreads) Fail(path, head, "at most " + std::to_string(kMaxThreads) + " threads");
      r.program.threads.emplace_back();
    } else if (head.text == "schedule") {
      saw_schedule = true;
      for (size_t k = 1; k < l.tokens.size(); ++k) {
        const Token& t = l.tokens[k];
        size_t star = t.text.find('*');
        Token tid = t, cnt = t;
        tid.text = t.text.substr(0, star);
        uint64_t thread = ParseNumber(path, tid, kMaxThreads - 1, "a thread number");
        if (thread >= r.program.threads.size()) Fail(path, t, "schedule names thread " + tid.text + ", which the program does not have");
        uint64_t count = 1;
        if (star != std::string::npos) {
          cnt.text = t.text.substr(star + 1);
          count = ParseNumber(path, cnt, 1000000, "a repeat count");
        }
        if (r.schedule.size() + count > 1000000) Fail(path, t, "schedule too long");
        r.schedule.insert(r.schedule.end(), count, static_cast<uint8_t>(thread));
      }
    } else {
      if (saw_schedule) Fail(path, head, "ops after the schedule line");
      if (r.program.threads.empty()) Fail(path, head, "op before the first 'thread' line");
      int routine = s.FindOp(head.text);
      if (routine < 0) Fail(path, head, "scheme '" + s.name + "' has no op '" + head.text + "'");
      const Routine& rt = s.routines[routine];
      if (l.tokens.size() != rt.params.size() + 1)
        Fail(path, head, "'" + rt.name + "' takes " + std::to_string(rt.params.size()) + " arguments");
      OpCall c;
      c.routine = static_cast<int16_t>(routine);
      for (size_t k = 0; k < rt.params.size(); ++k) c.args[k] = ParseArg(path, l.tokens[k + 1], rt.params[k], w);
      if (r.program.threads.back().size() >= kMaxOpsPerThread)
        Fail(path, head, "at most " + std::to_string(kMaxOpsPerThread) + " ops per thread");
      r.program.threads.back().push_back(c);
    }
  }
  if (r.program.threads.empty()) throw InputError(path, lines.empty() ? 1 : lines.back().line, 1, "truncated reproducer: no 'thread'");
  for (size_t t = 0; t < r.program.threads.size(); ++t)
    if (r.program.threads[t].empty())
      throw InputError(path, lines.back().line, 1, "thread " + std::to_string(t) + " has no ops");
  if (!saw_schedule) throw InputError(path, lines.back().line + 1, 1, "truncated reproducer: expected 'schedule ...'");
  return r;
}

bool ScheduleFits(const Repro& repro, bool diverged, const std::vector<uint8_t>& taken) {
  return !diverged && taken == repro.schedule;
}

std::string FormatRepro(const World& world, const Repro& r, bool embed_scheme) {
  std::string out;
  for (const std::string& c : r.comments) out += c + "\n";
  out += "ovlfuzz 1\n";
  bool plain = r.scheme_ref.find_first_of("/ \t\"#()") == std::string::npos;
  out += "scheme " + (plain ? r.scheme_ref : "\"" + r.scheme_ref + "\"") + " " + Hex64(world.scheme().hash) + "\n";
  out += "strategy " + StrategyName(r.strategy.kind) + " " + std::to_string(r.strategy.pct_depth) + " " +
         std::to_string(r.strategy.seed) + "\n";
  for (const auto& ops : r.program.threads) {
    out += "thread\n";
    for (const OpCall& c : ops) out += "  " + FormatOpCall(world, c) + "\n";
  }
  out += "schedule";
  for (size_t i = 0; i < r.schedule.size();) {
    size_t j = i;
    while (j < r.schedule.size() && r.schedule[j] == r.schedule[i]) ++j;
    out += " " + std::to_string(r.schedule[i]);
    if (j - i > 1) out += "*" + std::to_string(j - i);
    i = j;
  }
  out += "\n";
  if (embed_scheme && r.scheme_ref != "any") {
    out += "# The scheme text this ran on: replay uses it when the scheme is missing or has changed.\n";
    out += FormatEmbeddedScheme(world.scheme());
  }
  return out;
}

}  // namespace ovlfuzz
