#include "model/world/world.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace ovlfuzz {
namespace {

using testing::WorldFromText;

int Inst(const World& w, const std::string& family, int object, int level = 0) {
  for (size_t f = 0; f < w.scheme().families.size(); ++f)
    if (w.scheme().families[f].name == family) return w.Instance(static_cast<int>(f), object, level);
  return -1;
}

TEST(World, LockdepClassNames) {
  auto o = WorldFromText("scheme x\nop a():\nend\n");
  const World& w = *o.world;
  const int ovl = 0, upper = 1;
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "i_rwsem", w.Inode(ovl, 0)), 0)), "&ovl_i_mutex_key[depth]");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "i_rwsem", w.Inode(ovl, w.root())), 0)), "&ovl_i_mutex_dir_key[depth]");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "ovl_lock", w.Inode(ovl, 1)), 0)), "&ovl_i_lock_key[depth]");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "i_rwsem", w.Inode(upper, w.workdir())), 5)), "&type->i_mutex_dir_key#4/5");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "i_rwsem", w.Inode(upper, 0)), 0)), "&sb->s_type->i_mutex_key#4");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "pipe_mutex", 1), 1)), "&pipe->mutex/1");
  EXPECT_EQ(w.ClassName(w.ClassOf(w.SbWriters(upper, 0), 0)), "sb_writers#4");
  EXPECT_EQ(w.ClassName(w.ClassOf(w.SbWriters(upper, 2), 0)), "sb_internal#4");
  EXPECT_EQ(w.ClassName(w.ClassOf(w.SbWriters(ovl, 0), 0)), "sb_writers#10");
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "s_vfs_rename_mutex", upper), 0)), "&type->s_vfs_rename_key#4");
  EXPECT_EQ(w.InstanceName(w.SbWriters(upper, 1)), "sb_writers(upper, SB_FREEZE_PAGEFAULT)");
  EXPECT_EQ(w.InodeName(w.Inode(upper, w.files())), "upper(d0)");
}

TEST(World, StackedOverlayKeysCarryDepthSuffix) {
  auto o = WorldFromText("scheme x\nsuper ovl2 overlay depth=2 class=11\nop a():\nend\n");
  const World& w = *o.world;
  EXPECT_EQ(w.ClassName(w.ClassOf(Inst(w, "i_rwsem", w.Inode(3, 0)), 0)), "&ovl_i_mutex_key[depth]#2");
  EXPECT_EQ(w.ClassName(w.ClassOf(w.SbWriters(3, 0), 0)), "sb_writers#11");
}

TEST(World, WritersRedirectSharesTheUpperInstance) {
  auto o = WorldFromText("scheme x\nsuper ovl overlay class=10 writers=upper\nop a():\nend\n");
  const World& w = *o.world;
  EXPECT_EQ(w.SbWriters(0, 0), w.SbWriters(1, 0));
  EXPECT_EQ(w.ClassName(w.ClassOf(w.SbWriters(0, 0), 0)), "sb_writers#4");
}

TEST(World, SameFsTypeSharesClasses) {
  auto o = WorldFromText("scheme x\nsuper lower ext4 class=4 readonly\nop a():\nend\n");
  const World& w = *o.world;
  EXPECT_EQ(w.ClassOf(w.SbWriters(1, 0), 0), w.ClassOf(w.SbWriters(2, 0), 0));
}

TEST(World, ParentsAndArgs) {
  auto o = WorldFromText("scheme x\nworld files=3 dirs=2\nop a():\nend\n");
  const World& w = *o.world;
  EXPECT_EQ(w.Parent(0), 3);  // f0 in d0
  EXPECT_EQ(w.Parent(1), 4);  // f1 in d1
  EXPECT_EQ(w.Parent(2), 3);  // f2 in d0
  EXPECT_EQ(w.Parent(3), w.root());
  EXPECT_EQ(w.ArgEntity(ParamType::kDir, 1), 4);
  EXPECT_EQ(w.ArgDomain(ParamType::kNode), 5);
}

}  // namespace
}  // namespace ovlfuzz
