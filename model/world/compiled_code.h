// CompiledInstr: an instruction as the executor's dispatch loop reads it.
//
// Instr (model/scheme) is what the parser knows about a line, 88 bytes with
// source positions and references; the executor only needs a few of them on
// its hot path. A World keeps each routine's code once more in this 16-byte
// form (a built-in's whole code: 3 KB instead of 16 KB, so an instruction
// and its neighbours share a cache line), and with a lock reference reduced
// where it can be to an affine formula of one argument:
//
//   instance = base + mul * parent^parents(args[param])   (param >= 0)
//   instance = base                                      (param < 0)
//
// which covers every inode, pipe, superblock and global lock named by a
// parameter, a parent of one or a fixed entity. `per open` locks and
// first()/second() keep the general resolution (kCiGeneralLock). A
// condition that is one `has`/`lacks` test is reduced the same way
// (kCiSimpleCond); the others go through EvalCond().
#ifndef OVLFUZZ_MODEL_WORLD_COMPILED_CODE_H_
#define OVLFUZZ_MODEL_WORLD_COMPILED_CODE_H_

#include <cstdint>

#include "model/scheme/scheme.h"

namespace ovlfuzz {

enum CompiledFlag : uint8_t {
  kCiRead = 1,         // Instr::read
  kCiRecursive = 2,    // Instr::recursive
  kCiMap = 4,          // the lock is a lockdep map (never blocks)
  kCiGeneralLock = 8,  // resolve the lock with ResolveLock() on the Instr
  kCiSchedPoint = 16,  // a blocking lock (not a map) or a trylock: a slice ends before it
  kCiSimpleCond = 32,  // kJumpIfNot on one has/lacks: bit `small` of the affine inode
  kCiCondLacks = 64,   // ... and it is `lacks`
};

struct CompiledInstr {
  Opc op = Opc::kReturn;
  uint8_t flags = 0;
  uint8_t subclass = 0;  // lock: lockdep subclass
  int8_t param = -1;     // lock: argument picking the instance, -1 none
  uint8_t parents = 0;   // lock: parent() applied to that argument
  Fallback fallback = Fallback::kSkip;
  int8_t small = -1;    // freeze/thaw: superblock; xattr/flag: bit
  uint8_t mul = 0;      // lock: instance stride per entity (the family's levels); cond: 1
  int32_t target = -1;  // jump / skip / EBUSY target
  int32_t aux = -1;     // lock: base instance; simple cond: base inode; kCall: callee
};
static_assert(sizeof(CompiledInstr) == 16, "one instruction per 16 bytes");

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_WORLD_COMPILED_CODE_H_
