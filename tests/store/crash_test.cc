// Crash safety, proven (issue 3): a child process writes artifacts, arrays
// and predictions in a loop and is killed with SIGKILL at a random moment,
// many times over one workspace. After each kill the real `n4a workspace
// check` must pass and every pipeline whose flush returned must be there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>

#include "n4a/workspace_store.h"
#include "support/test_util.h"
#include "util/atomic_file.h"
#include "util/database.h"
#include "util/fault_injection_env.h"

namespace n4a {
namespace {

// The child: pipelines with a chain (two artifacts) and arrays; after each
// flush returns, it reports the pipeline ids on `fd`.
[[noreturn]] void WriteUntilKilled(const std::string& path, int fd, int seed) {
  auto store = WorkspaceStore::open(path);
  if (!store.ok()) _exit(3);
  std::mt19937 rng(seed);
  auto run = (*store)->begin_run("crash", {}, {});
  for (int i = 0;; ++i) {
    auto pipe = (*store)->begin_pipeline(*run, "p", {}, {}, "gasoline", "h");
    std::string model(20000 + rng() % 20000, static_cast<char>('a' + i % 26));
    auto m = (*store)->save_artifact(model + std::to_string(i), "PLSRegression", "model", "n4aop");
    auto t = (*store)->save_artifact("shared transform", "SNV", "transform", "n4aop");
    if (!pipe.ok() || !m.ok() || !t.ok()) _exit(4);
    ChainRecord c;
    c.pipeline_id = *pipe;
    c.fold_artifacts = {{"fold_final", *m}};
    c.shared_artifacts = {{"0", {*t}}};
    if (!(*store)->save_chain(c).ok()) _exit(5);
    for (int k = 0; k < 20; ++k) {
      PredictionRecord p;
      p.pipeline_id = *pipe;
      p.dataset_name = "gasoline";
      p.fold_id = "fold_" + std::to_string(k);
      p.partition = "val";
      PredictionArrays a;
      a.y_true.assign(200, 1.0 * k);
      a.y_pred.assign(200, 1.5 * k);
      if (!(*store)->save_prediction(p, a).ok()) _exit(6);
    }
    if (i % 3 == 2) {
      // Every other commit is one that ends a sweep: deferred to the log
      // when none waits there, folded in by the next one.
      if (i % 6 == 5) (*store)->expect_flush();
      if (!(*store)->flush().ok()) _exit(7);
      std::string line = *pipe + "\n";
      if (write(fd, line.data(), line.size()) < 0) _exit(8);
    }
  }
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(CrashTest, KilledWritersLeaveAConsistentWorkspace) {
  testing::TempDir dir;
  std::string ws = dir.str();
  ASSERT_TRUE(WorkspaceStore::open(ws).ok());
  std::mt19937 rng(20261123);
  std::set<std::string> committed;
  constexpr int kKills = 12;
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      WriteUntilKilled(ws, fds[1], round);
    }
    close(fds[1]);
    usleep(200'000 + rng() % 1'200'000);  // a random moment, often mid-commit
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer stopped by itself with " << WEXITSTATUS(status);
    std::string ids = ReadAll(fds[0]);
    close(fds[0]);
    for (size_t start = 0, end; (end = ids.find('\n', start)) != std::string::npos;
         start = end + 1) {
      committed.insert(ids.substr(start, end - start));
    }
    std::string cmd = std::string(N4A_BINARY) + " --workspace " + ws + " workspace check >" + ws +
                      "/check.txt 2>&1";
    int rc = std::system(cmd.c_str());
    ASSERT_EQ(rc, 0) << "after kill " << round << ": "
                     << testing::ReadFileOrEmpty(ws + "/check.txt");
  }
  auto store = WorkspaceStore::open(ws);
  ASSERT_TRUE(store.ok());
  EXPECT_GT(committed.size(), 0u);
  for (const std::string& id : committed) {
    auto p = (*store)->get_pipeline(id);
    ASSERT_TRUE(p.ok()) << "pipeline " << id << " was committed before the kill but is gone";
    PredictionFilter f;
    f.pipeline_id = id;
    EXPECT_EQ((*store)->query_predictions(f)->rows.size(), 20u);
    EXPECT_EQ((*store)->load_pipeline_arrays(id)->size(), 20u);
  }
  auto check = (*store)->check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok());
}

// DuckDB's checkpoint rewrites its metadata block in place, then writes its
// header. What a kill in the middle of that write leaves, made by hand: the
// file of the last commit with the first page of the next commit's version
// of block 0 (docs/formats/catalog.md). The undo file that the window saved
// before that commit puts the block back, and the workspace holds what was
// committed before.
TEST(CatalogUndoTest, TheNextWindowRepairsAMetadataBlockTornByAKill) {
  testing::TempDir dir;
  const std::string ws = dir.str(), catalog = ws + "/store.duckdb", undo = catalog + ".undo";
  FaultInjectionEnv env;
  StoreOptions options;
  options.env = &env;
  std::string kept;
  {
    auto store = WorkspaceStore::open(ws, options);
    ASSERT_TRUE(store.ok());
    kept = *(*store)->begin_run("kept", {}, {});
    ASSERT_TRUE((*store)->flush().ok());
    ASSERT_TRUE((*store)->close().ok());
  }
  const std::string before = testing::ReadFileOrEmpty(catalog);
  {
    auto store = WorkspaceStore::open(ws, options);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->begin_run("lost", {}, {}).ok());
    env.fail_next_remove();  // the undo file stays, as if the process died
    ASSERT_TRUE((*store)->flush().ok());
    ASSERT_TRUE((*store)->close().ok());
  }
  ASSERT_TRUE(env.file_exists(undo));
  const std::string after = testing::ReadFileOrEmpty(catalog);
  constexpr size_t kBlock0 = 12288, kPage = 4096;
  ASSERT_GT(after.size(), kBlock0 + kPage);
  ASSERT_NE(before.substr(kBlock0, kPage), after.substr(kBlock0, kPage))
      << "not rewritten in place";
  std::string torn = before;
  torn.replace(kBlock0, kPage, after.substr(kBlock0, kPage));
  ASSERT_TRUE(env.write_range(catalog, 0, torn).ok());
  // Without the undo file, DuckDB cannot read that catalog.
  EXPECT_FALSE(db::Connection::open(catalog, db::AccessMode::kReadOnly).ok());

  auto store = WorkspaceStore::open(ws, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto runs = (*store)->sql("SELECT run_id FROM runs");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(runs->rows[0][0]), kept);
  EXPECT_FALSE(env.file_exists(undo));
  auto check = (*store)->check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok());
}

// An undo file left by a commit that finished (its process died before
// removing it) restores nothing, or it would take the commit back: the
// headers on disk are newer than the saved ones.
TEST(CatalogUndoTest, AnUndoFileOfAFinishedCommitIsOnlyRemoved) {
  testing::TempDir dir;
  const std::string undo = dir.str() + "/store.duckdb.undo";
  FaultInjectionEnv env;
  StoreOptions options;
  options.env = &env;
  {
    auto store = WorkspaceStore::open(dir.str(), options);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->begin_run("committed", {}, {}).ok());
    env.fail_next_remove();
    ASSERT_TRUE((*store)->flush().ok());
  }
  ASSERT_TRUE(env.file_exists(undo));
  // And the temporary file of an undo file whose writer died before renaming it.
  const std::string stale_temp = undo + ".tmp.1.2";
  ASSERT_TRUE(WriteFileAtomic(&env, stale_temp, "partial").ok());
  auto store = WorkspaceStore::open(dir.str(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_FALSE(env.file_exists(undo));
  EXPECT_FALSE(env.file_exists(stale_temp));
  auto runs = (*store)->sql("SELECT count(*) FROM runs");
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(std::get<int64_t>(runs->rows[0][0]), 1);
}

// A damaged undo file is reported, and nothing is written from it.
TEST(CatalogUndoTest, ADamagedUndoFileIsReported) {
  testing::TempDir dir;
  {
    auto store = WorkspaceStore::open(dir.str());
    ASSERT_TRUE(store.ok());
  }
  const std::string undo = dir.str() + "/store.duckdb.undo";
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), undo,
                              "N4AUNDO\nnot a valid undo file at all, "
                              "too short for its checksum and ranges")
                  .ok());
  auto store = WorkspaceStore::open(dir.str());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("store.duckdb.undo"), std::string::npos);
  EXPECT_TRUE(Env::Default()->file_exists(undo));
}

}  // namespace
}  // namespace n4a
