// WorkspaceStore::backup and restore: round trip, incremental backups, what
// restore refuses, and a backup taken while another store writes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "n4a/workspace_store.h"
#include "store/populate_workspace.h"
#include "support/test_util.h"
#include "util/database.h"

namespace n4a {
namespace {

using testing::CountOf;
using testing::ExpectChecks;
using testing::OpenStore;
using testing::Populate;
using testing::TempDir;
using Store = WorkspaceStore;
namespace fs = std::filesystem;

Store::BackupReport BackupOk(Store& s, const std::string& dest,
                             Store::Incremental incremental = Store::Incremental::kNo) {
  Store::BackupOptions o;
  o.incremental = incremental;
  auto r = s.backup(dest, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Store::BackupReport{};
}

std::string Cell(const Value& v) {
  if (IsNull(v)) return "null";
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  if (const auto* d = std::get_if<double>(&v)) return ::testing::PrintToString(*d);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

// What the queries of a workspace answer, as text.
std::string Answers(Store& s, const std::vector<std::string>& prediction_ids) {
  std::string out;
  auto add = [&](const Result<Table>& t) {
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    for (const auto& row : t->rows) {
      for (const auto& v : row) out += Cell(v) + "|";
      out += "\n";
    }
  };
  add(s.list_runs());
  add(s.list_pipelines());
  add(s.list_chains());
  add(s.query_predictions());
  add(s.top_predictions());
  add(s.list_artifacts());
  for (const auto& id : prediction_ids) {
    auto a = s.load_prediction_arrays(id);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    if (a.ok()) out += Json(a->y_pred).dump();
  }
  return out;
}

TEST(BackupTest, RestoredWorkspaceAnswersAsTheOriginalDid) {
  TempDir dir;
  auto ws = OpenStore((dir / "ws").string());
  auto p = Populate(*ws, "gasoline", 3);
  fs::create_directories(dir / "ws" / "library" / "general" / "pls");
  std::ofstream(dir / "ws" / "library" / "general" / "pls" / "pipeline.json") << "{}";
  const std::string snapshot = Answers(*ws, p.prediction_ids);
  auto r = BackupOk(*ws, (dir / "bk").string());
  EXPECT_GT(r.files_copied, 5);
  EXPECT_TRUE(fs::exists(dir / "bk" / "backup.json"));
  EXPECT_TRUE(fs::exists(dir / "bk" / "library" / "general" / "pls" / "pipeline.json"));
  Populate(*ws, "corn", 1);  // after the snapshot: not in the backup
  {
    auto backup = OpenStore((dir / "bk").string());  // a backup is a workspace
    ExpectChecks(*backup);
  }
  auto restored = Store::restore((dir / "bk").string(), (dir / "rs").string());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_TRUE(restored->check.ok());
  auto rs = OpenStore((dir / "rs").string());
  EXPECT_EQ(Answers(*rs, p.prediction_ids), snapshot);
  EXPECT_EQ(CountOf(*rs, "SELECT count(*) FROM runs"), 1);
}

TEST(BackupTest, RestoreRefusesIncompleteDamagedBackupsAndNonEmptyTargets) {
  TempDir dir;
  auto ws = OpenStore((dir / "ws").string());
  Populate(*ws, "gasoline", 1);
  BackupOk(*ws, (dir / "bk").string());
  // A non-incremental backup never writes into a non-empty folder.
  auto again = ws->backup((dir / "bk").string(), {});
  EXPECT_TRUE(again.status().IsAlreadyExists()) << again.status().ToString();
  // A non-empty target needs Force::kYes.
  fs::create_directories(dir / "full");
  std::ofstream(dir / "full" / "x") << "x";
  auto busy = Store::restore((dir / "bk").string(), (dir / "full").string());
  EXPECT_TRUE(busy.status().IsAlreadyExists()) << busy.status().ToString();
  // Force::kYes replaces a workspace, never a folder of something else.
  auto other = Store::restore((dir / "bk").string(), (dir / "full").string(), Store::Force::kYes);
  EXPECT_TRUE(other.status().IsAlreadyExists()) << other.status().ToString();
  EXPECT_TRUE(fs::exists(dir / "full" / "x"));
  EXPECT_TRUE(
      Store::restore((dir / "bk").string(), (dir / "ws").string(), Store::Force::kYes).ok());
  // A damaged catalog or a missing manifest is refused before anything is copied.
  fs::copy(dir / "bk", dir / "bad", fs::copy_options::recursive);
  std::ofstream(dir / "bad" / "store.duckdb", std::ios::app) << "junk";
  auto bad = Store::restore((dir / "bad").string(), (dir / "t1").string());
  EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();
  // A manifest naming a path outside the workspace is refused.
  fs::copy(dir / "bk", dir / "evil", fs::copy_options::recursive);
  std::string manifest = testing::ReadFileOrEmpty(dir / "evil" / "backup.json");
  manifest.replace(manifest.find("\"artifacts/"), 11, "\"artifacts/../../../x");
  std::ofstream(dir / "evil" / "backup.json") << manifest;
  auto evil = Store::restore((dir / "evil").string(), (dir / "t3").string());
  EXPECT_TRUE(evil.status().IsCorruption()) << evil.status().ToString();
  EXPECT_NE(evil.status().message().find("bad entry"), std::string::npos);
  fs::remove(dir / "bk" / "backup.json");
  auto half = Store::restore((dir / "bk").string(), (dir / "t2").string());
  EXPECT_TRUE(half.status().IsCorruption()) << half.status().ToString();
  EXPECT_FALSE(fs::exists(dir / "t1"));
  EXPECT_FALSE(fs::exists(dir / "t2"));
}

// The folders a test directory holds whose name contains `part`.
std::vector<std::string> FoldersNamed(const fs::path& dir, const std::string& part) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path());
  }
  return out;
}

// A copy of backup `from` at `to` whose first artifact has one bit flipped:
// it passes the backup's own size and hash checks, and fails the check of
// the restored workspace.
void RotArtifact(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(to / "artifacts")) {
    if (!e.is_regular_file()) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    char c = 0;
    f.seekg(0);
    f.get(c);
    f.seekp(0);
    f.put(static_cast<char>(c ^ 1));
    return;
  }
  FAIL() << "no artifact in " << to;
}

TEST(BackupTest, FailedRestoreLeavesTheTargetAsItWas) {
  TempDir dir;
  {
    auto ws = OpenStore((dir / "ws").string());
    Populate(*ws, "gasoline", 2);
    BackupOk(*ws, (dir / "bk").string());
  }
  RotArtifact(dir / "bk", dir / "rotten");
  // Into a new folder: nothing is left behind.
  auto fresh = Store::restore((dir / "rotten").string(), (dir / "new").string());
  EXPECT_TRUE(fresh.status().IsCorruption()) << fresh.status().ToString();
  EXPECT_FALSE(fs::exists(dir / "new"));
  // Over a workspace with Force::kYes: the workspace stays, whole.
  auto other = OpenStore((dir / "other").string());
  auto p = Populate(*other, "corn", 1);
  const std::string before = Answers(*other, p.prediction_ids);
  other.reset();
  auto forced =
      Store::restore((dir / "rotten").string(), (dir / "other").string(), Store::Force::kYes);
  EXPECT_TRUE(forced.status().IsCorruption()) << forced.status().ToString();
  {
    auto kept = OpenStore((dir / "other").string());
    ExpectChecks(*kept);
    EXPECT_EQ(Answers(*kept, p.prediction_ids), before);
  }
  EXPECT_TRUE(FoldersNamed(dir.path(), ".tmp.").empty());
  // A sound backup then replaces it, and an empty folder takes one.
  ASSERT_TRUE(
      Store::restore((dir / "bk").string(), (dir / "other").string(), Store::Force::kYes).ok());
  {
    auto replaced = OpenStore((dir / "other").string());
    EXPECT_EQ(CountOf(*replaced, "SELECT count(*) FROM runs WHERE name LIKE '%corn%'"), 0);
    EXPECT_EQ(CountOf(*replaced, "SELECT count(*) FROM pipelines"),
              CountOf(*OpenStore((dir / "ws").string()), "SELECT count(*) FROM pipelines"));
  }
  fs::create_directories(dir / "empty");
  EXPECT_TRUE(Store::restore((dir / "bk").string(), (dir / "empty/").string()).ok());
  EXPECT_TRUE(FoldersNamed(dir.path(), ".tmp.").empty());
}

TEST(BackupTest, IncrementalBackupCopiesOnlyNewObjects) {
  TempDir dir;
  const std::string bk = (dir / "bk").string();
  auto ws = OpenStore((dir / "ws").string());
  auto first = Populate(*ws, "gasoline", 3);
  auto full = BackupOk(*ws, bk);
  const int64_t objects = full.files_copied - 1;   // all but the catalog
  Populate(*ws, "gasoline", 2, 3, 1.0, "second");  // 2 new models, 1 new part
  ASSERT_TRUE(ws->delete_run(first.run_id).ok());  // its objects become stale
  auto inc = BackupOk(*ws, bk, Store::Incremental::kYes);
  EXPECT_EQ(inc.files_kept, 1);    // the shared scaler
  EXPECT_EQ(inc.files_linked, 3);  // same filesystem: hard links
  EXPECT_EQ(inc.files_copied, 1);  // the catalog
  EXPECT_EQ(inc.files_removed, objects - 1);
  auto restored = Store::restore(bk, (dir / "rs").string());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto rs = OpenStore((dir / "rs").string());
  EXPECT_EQ(CountOf(*rs, "SELECT count(*) FROM predictions"), 6);
}

// A catalog left with a write-ahead log (a writer that did not checkpoint)
// is checkpointed first, so the backup's store.duckdb alone holds every row.
TEST(BackupTest, CheckpointsAWriteAheadLogFirst) {
  TempDir dir;
  const std::string ws = (dir / "ws").string();
  { Populate(*OpenStore(ws), "gasoline", 1); }
  {
    auto con = db::Connection::open(ws + "/store.duckdb", db::AccessMode::kReadWrite);
    ASSERT_TRUE(con.ok());
    ASSERT_TRUE((*con)
                    ->exec("PRAGMA disable_checkpoint_on_shutdown; "
                           "UPDATE runs SET name = 'after the checkpoint'")
                    .ok());
  }
  ASSERT_TRUE(fs::exists(ws + "/store.duckdb.wal"));
  BackupOk(*OpenStore(ws), (dir / "bk").string());
  EXPECT_FALSE(fs::exists(dir / "bk" / "store.duckdb.wal"));
  auto backup = OpenStore((dir / "bk").string());
  EXPECT_EQ(CountOf(*backup, "SELECT count(*) FROM runs WHERE name = 'after the checkpoint'"), 1);
}

// A writer commits pipelines of kFolds predictions, one commit per pipeline,
// while the backup runs: the backup holds whole pipelines only, and exactly
// the first ones the writer committed.
TEST(BackupTest, BackupUnderAConcurrentWriterIsAConsistentPrefix) {
  TempDir dir;
  const std::string path = (dir / "ws").string();
  constexpr int kFolds = 4;
  { OpenStore(path); }
  std::vector<std::string> committed;
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto w = OpenStore(path);
    for (int i = 0; i < 400 && !stop; ++i) {
      // Each commit may end a sweep: deferred to the log when none waits
      // there, so the backup also meets logs that the next commit folds in.
      w->expect_flush();
      auto p = Populate(*w, "gasoline", 1, kFolds, i, std::to_string(i));  // flushes
      std::lock_guard lock(mu);
      committed.push_back(p.pipeline_ids[0]);
    }
  });
  auto reader = OpenStore(path);
  while (true) {
    {
      std::lock_guard lock(mu);
      if (committed.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  BackupOk(*reader, (dir / "bk").string());
  stop = true;
  writer.join();
  auto backup = OpenStore((dir / "bk").string());
  ExpectChecks(*backup);
  auto t = backup->sql(
      "SELECT p.pipeline_id, count(r.prediction_id) FROM pipelines p LEFT JOIN predictions r "
      "USING (pipeline_id) GROUP BY 1 ORDER BY 1");
  ASSERT_TRUE(t.ok());
  ASSERT_GE(t->rows.size(), 3u);
  ASSERT_LT(t->rows.size(), committed.size() + 1);
  for (size_t i = 0; i < t->rows.size(); ++i) {
    EXPECT_EQ(std::get<std::string>(t->rows[i][0]), committed[i]);  // UUIDv7: in commit order
    EXPECT_EQ(std::get<int64_t>(t->rows[i][1]), kFolds);
  }
}

}  // namespace
}  // namespace n4a
