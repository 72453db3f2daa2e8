// World: the objects a scheme's ops act on, laid out densely.
//
// Entities are the names of the overlay namespace, the same on every layer:
//   files  f0..f(F-1)        (file fi lives in dir d(i % D))
//   dirs   d0..d(D-1)        (children of root)
//   root, workdir, indexdir  (workdir/indexdir exist on layers only)
// An inode is (superblock, entity). Lock instances are numbered densely per
// family and object, so the executor keeps lock state in flat arrays, and
// every instance knows its lockdep class name (with subclass variants),
// e.g. `&ovl_i_mutex_dir_key[depth]`, `&type->i_mutex_dir_key#4/1`,
// `sb_writers#4`, `&pipe->mutex/1`.
//
// A World is built once per scheme and is immutable; per-run state lives in
// the executor.
#ifndef OVLFUZZ_MODEL_WORLD_WORLD_H_
#define OVLFUZZ_MODEL_WORLD_WORLD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/scheme/scheme.h"
#include "model/world/compiled_code.h"

namespace ovlfuzz {

class World {
 public:
  explicit World(const Scheme& scheme);

  const Scheme& scheme() const { return scheme_; }
  // Distinct for every World built in this process (an address may be
  // reused): what caches of names derived from a world are keyed by.
  uint64_t serial() const { return serial_; }

  int files() const { return scheme_.files; }
  int dirs() const { return scheme_.dirs; }
  int pipes() const { return scheme_.pipes; }
  int entities() const { return scheme_.files + scheme_.dirs + 3; }
  int root() const { return scheme_.files + scheme_.dirs; }
  int workdir() const { return root() + 1; }
  int indexdir() const { return root() + 2; }
  int supers() const { return static_cast<int>(scheme_.supers.size()); }
  int inodes() const { return supers() * entities(); }
  int Inode(int sb, int entity) const { return sb * entities() + entity; }
  int InodeSb(int inode) const { return inode / entities(); }
  int InodeEntity(int inode) const { return inode % entities(); }
  bool IsDir(int entity) const { return entity >= scheme_.files; }
  // A table: every lock of a file's directory asks (a division otherwise).
  int Parent(int entity) const { return parent_[entity]; }
  std::string EntityName(int entity) const;
  std::string InodeName(int inode) const;  // "f0", "upper(d1)"

  // Number of values a program argument of this type may take.
  int ArgDomain(ParamType t) const;
  // Entity (or pipe) an argument value denotes.
  int ArgEntity(ParamType t, int value) const;

  // Flags (state bits and xattrs) of every inode before a run: `init` lines.
  std::vector<uint64_t> InitialFlags() const;
  // The same into `flags`, keeping its capacity (a run after a run).
  void InitialFlags(std::vector<uint64_t>* flags) const;

  // Lock instances.
  int instances() const { return static_cast<int>(inst_family_.size()); }
  int Instance(int family, int object, int level) const {
    return family_base_[family] + object * family_levels_[family] + level;
  }
  int InstanceFamily(int inst) const { return inst_family_[inst]; }
  int InstanceObject(int inst) const { return inst_object_[inst]; }
  int InstanceLevel(int inst) const { return inst_level_[inst]; }
  LockKind InstanceKind(int inst) const { return scheme_.families[inst_family_[inst]].kind; }
  std::string InstanceName(int inst) const;  // "i_rwsem(upper(d0))"
  // The instance sb_writers(sb, level) resolves to, honouring `writers=`.
  int SbWriters(int sb, int level) const { return sb_writers_[sb] + level; }
  // `per open` locks: the object of (inode, thread).
  static int OpenObject(int inode, int thread) { return inode * kMaxThreads + thread; }
  // The instance with every `per open` lock's thread renamed to 0: what the
  // explorer hashes, so that states differing only by which thread is which
  // look alike (each thread only ever takes its own open handles).
  int ThreadFreeInstance(int inst) const {
    if (scheme_.families[inst_family_[inst]].domain != Domain::kOpen) return inst;
    return inst - (inst_object_[inst] % kMaxThreads) * family_levels_[inst_family_[inst]];
  }

  // Lock classes (lockdep keys, including the subclass).
  int ClassOf(int inst, int subclass) const { return inst_class_[inst * (kMaxSubclass + 1) + subclass]; }
  const std::string& ClassName(int cls) const { return class_names_[cls]; }
  int classes() const { return static_cast<int>(class_names_.size()); }

  // Routine `r`'s code in the executor's compact form (compiled_code.h),
  // index for index the same as scheme().routines[r].code.
  const CompiledInstr* Code(int routine) const { return code_.data() + code_begin_[routine]; }
  // What a compiled lock reference (the instance) or simple condition (the
  // inode) names in a frame with these arguments; kCiGeneralLock excepted.
  int Affine(const CompiledInstr& in, const uint8_t* args) const {
    if (in.param < 0) return in.aux;
    int e = args[in.param];
    for (int i = 0; i < in.parents; ++i) e = Parent(e);
    return in.aux + in.mul * e;
  }

 private:
  std::string BaseClassName(int family, int object, int level) const;
  CompiledInstr Compile(const Routine& r, const Instr& in) const;
  // The entity a reference names without an argument (root, workdir,
  // indexdir and their parents), -1 for a parameter's, -2 for the others.
  int FixedEntity(const Ref& ref) const;
  int InternClass(const std::string& name);

  const Scheme& scheme_;
  uint64_t serial_;
  std::vector<int> family_base_, family_levels_;
  std::vector<int16_t> inst_family_;
  std::vector<int16_t> inst_object_;
  std::vector<int8_t> inst_level_;
  std::vector<int32_t> inst_class_;
  std::vector<std::string> class_names_;
  std::vector<int16_t> parent_;     // by entity
  std::vector<int32_t> sb_writers_; // by superblock: its level-0 sb_writers instance
  std::vector<CompiledInstr> code_;  // every routine's code, one after another
  std::vector<int32_t> code_begin_;  // by routine: its first instruction in code_
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_WORLD_WORLD_H_
