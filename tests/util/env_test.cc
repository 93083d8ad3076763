#include "n4a/env.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_util.h"

namespace n4a {
namespace {

using testing::TempDir;

TEST(PosixEnvTest, FilesAndDirectories) {
  TempDir dir;
  Env* env = Env::Default();
  std::string sub = (dir / "a/b").string();
  ASSERT_TRUE(env->create_dirs(sub).ok());
  ASSERT_TRUE(env->create_dirs(sub).ok());  // idempotent
  auto file = env->new_writable_file(sub + "/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->append("12345").ok());
  ASSERT_TRUE((*file)->close().ok());
  EXPECT_EQ(*env->file_size(sub + "/f"), 5u);
  EXPECT_EQ(*env->read_file(sub + "/f"), "12345");
  ASSERT_TRUE(env->rename_file(sub + "/f", sub + "/g").ok());
  auto entries = env->list_dir(sub);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].name, "g");
  EXPECT_FALSE((*entries)[0].is_dir);
  EXPECT_TRUE(env->read_file(sub + "/f").status().IsNotFound());
  ASSERT_TRUE(env->remove_file(sub + "/g").ok());
  EXPECT_FALSE(env->file_exists(sub + "/g"));
}

TEST(PosixEnvTest, HardLinksAndEmptyDirectories) {
  TempDir dir;
  Env* env = Env::Default();
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  auto file = env->new_writable_file(a);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->append("same inode").ok());
  ASSERT_TRUE((*file)->close().ok());
  auto linked = env->link_file(a, b);
  ASSERT_TRUE(linked.ok()) << linked.status().ToString();
  EXPECT_TRUE(*linked);
  EXPECT_EQ(*env->read_file(b), "same inode");
  EXPECT_FALSE(env->link_file(a, b).ok());  // `to` exists: an error, not "cannot link"

  const std::string sub = (dir / "d").string();
  ASSERT_TRUE(env->create_dirs(sub + "/inner").ok());
  EXPECT_FALSE(*env->remove_dir_if_empty(sub));  // not empty: kept
  EXPECT_TRUE(*env->remove_dir_if_empty(sub + "/inner"));
  EXPECT_TRUE(*env->remove_dir_if_empty(sub));
  EXPECT_FALSE(env->file_exists(sub));
  EXPECT_FALSE(*env->remove_dir_if_empty(sub));  // absent
}

TEST(PosixEnvTest, LocksConflictBetweenOpenFilesOfOneProcess) {
  TempDir dir;
  Env* env = Env::Default();
  std::string path = (dir / "lock").string();
  auto a = env->open_lock_file(path, Env::LockFileAccess::kReadWrite);
  auto b = env->open_lock_file(path, Env::LockFileAccess::kReadWrite);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*(*a)->try_lock(7, LockMode::kShared));
  EXPECT_TRUE(*(*b)->try_lock(7, LockMode::kShared));  // shared + shared
  EXPECT_FALSE(*(*b)->try_lock(8, LockMode::kShared) == false);
  ASSERT_TRUE((*b)->unlock(7).ok());
  ASSERT_TRUE((*b)->unlock(8).ok());
  EXPECT_FALSE(*(*b)->try_lock(7, LockMode::kExclusive));  // a still shares it
  a->reset();                                              // closing releases
  EXPECT_TRUE(*(*b)->try_lock(7, LockMode::kExclusive));
  ASSERT_TRUE((*b)->write_content("pid 1").ok());
  EXPECT_EQ(*(*b)->read_content(), "pid 1");
}

#ifdef __linux__
// The figure a commit reads to choose between syncfs and an fsync per file
// (/proc/meminfo's Dirty + Writeback): it must parse.
TEST(PosixEnvTest, UnwrittenBytesAreKnownOnLinux) {
  std::optional<uint64_t> unwritten = Env::Default()->unwritten_bytes();
  ASSERT_TRUE(unwritten.has_value());
  EXPECT_LT(*unwritten, uint64_t{1} << 50);
}
#endif

}  // namespace
}  // namespace n4a
