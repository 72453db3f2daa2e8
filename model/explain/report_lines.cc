#include "model/explain/report_lines.h"

#include <cctype>

namespace ovlfuzz {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// `[  412.190112]`: a printk timestamp.
bool TakeTime(std::string_view* s) {
  if (s->size() < 3 || (*s)[0] != '[') return false;
  size_t i = 1;
  while (i < s->size() && (*s)[i] == ' ') ++i;
  size_t digits = i;
  while (i < s->size() && (IsDigit((*s)[i]) || (*s)[i] == '.')) ++i;
  if (i == digits || i >= s->size() || (*s)[i] != ']') return false;
  *s = s->substr(i + 1);
  return true;
}

// `[T10113]` or `[C1]`: the caller id of CONFIG_PRINTK_CALLER.
bool TakeCaller(std::string_view* s, std::string* tag) {
  if (s->size() < 4 || (*s)[0] != '[' || ((*s)[1] != 'T' && (*s)[1] != 'C')) return false;
  size_t i = 2;
  while (i < s->size() && IsDigit((*s)[i])) ++i;
  if (i == 2 || i >= s->size() || (*s)[i] != ']') return false;
  *tag = std::string(s->substr(1, i - 1));
  *s = s->substr(i + 1);
  return true;
}

// `<4>`: a syslog level.
bool TakeLevel(std::string_view* s) {
  if (s->size() < 3 || (*s)[0] != '<' || !IsDigit((*s)[1])) return false;
  size_t i = 1;
  while (i < s->size() && IsDigit((*s)[i])) ++i;
  if (i >= s->size() || (*s)[i] != '>') return false;
  *s = s->substr(i + 1);
  return true;
}

// `Dec  1 10:00:00 host kernel: `: journalctl / syslog.
bool TakeJournal(std::string_view* s) {
  size_t k = s->find(" kernel: ");
  if (k == std::string_view::npos || k > 48 || s->size() < 16) return false;
  std::string_view head = s->substr(0, k);
  // "Mmm dd hh:mm:ss host": a month name and a clock.
  if (!std::isupper(static_cast<unsigned char>(head[0])) || head.find(':') == std::string_view::npos) return false;
  size_t colon = head.find(':');
  if (colon < 2 || colon + 6 > head.size() || !IsDigit(head[colon - 1]) || head[colon + 3] != ':') return false;
  *s = s->substr(k + 9);
  return true;
}

// Strips every prefix a log pipeline puts before lockdep's text.
std::string_view StripPrefixes(std::string_view s, std::string* tag) {
  for (bool more = true; more;) {
    more = false;
    if (!s.empty() && s[0] == '>') {  // mail quoting, any depth
      s = s.substr(1);
      if (!s.empty() && s[0] == ' ') s = s.substr(1);
      more = true;
      continue;
    }
    std::string_view t = s;
    size_t lead = 0;
    while (lead < t.size() && t[lead] == ' ') ++lead;
    t = t.substr(lead);
    if (TakeLevel(&t) || TakeJournal(&t) || TakeTime(&t) || TakeCaller(&t, tag)) {
      // The kernel separates its text from the prefix with one space.
      if (!t.empty() && t[0] == ' ' && (t.size() < 2 || t[1] != '[')) t = t.substr(1);
      s = t;
      more = true;
    }
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "ffff88809a9a4468" or "(____ptrval____)": a lock address alone.
bool IsAddressOnly(std::string_view s) {
  s = Trim(s);
  if (s == "(____ptrval____)") return true;
  if (s.size() < 8 || s.size() > 16) return false;
  for (char c : s)
    if (!IsHex(c)) return false;
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

int ReportLine::indent() const {
  int n = 0;
  for (char c : text) {
    if (c == ' ')
      ++n;
    else if (c == '\t')
      n += 8;
    else
      break;
  }
  return n;
}

std::string_view ReportLine::Trimmed() const { return Trim(text); }

std::vector<ReportLine> ReportLines(std::string_view text) {
  std::vector<ReportLine> raw;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    ReportLine l;
    l.line = ++number;
    l.text = std::string(StripPrefixes(text.substr(pos, end - pos), &l.tag));
    raw.push_back(std::move(l));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    pos = end + 1;
  }
  // Join what mailers and narrow consoles wrapped.
  std::vector<ReportLine> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    ReportLine l = raw[i];
    std::string_view t = Trim(l.text);
    if (IsAddressOnly(t) || EndsWith(t, " at:")) {
      size_t j = i + 1;
      while (j < raw.size() && Trim(raw[j].text).empty()) ++j;
      if (j < raw.size()) {
        std::string_view next = Trim(raw[j].text);
        if (!IsAddressOnly(t) || (!next.empty() && next[0] == '(')) {
          l.text += " " + std::string(next);
          i = j;
        }
      }
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace ovlfuzz
