#include "model/oracle/signature.h"

#include <algorithm>

#include "model/core/hash.h"

namespace ovlfuzz {

const char* FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kLockInversion: return "lock-inversion";
    case FindingKind::kDeadlock: return "deadlock";
    case FindingKind::kMissedTrylock: return "missed-trylock-fallback";
    case FindingKind::kSkippedXattr: return "skipped-xattr-update";
    case FindingKind::kHang: return "hang";
    case FindingKind::kBadUnlock: return "bad-unlock";
    case FindingKind::kSchemeError: return "scheme-error";
    case FindingKind::kRecursiveLocking: return "recursive-locking";
    case FindingKind::kUnprotectedModification: return "unprotected-modification";
  }
  return "?";
}

std::string CanonicalCycleSignature(FindingKind kind, std::vector<std::string> elements) {
  std::vector<std::string> best = elements;
  for (size_t r = 1; r < elements.size(); ++r) {
    std::rotate(elements.begin(), elements.begin() + 1, elements.end());
    if (elements < best) best = elements;
  }
  std::string s = FindingKindName(kind);
  s += ':';
  for (size_t i = 0; i < best.size(); ++i) {
    if (i) s += " -> ";
    s += best[i];
  }
  return s;
}

std::string BugKey(FindingKind kind, const std::vector<std::string>& class_names) {
  std::vector<std::string> base;
  for (std::string name : class_names) {
    // Drop a trailing lockdep subclass "/N" (never part of a class key).
    size_t slash = name.find_last_of('/');
    if (slash != std::string::npos && slash + 1 < name.size() &&
        name.find_first_not_of("0123456789", slash + 1) == std::string::npos)
      name.resize(slash);
    base.push_back(std::move(name));
  }
  std::sort(base.begin(), base.end());
  base.erase(std::unique(base.begin(), base.end()), base.end());
  std::string s = FindingKindName(kind);
  s += ": {";
  for (size_t i = 0; i < base.size(); ++i) s += (i ? ", " : "") + base[i];
  return s + "}";
}

std::string SignatureHash(const std::string& signature) {
  return Hex64(Fnv1a64(signature)).substr(0, 12);
}

}  // namespace ovlfuzz
