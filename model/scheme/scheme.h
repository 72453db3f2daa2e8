// The compiled form of a locking scheme.
//
// A scheme file (docs/schemes.md) is parsed once by ParseScheme() into this
// compact, index-based form: names are resolved to small integers, control
// flow is flattened into jump targets, and every instruction keeps the source
// line it came from so reports can point at the scheme. The executor's hot
// path only reads these structs; it never looks at scheme text again.
#ifndef OVLFUZZ_MODEL_SCHEME_SCHEME_H_
#define OVLFUZZ_MODEL_SCHEME_SCHEME_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ovlfuzz {

constexpr int kMaxThreads = 8;
constexpr int kMaxParams = 3;
constexpr int kMaxCallDepth = 12;
constexpr int kMaxSubclass = 7;
constexpr int kMaxSupers = 8;

enum class ParamType : uint8_t { kFile, kDir, kNode, kPipe };
// kMap: a pure lockdep map (lock_map_acquire/release, fs_reclaim): held
// and ordered like a lock, but it never blocks anyone.
enum class LockKind : uint8_t { kMutex, kRwsem, kPercpuRwsem, kMap };
// kOpen: one instance per (inode, model thread): each thread opens every
// file once and keeps the handle, so two threads' opens of one inode have
// two locks of one class (kernfs's &of->mutex, seq_file's &p->lock).
enum class Domain : uint8_t { kInode, kPipe, kSb, kGlobal, kOpen };
// What a failed trylock does: skip to the end of the enclosing block, fail
// the whole op (error path: held locks are released), or carry on without
// the lock (the bug that missed-trylock-fallback catches).
enum class Fallback : uint8_t { kSkip, kFail, kIgnore };

// Built-in lock families; user-declared ones have kDeclared.
enum class FamilyKind : uint8_t {
  kIRwsem,       // inode->i_rwsem
  kOvlLock,      // ovl_inode->lock (overlay inodes only)
  kPipeMutex,    // pipe->mutex
  kSbWriters,    // sb->s_writers.rw_sem[level], a percpu rwsem per level
  kSUmount,      // sb->s_umount
  kRenameMutex,  // sb->s_vfs_rename_mutex
  kDeclared,
};

struct LockFamily {
  std::string name;
  FamilyKind family = FamilyKind::kDeclared;
  LockKind kind = LockKind::kMutex;
  Domain domain = Domain::kGlobal;
  std::vector<std::string> levels;  // at least one
  std::string class_name;           // declared families only
  int line = 0;
};

struct Superblock {
  std::string name;
  std::string type;      // file-system type, e.g. "ext4", "overlay"
  int class_no = 0;      // the #N lockdep appends to this type's class names
  bool overlay = false;
  int depth = 0;         // overlay stacking depth (s_stack_depth), 1-based
  bool readonly = false;
  int writers_of = -1;   // superblock whose s_writers this one uses (itself)
  // Overlays with named layers (`upper=`, `lower=`): what `upper(x)` and
  // `lower(x)` mean for an inode x of this overlay. -1 / empty: the
  // superblocks named "upper" / "lower" (the built-in layout).
  int upper_sb = -1;
  std::vector<int> lower_sbs;
};

// A reference to a model object, resolved at run time against a frame's
// arguments: `f`, `parent(f)`, `upper(parent(f))`, `workdir`, `first(a, b)`.
struct Ref {
  enum class Base : uint8_t { kParam, kRoot, kWorkdir, kIndexdir, kFirst, kSecond, kSb };
  Base base = Base::kParam;
  int8_t a = -1;        // parameter index (kParam, kFirst, kSecond) or sb (kSb)
  int8_t b = -1;        // second parameter (kFirst, kSecond)
  uint8_t parents = 0;  // how many parent() were applied
  int8_t sb = -1;       // layer for inode refs; -1 means the default overlay
  bool is_pipe = false;
};

struct LockRef {
  int16_t family = -1;
  int8_t level = 0;
  uint8_t subclass = 0;
  Ref obj;  // unused for global families
};

struct CondAtom {
  enum class Kind : uint8_t { kHas, kLacks, kAnyChildHas, kNoChildHas, kFrozen, kNotFrozen, kSame, kDiffer };
  Kind kind = Kind::kHas;
  Ref ref;
  Ref ref2;     // kSame / kDiffer
  int8_t bit = -1;
  int8_t sb = -1;  // kFrozen / kNotFrozen
};

enum class Opc : uint8_t {
  kLock,         // blocking acquisition (scheduling point)
  kTrylock,      // non-blocking acquisition (scheduling point)
  kMightLock,    // might_lock(): lockdep's checks and dependencies as if the
                 // lock were taken and released at once; never blocks
  kUnlock,
  kFreezeBegin,  // freeze_super(): EBUSY (jump to target) when frozen/freezing
  kFreezeEnd,    // all levels write-held: ownership passes to the superblock
  kThaw,         // thaw_super(): release the levels if frozen
  kCall,
  kJumpIfNot,    // evaluate cond; jump to target when false
  kJump,
  kSetXattr,     // modify an inode's xattr (an fs modification)
  kRemoveXattr,
  kSetFlag,      // in-memory state such as copied_up (not an fs modification)
  kClearFlag,
  kModify,       // data write to an inode (an fs modification)
  kReturn,
  kFail,         // return an error from the whole op
};

struct Instr {
  Opc op = Opc::kReturn;
  bool read = false;
  // lockdep's recursive reader (read = 2, rwlock_t's read_lock()): never
  // queues behind a waiting writer, and its dependencies follow lockdep's
  // recursive-read rules (lock_graph.h).
  bool recursive = false;
  bool in_freeze = false;  // lock step generated by `freeze`
  Fallback fallback = Fallback::kSkip;
  LockRef lock;
  Ref ref;
  int8_t bit = -1;
  int8_t sb = -1;
  int32_t target = -1;  // jump target / skip target
  int32_t cond = -1;    // index into Routine::conds
  int32_t callee = -1;
  Ref args[kMaxParams];
  uint8_t nargs = 0;
  // Xattr names a failed `trylock ... else skip` jumps over (skipped updates).
  std::vector<int8_t> skipped_xattrs;
  int line = 0;
  int col = 0;
};

struct Routine {
  std::string name;
  bool is_op = false;
  std::vector<ParamType> params;
  std::vector<std::string> param_names;
  std::vector<Instr> code;
  std::vector<std::vector<CondAtom>> conds;
  int max_acquisitions = 0;  // upper bound incl. callees; PCT's k estimate
  int line = 0;
};

struct InitFlag {
  int8_t sb = -1;  // -1: default overlay
  enum class Sel : uint8_t { kFiles, kDirs, kRoot, kOne } sel = Sel::kFiles;
  int index = 0;   // kOne: entity index
  int8_t bit = -1;
};

// Where a line of a (flattened) scheme was written: scheme composition
// (compose.h) brings lines from several files together.
struct SchemeOrigin {
  int file = 0;       // index into Scheme::source_files
  int line = 0;       // line in that file
  int col_shift = 0;  // columns the flattening removed before the code (`replace `)
};

struct Scheme {
  std::string name;
  std::string path;   // file it was parsed from ("<builtin>/v5.0.scheme")
  std::string text;   // full source, for hashing and reports
  uint64_t hash = 0;  // Fnv1a64(text)
  std::vector<std::string> expect;  // finding kinds it must produce
  std::vector<std::string> lines;   // source split by line (1-based via line-1)

  int files = 2, dirs = 2, pipes = 2;
  std::vector<Superblock> supers;
  int default_overlay = 0;
  std::vector<LockFamily> families;
  std::vector<std::string> bits;   // interned flag / xattr names (<= 64)
  std::vector<InitFlag> init;
  std::vector<Routine> routines;
  std::vector<int> ops;            // routine indices of user-visible ops

  // Composed schemes (compose.h): the files lines came from, and each
  // line's origin; empty for a scheme written in one file.
  std::vector<std::string> source_files;
  std::vector<SchemeOrigin> origins;

  const std::string& Line(int line) const;
  // "FILE:LINE" where `line` of this scheme's text was written.
  std::string Where(int line) const;
  int FindOp(const std::string& name) const;  // routine index or -1
  int FindBit(const std::string& name) const;
  // True when the routine, or a sub it calls, contains instruction `op`
  // (e.g. Opc::kFreezeBegin: the routine freezes a superblock).
  bool Contains(int routine, Opc op) const;
};

}  // namespace ovlfuzz

#endif  // OVLFUZZ_MODEL_SCHEME_SCHEME_H_
