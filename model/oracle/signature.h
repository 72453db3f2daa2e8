// Finding signatures: stable identities used to deduplicate findings and to
// name artifacts. A signature is the finding kind plus a canonical cycle of
// (lock class @ op) elements, rotated to its lexicographically smallest
// form, so it does not depend on the seed, the step numbers, which thread
// ran which op, or where the cycle was entered. See docs/signatures.md.
#ifndef OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_
#define OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_

#include <string>
#include <vector>

#include "model/oracle/finding.h"

namespace ovlfuzz {

// "lock-inversion:" + rotated elements joined by " -> ".
std::string CanonicalCycleSignature(FindingKind kind, std::vector<std::string> elements);
// Short hash used in artifact names: 12 hex digits of FNV-1a(signature).
std::string SignatureHash(const std::string& signature);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_
