// Lockdep class names as the kernel prints them: NAME[#VERSION][/SUBCLASS]
// (lockdep.c: __print_lock_name()). NAME is the lock key's name, e.g.
// `sb_writers`, `&ovl_i_mutex_key[depth]`, `&type->i_mutex_dir_key`;
// #VERSION is lockdep's name_version, a counter over keys with the same
// name in registration (boot) order, so it is an unknown when reports of
// different kernels or boots are compared; /SUBCLASS is the nesting
// annotation (I_MUTEX_PARENT = 1, ...), part of the class.
#ifndef OVLFUZZ_MODEL_EXPLAIN_LOCKDEP_NAME_H_
#define OVLFUZZ_MODEL_EXPLAIN_LOCKDEP_NAME_H_

#include <string>
#include <string_view>

namespace ovlfuzz {

struct LockdepName {
  std::string family;  // NAME
  int version = 1;     // #N; 1 when printed without one
  int subclass = 0;    // /N; 0 when printed without one
  // NAME#N (the key, without the subclass), as printed.
  std::string Key() const;
  // The whole class name, as printed.
  std::string Text() const;
};

LockdepName ParseLockdepName(std::string_view name);

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_EXPLAIN_LOCKDEP_NAME_H_
