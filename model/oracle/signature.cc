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

std::string SignatureHash(const std::string& signature) {
  return Hex64(Fnv1a64(signature)).substr(0, 12);
}

}  // namespace ovlfuzz
