#include "model/explain/lockdep_name.h"

#include <cctype>

namespace ovlfuzz {
namespace {

// Splits a trailing `<sep>DIGITS` off `s`; returns -1 when there is none.
int TakeNumberSuffix(std::string_view* s, char sep) {
  size_t i = s->size();
  while (i > 0 && std::isdigit(static_cast<unsigned char>((*s)[i - 1]))) --i;
  if (i == s->size() || i < 2 || (*s)[i - 1] != sep || s->size() - i > 6) return -1;
  int n = std::stoi(std::string(s->substr(i)));
  *s = s->substr(0, i - 1);
  return n;
}

}  // namespace

std::string LockdepName::Key() const { return version > 1 ? family + "#" + std::to_string(version) : family; }

std::string LockdepName::Text() const { return subclass ? Key() + "/" + std::to_string(subclass) : Key(); }

LockdepName ParseLockdepName(std::string_view name) {
  LockdepName n;
  int sub = TakeNumberSuffix(&name, '/');
  if (sub >= 0) n.subclass = sub;
  int version = TakeNumberSuffix(&name, '#');
  if (version >= 0) n.version = version;
  n.family = std::string(name);
  return n;
}

}  // namespace ovlfuzz
