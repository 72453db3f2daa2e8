// Resolving a scheme instruction's references and conditions against a
// call frame: which entity, inode or lock instance `f`, `upper(parent(f))`,
// `i_rwsem(upper(d))/1` mean in this call, and whether a condition holds.
#ifndef OVLFUZZ_MODEL_EXEC_RESOLVE_H_
#define OVLFUZZ_MODEL_EXEC_RESOLVE_H_

#include <cstdint>
#include <vector>

#include "model/exec/footprint.h"
#include "model/scheme/scheme.h"
#include "model/world/world.h"

namespace ovlfuzz {

struct Frame {
  int16_t routine = -1;
  int32_t pc = 0;
  uint8_t args[kMaxParams] = {0, 0, 0};
  int8_t thread = 0;  // the model thread running it: resolves `per open` locks
};

int RefEntity(const World& world, const Frame& f, const Ref& ref);
int RefInode(const World& world, const Frame& f, const Ref& ref);
int ResolveLock(const World& world, const Frame& f, const LockRef& lr);
// `reads`, when given, records the inodes and superblocks the condition read.
bool EvalCond(const World& world, const std::vector<uint64_t>& flags, const std::vector<uint8_t>& frozen,
              const Frame& f, int cond, Footprint* reads = nullptr);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXEC_RESOLVE_H_
