// Resolution of scheme references and conditions against a call frame;
// shared by the controlled executor and the real-threads engine.
#include "model/exec/resolve.h"

#include <algorithm>

namespace ovlfuzz {

int RefEntity(const World& world_, const Frame& f, const Ref& ref) {
  int e = 0;
  switch (ref.base) {
    case Ref::Base::kParam: e = f.args[ref.a]; break;
    case Ref::Base::kRoot: e = world_.root(); break;
    case Ref::Base::kWorkdir: e = world_.workdir(); break;
    case Ref::Base::kIndexdir: e = world_.indexdir(); break;
    case Ref::Base::kFirst: e = std::min(f.args[ref.a], f.args[ref.b]); break;
    case Ref::Base::kSecond: e = std::max(f.args[ref.a], f.args[ref.b]); break;
    case Ref::Base::kSb: e = ref.a; break;
  }
  for (int i = 0; i < ref.parents; ++i) e = world_.Parent(e);
  return e;
}

int RefInode(const World& world_, const Frame& f, const Ref& ref) {
  return world_.Inode(ref.sb < 0 ? world_.scheme().default_overlay : ref.sb, RefEntity(world_, f, ref));
}

int ResolveLock(const World& world_, const Frame& f, const LockRef& lr) {
  const LockFamily& fam = world_.scheme().families[lr.family];
  switch (fam.domain) {
    case Domain::kInode: return world_.Instance(lr.family, RefInode(world_, f, lr.obj), lr.level);
    case Domain::kPipe: return world_.Instance(lr.family, RefEntity(world_, f, lr.obj), lr.level);
    case Domain::kSb:
      if (fam.family == FamilyKind::kSbWriters) return world_.SbWriters(lr.obj.a, lr.level);
      return world_.Instance(lr.family, lr.obj.a, lr.level);
    case Domain::kGlobal: return world_.Instance(lr.family, 0, lr.level);
    case Domain::kOpen: return world_.Instance(lr.family, world_.OpenObject(RefInode(world_, f, lr.obj), f.thread), lr.level);
  }
  return 0;
}

bool EvalCond(const World& world_, const std::vector<uint64_t>& flags_, const std::vector<uint8_t>& frozen_,
              const Frame& f, int cond, Footprint* reads) {
  const Routine& r = world_.scheme().routines[f.routine];
  for (const CondAtom& a : r.conds[cond]) {
    bool ok = false;
    switch (a.kind) {
      case CondAtom::Kind::kHas:
      case CondAtom::Kind::kLacks: {
        int inode = RefInode(world_, f, a.ref);
        if (reads) reads->inodes_read |= Footprint::Bit(inode);
        bool has = (flags_[inode] >> a.bit) & 1;
        ok = has == (a.kind == CondAtom::Kind::kHas);
        break;
      }
      case CondAtom::Kind::kAnyChildHas:
      case CondAtom::Kind::kNoChildHas: {
        int parent = RefEntity(world_, f, a.ref);
        int sb = a.ref.sb < 0 ? world_.scheme().default_overlay : a.ref.sb;
        bool any = false;
        for (int e = 0; e < world_.root(); ++e)
          if (world_.Parent(e) == parent) {
            if (reads) reads->inodes_read |= Footprint::Bit(world_.Inode(sb, e));
            if ((flags_[world_.Inode(sb, e)] >> a.bit) & 1) any = true;
          }
        ok = any == (a.kind == CondAtom::Kind::kAnyChildHas);
        break;
      }
      case CondAtom::Kind::kFrozen:
      case CondAtom::Kind::kNotFrozen:
        if (reads) reads->supers_read |= Footprint::Bit(a.sb);
        ok = (frozen_[a.sb] != 0) == (a.kind == CondAtom::Kind::kFrozen);
        break;
      case CondAtom::Kind::kSame: ok = RefEntity(world_, f, a.ref) == RefEntity(world_, f, a.ref2); break;
      case CondAtom::Kind::kDiffer: ok = RefEntity(world_, f, a.ref) != RefEntity(world_, f, a.ref2); break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace ovlfuzz
