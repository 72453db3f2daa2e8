// The op calls a `verify` thread chooses from at an op boundary: every op of
// the scheme (or of VerifyOptions::only_ops) with every argument value the
// bounds allow. One function, so the explorer and the Promela export
// (model/export) offer exactly the same choices in the same order.
#ifndef OVLFUZZ_MODEL_VERIFY_CALLS_H_
#define OVLFUZZ_MODEL_VERIFY_CALLS_H_

#include <vector>

#include "model/program/program.h"
#include "model/verify/explorer.h"
#include "model/world/world.h"

namespace ovlfuzz {

// Ops in routine order, arguments in increasing order (last parameter
// fastest).
std::vector<OpCall> ChoosableCalls(const World& world, const VerifyOptions& o);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_VERIFY_CALLS_H_
