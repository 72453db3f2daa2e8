#include "model/world/world.h"

#include <atomic>
#include <cctype>
#include <unordered_map>

namespace ovlfuzz {

namespace {
const char* const kSbLevelClass[] = {"sb_writers", "sb_pagefaults", "sb_internal"};
}  // namespace

World::World(const Scheme& scheme) : scheme_(scheme) {
  static std::atomic<uint64_t> worlds{0};
  serial_ = ++worlds;
  int total = 0;
  for (size_t f = 0; f < scheme_.families.size(); ++f) {
    const LockFamily& fam = scheme_.families[f];
    int objects = fam.domain == Domain::kInode ? inodes()
                : fam.domain == Domain::kPipe  ? pipes()
                : fam.domain == Domain::kSb    ? supers()
                : fam.domain == Domain::kOpen  ? inodes() * kMaxThreads
                                               : 1;
    int levels = static_cast<int>(fam.levels.size());
    family_base_.push_back(total);
    family_levels_.push_back(levels);
    for (int o = 0; o < objects; ++o) {
      for (int l = 0; l < levels; ++l) {
        inst_family_.push_back(static_cast<int16_t>(f));
        inst_object_.push_back(static_cast<int16_t>(o));
        inst_level_.push_back(static_cast<int8_t>(l));
      }
    }
    total += objects * levels;
  }
  inst_class_.resize(static_cast<size_t>(total) * (kMaxSubclass + 1));
  for (int i = 0; i < total; ++i) {
    std::string base = BaseClassName(inst_family_[i], inst_object_[i], inst_level_[i]);
    for (int sub = 0; sub <= kMaxSubclass; ++sub)
      inst_class_[i * (kMaxSubclass + 1) + sub] =
          InternClass(sub == 0 ? base : base + "/" + std::to_string(sub));
  }
  for (int e = 0; e < entities(); ++e)
    parent_.push_back(static_cast<int16_t>(e < scheme_.files ? scheme_.files + e % scheme_.dirs : root()));
  for (int sb = 0; sb < supers(); ++sb) sb_writers_.push_back(Instance(3, scheme_.supers[sb].writers_of, 0));
  for (const Routine& r : scheme_.routines) {
    code_begin_.push_back(static_cast<int32_t>(code_.size()));
    for (const Instr& in : r.code) code_.push_back(Compile(r, in));
  }
}

int World::FixedEntity(const Ref& ref) const {
  int e = -1;
  switch (ref.base) {
    case Ref::Base::kParam: return -1;
    case Ref::Base::kRoot: e = root(); break;
    case Ref::Base::kWorkdir: e = workdir(); break;
    case Ref::Base::kIndexdir: e = indexdir(); break;
    default: return -2;  // first()/second(), or a superblock
  }
  for (int i = 0; i < ref.parents; ++i) e = Parent(e);
  return e;
}

CompiledInstr World::Compile(const Routine& r, const Instr& in) const {
  CompiledInstr c;
  c.op = in.op;
  c.flags = (in.read ? kCiRead : 0) | (in.recursive ? kCiRecursive : 0);
  c.fallback = in.fallback;
  c.target = in.target;
  switch (in.op) {
    case Opc::kJumpIfNot: {
      // The common condition, one `has`/`lacks` on an argument's inode (or
      // a fixed one): instance-like formula inode = base + entity.
      const std::vector<CondAtom>& atoms = r.conds[in.cond];
      if (atoms.size() != 1) return c;
      const CondAtom& a = atoms[0];
      if (a.kind != CondAtom::Kind::kHas && a.kind != CondAtom::Kind::kLacks) return c;
      const int sb_base = Inode(a.ref.sb < 0 ? scheme_.default_overlay : a.ref.sb, 0);
      const int fixed = FixedEntity(a.ref);
      if (fixed == -2) return c;
      c.flags |= kCiSimpleCond | (a.kind == CondAtom::Kind::kLacks ? kCiCondLacks : 0);
      c.small = a.bit;
      c.param = fixed >= 0 ? -1 : a.ref.a;
      c.parents = fixed >= 0 ? 0 : a.ref.parents;
      c.mul = 1;
      c.aux = sb_base + (fixed >= 0 ? fixed : 0);
      return c;
    }
    case Opc::kCall: c.aux = in.callee; return c;
    case Opc::kFreezeBegin:
    case Opc::kFreezeEnd:
    case Opc::kThaw: c.small = in.sb; return c;
    case Opc::kSetXattr:
    case Opc::kRemoveXattr:
    case Opc::kSetFlag:
    case Opc::kClearFlag: c.small = in.bit; return c;
    case Opc::kLock:
    case Opc::kTrylock:
    case Opc::kMightLock:
    case Opc::kUnlock: break;
    default: return c;
  }
  // The lock reference as an affine formula of one argument (ResolveLock()
  // in model/exec/resolve.cc is the general form it must agree with).
  const LockRef& lr = in.lock;
  const LockFamily& fam = scheme_.families[lr.family];
  const int levels = family_levels_[lr.family];
  c.subclass = lr.subclass;
  if (fam.kind == LockKind::kMap) c.flags |= kCiMap;
  if ((in.op == Opc::kLock && fam.kind != LockKind::kMap) || in.op == Opc::kTrylock) c.flags |= kCiSchedPoint;
  const Ref& ref = lr.obj;
  const int fixed = FixedEntity(ref);
  switch (fam.domain) {
    case Domain::kGlobal: c.aux = Instance(lr.family, 0, lr.level); return c;
    case Domain::kSb:
      c.aux = fam.family == FamilyKind::kSbWriters ? SbWriters(ref.a, lr.level) : Instance(lr.family, ref.a, lr.level);
      return c;
    case Domain::kInode:
    case Domain::kPipe: {
      if (fixed == -2 || levels > 255) break;
      // Inode families number objects by Inode(sb, entity), pipes by entity.
      const int sb_offset = fam.domain == Domain::kInode ? Inode(ref.sb < 0 ? scheme_.default_overlay : ref.sb, 0) : 0;
      if (fixed >= 0) {
        c.aux = Instance(lr.family, sb_offset + fixed, lr.level);
      } else {
        c.param = ref.a;
        c.parents = ref.parents;
        c.mul = static_cast<uint8_t>(levels);
        c.aux = Instance(lr.family, sb_offset, lr.level);
      }
      return c;
    }
    case Domain::kOpen: break;
  }
  c.flags |= kCiGeneralLock;
  return c;
}

std::vector<uint64_t> World::InitialFlags() const {
  std::vector<uint64_t> flags;
  InitialFlags(&flags);
  return flags;
}

void World::InitialFlags(std::vector<uint64_t>* out) const {
  std::vector<uint64_t>& flags = *out;
  flags.assign(inodes(), 0);
  for (const InitFlag& f : scheme_.init) {
    int sb = f.sb < 0 ? scheme_.default_overlay : f.sb;
    auto set = [&](int entity) { flags[Inode(sb, entity)] |= uint64_t{1} << f.bit; };
    switch (f.sel) {
      case InitFlag::Sel::kFiles:
        for (int e = 0; e < files(); ++e) set(e);
        break;
      case InitFlag::Sel::kDirs:
        for (int e = 0; e < dirs(); ++e) set(files() + e);
        break;
      case InitFlag::Sel::kRoot: set(root()); break;
      case InitFlag::Sel::kOne: set(f.index); break;
    }
  }
}

int World::InternClass(const std::string& name) {
  for (size_t i = 0; i < class_names_.size(); ++i)
    if (class_names_[i] == name) return static_cast<int>(i);
  class_names_.push_back(name);
  return static_cast<int>(class_names_.size()) - 1;
}

std::string World::EntityName(int entity) const {
  if (entity < scheme_.files) return "f" + std::to_string(entity);
  if (entity < root()) return "d" + std::to_string(entity - scheme_.files);
  if (entity == root()) return "root";
  return entity == workdir() ? "workdir" : "indexdir";
}

std::string World::InodeName(int inode) const {
  int sb = InodeSb(inode);
  std::string e = EntityName(InodeEntity(inode));
  if (sb == scheme_.default_overlay) return e;
  return scheme_.supers[sb].name + "(" + e + ")";
}

int World::ArgDomain(ParamType t) const {
  switch (t) {
    case ParamType::kFile: return files();
    case ParamType::kDir: return dirs();
    case ParamType::kNode: return files() + dirs();
    case ParamType::kPipe: return pipes();
  }
  return 1;
}

int World::ArgEntity(ParamType t, int value) const {
  return t == ParamType::kDir ? files() + value : value;
}

std::string World::InstanceName(int inst) const {
  const LockFamily& fam = scheme_.families[inst_family_[inst]];
  int obj = inst_object_[inst];
  std::string s = fam.name;
  switch (fam.domain) {
    case Domain::kInode: s += "(" + InodeName(obj) + ")"; break;
    case Domain::kPipe: s += "(p" + std::to_string(obj) + ")"; break;
    case Domain::kSb: s += "(" + scheme_.supers[obj].name; break;
    case Domain::kGlobal: break;
    case Domain::kOpen:
      s += "(" + InodeName(obj / kMaxThreads) + ", open by T" + std::to_string(obj % kMaxThreads) + ")";
      break;
  }
  if (fam.domain == Domain::kSb) {
    // A level is not a mode: sb_writers' levels print as the kernel's
    // SB_FREEZE_* constants, so "write" never reads as "held for write".
    const std::string& level = fam.levels[inst_level_[inst]];
    if (fam.levels.size() > 1 && fam.family == FamilyKind::kSbWriters) {
      s += ", SB_FREEZE_";
      for (char c : level) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (fam.levels.size() > 1) {
      s += ", level " + level;
    }
    s += ")";
  }
  return s;
}

// Class names follow lockdep: per-fs-type keys print as NAME#N, overlay keys
// are arrays indexed by stacking depth and print as `&key[depth]`, with #2
// for the second depth's key (lockdep's suffix for same-named keys).
std::string World::BaseClassName(int family, int object, int level) const {
  const LockFamily& fam = scheme_.families[family];
  auto sbof = [&](int sb) -> const Superblock& { return scheme_.supers[sb]; };
  auto num = [](int n) { return "#" + std::to_string(n); };
  auto depth_suffix = [](int depth) { return depth > 1 ? "#" + std::to_string(depth) : std::string(); };
  switch (fam.family) {
    case FamilyKind::kIRwsem: {
      const Superblock& sb = sbof(InodeSb(object));
      bool dir = IsDir(InodeEntity(object));
      if (sb.overlay)
        return std::string(dir ? "&ovl_i_mutex_dir_key[depth]" : "&ovl_i_mutex_key[depth]") + depth_suffix(sb.depth);
      return std::string(dir ? "&type->i_mutex_dir_key" : "&sb->s_type->i_mutex_key") + num(sb.class_no);
    }
    case FamilyKind::kOvlLock:
      return "&ovl_i_lock_key[depth]" + depth_suffix(sbof(InodeSb(object)).depth);
    case FamilyKind::kPipeMutex:
      return "&pipe->mutex";
    case FamilyKind::kSbWriters:
      return std::string(kSbLevelClass[level]) + num(sbof(object).class_no);
    case FamilyKind::kSUmount:
      return "&type->s_umount_key" + num(sbof(object).class_no);
    case FamilyKind::kRenameMutex:
      return "&type->s_vfs_rename_key" + num(sbof(object).class_no);
    case FamilyKind::kDeclared:
      if (fam.levels.size() > 1) return fam.class_name + ":" + fam.levels[level];
      return fam.class_name;
  }
  return fam.name;
}

}  // namespace ovlfuzz
