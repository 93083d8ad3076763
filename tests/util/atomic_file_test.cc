#include "util/atomic_file.h"

#include <gtest/gtest.h>

#include "support/test_util.h"
#include "util/fault_injection_env.h"

namespace n4a {
namespace {

using testing::ReadFileOrEmpty;
using testing::TempDir;

// The names in a directory that are not the target: leftovers of a failed write.
std::vector<std::string> Leftovers(Env* env, const TempDir& dir, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& e : *env->list_dir(dir.str())) {
    if (e.name != target) out.push_back(e.name);
  }
  return out;
}

TEST(AtomicFileTest, PublishesContentAndLeavesNoTemp) {
  TempDir dir;
  Env* env = Env::Default();
  ASSERT_TRUE(WriteFileAtomic(env, (dir / "a.bin").string(), "hello").ok());
  EXPECT_EQ(ReadFileOrEmpty(dir / "a.bin"), "hello");
  ASSERT_TRUE(WriteFileAtomic(env, (dir / "a.bin").string(), "world").ok());
  EXPECT_EQ(ReadFileOrEmpty(dir / "a.bin"), "world");
  EXPECT_TRUE(Leftovers(env, dir, "a.bin").empty());
}

// commit_unsynced() publishes like commit() (only durability waits for the
// caller's filesystem sync); a failed rename leaves the old file and no temp.
TEST(AtomicFileTest, UnsyncedCommitPublishesAndFailsCleanly) {
  TempDir dir;
  FaultInjectionEnv env;
  const std::string path = (dir / "d.bin").string();
  auto first = AtomicFile::create(&env, path);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->append("new").ok());
  ASSERT_TRUE((*first)->commit_unsynced().ok());
  EXPECT_EQ(ReadFileOrEmpty(dir / "d.bin"), "new");
  EXPECT_TRUE(Leftovers(&env, dir, "d.bin").empty());
  {
    auto second = AtomicFile::create(&env, path);
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE((*second)->append("lost").ok());
    env.fail_next_rename();
    EXPECT_FALSE((*second)->commit_unsynced().ok());
  }
  EXPECT_EQ(ReadFileOrEmpty(dir / "d.bin"), "new");
  EXPECT_TRUE(Leftovers(&env, dir, "d.bin").empty());
  EXPECT_TRUE(env.sync_filesystem(dir.str()).ok());
}

TEST(AtomicFileTest, UncommittedTempIsRemovedOnDestruction) {
  TempDir dir;
  Env* env = Env::Default();
  std::string temp;
  {
    auto file = AtomicFile::create(env, (dir / "b.bin").string());
    ASSERT_TRUE(file.ok());
    temp = (*file)->temp_path();
    EXPECT_TRUE(IsTempFileName(temp));
    ASSERT_TRUE((*file)->append("partial").ok());
    EXPECT_TRUE(env->file_exists(temp));
  }
  EXPECT_FALSE(env->file_exists(temp));
  EXPECT_FALSE(env->file_exists((dir / "b.bin").string()));
}

struct Fault {
  const char* name;
  void (*arm)(FaultInjectionEnv&);
};

class AtomicFileFaultTest : public ::testing::TestWithParam<Fault> {};

TEST_P(AtomicFileFaultTest, FailureKeepsOldContentAndLeavesNothing) {
  TempDir dir;
  FaultInjectionEnv env;
  std::string path = (dir / "c.bin").string();
  ASSERT_TRUE(WriteFileAtomic(&env, path, "old").ok());
  GetParam().arm(env);
  Status s = WriteFileAtomic(&env, path, "new content");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_EQ(ReadFileOrEmpty(path), "old");
  EXPECT_TRUE(Leftovers(&env, dir, "c.bin").empty());
  env.set_disk_full(false);
  ASSERT_TRUE(WriteFileAtomic(&env, path, "new content").ok());  // recovers
  EXPECT_EQ(ReadFileOrEmpty(path), "new content");
}

INSTANTIATE_TEST_SUITE_P(
    Faults, AtomicFileFaultTest,
    ::testing::Values(Fault{"write", [](FaultInjectionEnv& e) { e.fail_next_write(); }},
                      Fault{"sync", [](FaultInjectionEnv& e) { e.fail_next_sync(); }},
                      Fault{"rename", [](FaultInjectionEnv& e) { e.fail_next_rename(); }},
                      Fault{"disk_full", [](FaultInjectionEnv& e) { e.set_disk_full(true); }}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FaultInjectionEnvTest, ClockCanBeFrozenAndAdvanced) {
  FaultInjectionEnv env;
  env.set_now_micros(1000);
  EXPECT_EQ(env.now_micros(), 1000);
  env.advance_clock_micros(500);
  EXPECT_EQ(env.now_micros(), 1500);
  env.set_now_micros(std::nullopt);
  EXPECT_GT(env.now_micros(), 1500);
}

}  // namespace
}  // namespace n4a
