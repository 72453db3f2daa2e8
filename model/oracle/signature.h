// Finding signatures: stable identities used to deduplicate findings and to
// name artifacts. A signature is the finding kind plus a canonical cycle of
// (lock class @ op) elements, rotated to its lexicographically smallest
// form, so it does not depend on the seed, the step numbers, which thread
// ran which op, or where the cycle was entered. See docs/model.md, "Signatures".
#ifndef OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_
#define OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_

#include <string>
#include <vector>

#include "model/oracle/finding.h"

namespace ovlfuzz {

// "lock-inversion:" + rotated elements joined by " -> ".
std::string CanonicalCycleSignature(FindingKind kind, std::vector<std::string> elements);
// The root bug a signature belongs to: the kind plus the sorted set of lock
// classes in the cycle, with lockdep subclasses ("/1", "/5") and ops
// dropped. Many signatures map to one bug: v5.0's pipe chain is closed by
// nine different ops that take upper sb_writers under the ovl inode lock,
// and lock_rename's subclasses give the same chain new class names. Reports
// lead with the first signature of each bug and list the rest as variants.
std::string BugKey(FindingKind kind, const std::vector<std::string>& class_names);
// Short hash used in artifact names: 12 hex digits of FNV-1a(signature).
std::string SignatureHash(const std::string& signature);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_ORACLE_SIGNATURE_H_
