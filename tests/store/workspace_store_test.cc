#include "n4a/workspace_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <vector>

#include "catalog/schema.h"
#include "store/catalog_window.h"
#include "support/test_util.h"
#include "util/database.h"
#include "util/fault_injection_env.h"

namespace n4a {
namespace {

using testing::TempDir;

std::unique_ptr<WorkspaceStore> OpenOrDie(const std::string& path, StoreOptions options = {}) {
  auto store = WorkspaceStore::open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

PredictionRecord Pred(const std::string& pipeline, const std::string& fold,
                      const std::string& partition, double rmse, double r2) {
  PredictionRecord p;
  p.pipeline_id = pipeline;
  p.chain_id = "c-" + pipeline;
  p.dataset_name = "gasoline";
  p.model_name = "PLS";
  p.model_class = "PLSRegression";
  p.fold_id = fold;
  p.partition = partition;
  p.val_score = rmse;
  p.metric = "rmse";
  p.task_type = "regression";
  p.n_samples = 10;
  p.scores = {{"rmse", rmse}, {"r2", r2}};
  return p;
}

int64_t Count(WorkspaceStore& store, const std::string& sql) {
  auto t = store.sql(sql);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::get<int64_t>(t->rows[0][0]) : -1;
}

TEST(WorkspaceStoreTest, OpenCreatesLayoutAndMustExistRefusesOtherFolders) {
  TempDir dir;
  std::string ws = (dir / "ws").string();
  StoreOptions must;
  must.mode = OpenMode::kMustExist;
  auto missing = WorkspaceStore::open(ws, must);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("n4a workspace init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(ws));  // nothing created

  auto store = OpenOrDie(ws);
  for (const char* sub :
       {"store.duckdb", "store.lock", "artifacts", "arrays", "exports", "library"}) {
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(ws) / sub)) << sub;
  }
  ASSERT_TRUE(store->close().ok());
  EXPECT_TRUE(WorkspaceStore::open(ws, must).ok());
  auto info = OpenOrDie(ws)->info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->schema_version, catalog::LatestSchemaVersion());
  EXPECT_EQ(info->table_counts.rows.size(), 7u);
}

TEST(WorkspaceStoreTest, RunLifecycleIsRecorded) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto run = store->begin_run("sweep", {{"name", "sweep"}}, {{{"name", "gasoline"}}});
  ASSERT_TRUE(run.ok());
  auto p1 = store->begin_pipeline(*run, "SNV > PLS(3)", {{"n", 3}}, {{"n_components", 3}},
                                  "gasoline", "abc");
  auto p2 = store->begin_pipeline(*run, "PLS(40)", {}, {}, "gasoline", "abc");
  ASSERT_TRUE(p1.ok() && p2.ok());
  ASSERT_TRUE(store->complete_pipeline(*p1, 0.25, 0.3, "rmse", 12).ok());
  ASSERT_TRUE(store->fail_pipeline(*p2, "40 components > 30 samples").ok());
  ASSERT_TRUE(store->complete_run(*run, {{"best", 0.25}}).ok());

  auto r = store->get_run(*run);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "completed");
  EXPECT_EQ(r->summary["best"], 0.25);
  EXPECT_EQ(r->datasets[0]["name"], "gasoline");
  EXPECT_GT(r->completed_at, 0);
  auto p = store->get_pipeline(*p1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->status, "completed");
  EXPECT_EQ(*p->best_val, 0.25);
  EXPECT_EQ(p->generator_choices["n_components"], 3);
  auto failed = store->get_pipeline(*p2);
  EXPECT_EQ(failed->status, "failed");
  EXPECT_EQ(failed->error, "40 components > 30 samples");

  PipelineFilter pf;
  pf.run_id = *run;
  EXPECT_EQ(store->list_pipelines(pf)->rows.size(), 2u);
  RunFilter rf;
  rf.status = "completed";
  EXPECT_EQ(store->list_runs(rf)->rows.size(), 1u);
  rf.status = "running";
  EXPECT_EQ(store->list_runs(rf)->rows.size(), 0u);
  rf = {};
  rf.dataset = "other";
  EXPECT_EQ(store->list_runs(rf)->rows.size(), 0u);
}

// A pipeline begun in the batch being built is completed by editing its
// buffered row; one already committed by an UPDATE. Both read back alike.
TEST(WorkspaceStoreTest, PipelineEndsTheSameInAndAfterItsBatch) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto run = *store->begin_run("r", {}, {});
  auto begin = [&](const char* name) {
    return *store->begin_pipeline(run, name, {}, {}, "gasoline", "abc");
  };
  const std::string done_committed = begin("a"), failed_committed = begin("b");
  ASSERT_TRUE(store->flush().ok());
  const std::string done_buffered = begin("c"), failed_buffered = begin("d");
  for (const std::string& id : {done_committed, done_buffered}) {
    ASSERT_TRUE(store->complete_pipeline(id, 0.25, std::nullopt, "rmse", 12).ok());
  }
  for (const std::string& id : {failed_committed, failed_buffered}) {
    ASSERT_TRUE(store->fail_pipeline(id, "40 components > 30 samples").ok());
  }
  auto committed = store->get_pipeline(done_committed);
  auto buffered = store->get_pipeline(done_buffered);
  ASSERT_TRUE(committed.ok() && buffered.ok());
  for (const PipelineRecord* p : {&*committed, &*buffered}) {
    EXPECT_EQ(p->status, "completed");
    EXPECT_EQ(p->best_val, 0.25);
    EXPECT_FALSE(p->best_test.has_value());
    EXPECT_EQ(p->metric, "rmse");
    EXPECT_EQ(p->duration_ms, 12);
    EXPECT_GE(p->completed_at, p->created_at);
    EXPECT_EQ(p->error, "");
  }
  for (const std::string& id : {failed_committed, failed_buffered}) {
    auto p = store->get_pipeline(id);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->status, "failed");
    EXPECT_EQ(p->error, "40 components > 30 samples");
    EXPECT_GT(p->completed_at, 0);
  }
  EXPECT_TRUE(store->complete_pipeline("nope", 1, 1, "rmse", 1).IsNotFound());
}

// The same for a run: its provenance and its end edit its buffered row while
// it is in the batch being built, and are UPDATEs once it is committed.
TEST(WorkspaceStoreTest, RunEndsTheSameInAndAfterItsBatch) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  const Json provenance = {{"user", "ada"}, {"host", "lab-1"}};
  for (bool committed : {false, true}) {
    SCOPED_TRACE(committed ? "committed" : "buffered");
    std::map<std::string, std::string> ends;  // run id -> how it ended
    for (const char* end : {"completed", "failed", "interrupted"}) {
      const std::string run = *store->begin_run(end, {}, {});
      if (committed) {
        ASSERT_TRUE(store->flush().ok());
      }
      ASSERT_TRUE(store->set_run_provenance(run, provenance).ok());
      const std::string how = end;
      Status s = how == "completed" ? store->complete_run(run, {{"best", 0.25}})
                 : how == "failed"  ? store->fail_run(run, "out of memory")
                                    : store->interrupt_run(run);
      ASSERT_TRUE(s.ok()) << s.ToString();
      ends[run] = how;
    }
    for (const auto& [id, how] : ends) {
      auto r = store->get_run(id);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->status, how);
      EXPECT_EQ(r->provenance, provenance);
      const Json summary = how == "completed" ? Json{{"best", 0.25}} : Json();
      EXPECT_EQ(r->summary, summary);
      EXPECT_EQ(r->error, how == "failed" ? "out of memory" : "");
      EXPECT_EQ(r->completed_at > 0, how != "interrupted");
    }
  }
  EXPECT_TRUE(store->set_run_provenance("nope", provenance).IsNotFound());
}

TEST(WorkspaceStoreTest, UnknownIdsAreRefusedAndChangeNothing) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  EXPECT_TRUE(store->complete_run("nope", {}).IsNotFound());
  EXPECT_TRUE(store->begin_pipeline("nope", "x", {}, {}, "d", "h").status().IsNotFound());
  EXPECT_TRUE(store->save_prediction(Pred("nope", "fold_0", "val", 1, 0)).status().IsNotFound());
  EXPECT_TRUE(store->get_run("nope").status().IsNotFound());
  EXPECT_TRUE(store->get_chain("nope").status().IsNotFound());
  EXPECT_TRUE(store->get_prediction("nope").status().IsNotFound());
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM runs"), 0);
}

TEST(WorkspaceStoreTest, PredictionsUpsertOnNaturalKeyAndRankByMetric) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto run = *store->begin_run("r", {}, {});
  std::vector<std::string> pipes;
  for (int i = 0; i < 5; ++i)
    pipes.push_back(*store->begin_pipeline(run, "p" + std::to_string(i), {}, {}, "gasoline", "h"));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store->save_prediction(Pred(pipes[i], "fold_0", "val", 1.0 + i, 0.9 - 0.1 * i)).ok());
    ASSERT_TRUE(store->save_prediction(Pred(pipes[i], "fold_0", "train", 0.1, 0.99)).ok());
  }
  // Re-saving the same natural key replaces the row (pipeline 4 becomes best).
  ASSERT_TRUE(store->save_prediction(Pred(pipes[4], "fold_0", "val", 0.5, 0.95)).ok());
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM predictions"), 10);

  TopQuery q;
  q.n = 3;
  auto top = store->top_predictions(q);  // val_score, rmse: ascending
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  ASSERT_EQ(top->rows.size(), 3u);
  int pid = top->column_index("pipeline_id");
  EXPECT_EQ(std::get<std::string>(top->rows[0][pid]), pipes[4]);
  EXPECT_EQ(std::get<std::string>(top->rows[1][pid]), pipes[0]);
  q.metric = "r2";  // higher is better: descending
  top = store->top_predictions(q);
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ(std::get<std::string>(top->rows[0][pid]), pipes[4]);
  EXPECT_EQ(std::get<double>(top->rows[0][top->column_index("score")]), 0.95);
  EXPECT_EQ(std::get<std::string>(top->rows[1][pid]), pipes[0]);
  q.order = SortOrder::kAscending;
  top = store->top_predictions(q);
  EXPECT_EQ(std::get<std::string>(top->rows[0][pid]), pipes[3]);
  q = {};
  q.group_by = "model_class";
  top = store->top_predictions(q);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->rows.size(), 1u);
  q.group_by = "name; DROP TABLE runs";
  EXPECT_TRUE(store->top_predictions(q).status().IsInvalidArgument());
  q = {};
  q.metric = "rmse' OR 1=1 --";
  EXPECT_TRUE(store->top_predictions(q).status().IsInvalidArgument());
}

TEST(WorkspaceStoreTest, ChainsAndLogsRoundTrip) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto run = *store->begin_run("r", {}, {});
  auto pipe = *store->begin_pipeline(run, "p", {}, {}, "gasoline", "h");
  ChainRecord c;
  c.pipeline_id = pipe;
  c.steps = Json::array({{{"op", "SNV"}}, {{"model", "PLSRegression"}}});
  c.model_class = "PLSRegression";
  std::string a0 = *store->save_artifact("fold 0 model", "PLSRegression", "model", "bin");
  std::string af = *store->save_artifact("final model", "PLSRegression", "model", "bin");
  c.fold_artifacts = {{"fold_0", a0}, {"fold_final", af}};
  c.metric = "rmse";
  c.cv_val_score = 0.2;
  c.cv_fold_count = 5;
  auto id = store->save_chain(c);
  ASSERT_TRUE(id.ok());
  LogRecord log;
  log.pipeline_id = pipe;
  log.event = "fit";
  log.duration_ms = 3;
  ASSERT_TRUE(store->log_step(log).ok());
  auto back = store->get_chain(*id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->steps, c.steps);
  EXPECT_EQ(back->fold_artifacts["fold_final"], af);
  EXPECT_EQ(*back->cv_val_score, 0.2);
  EXPECT_EQ(store->list_chains()->rows.size(), 1u);
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM logs WHERE event = 'fit'"), 1);
  ChainFilter bad;
  bad.metric = "rmse";
  EXPECT_TRUE(store->list_chains(bad).status().IsInvalidArgument());
}

TEST(WorkspaceStoreTest, Projects) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto a = store->create_project("alpha", "first", "#ff0000");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(store->create_project("alpha", "", "").status().IsAlreadyExists());
  EXPECT_EQ(*store->get_or_create_project("alpha"), *a);
  auto b = store->get_or_create_project("beta");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*b, *a);
  EXPECT_EQ(store->list_projects()->size(), 2u);
  EXPECT_EQ(store->get_project_by_name("alpha")->description, "first");
  auto run = *store->begin_run("r", {}, {});
  ASSERT_TRUE(store->set_run_project(run, *a).ok());
  EXPECT_EQ(store->get_run(run)->project_id, *a);
  EXPECT_TRUE(store->set_run_project(run, "nope").IsNotFound());
  ASSERT_TRUE(store->delete_project(*a).ok());
  EXPECT_EQ(store->get_run(run)->project_id, "");
  EXPECT_TRUE(store->delete_project(*a).IsNotFound());
  EXPECT_TRUE(store->get_project_by_name("alpha").status().IsNotFound());
}

TEST(WorkspaceStoreTest, SqlIsReadOnly) {
  TempDir dir;
  auto store = OpenOrDie(dir.str());
  ASSERT_TRUE(store->begin_run("r", {}, {}).ok());
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM runs"), 1);
  for (const char* bad : {"DELETE FROM runs", "DROP TABLE runs", "SELECT 1; DELETE FROM runs",
                          "COPY runs TO '/tmp/x.csv'", "INSERT INTO runs (run_id) VALUES ('x')"}) {
    auto t = store->sql(bad);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_TRUE(t.status().IsInvalidArgument()) << bad << ": " << t.status().ToString();
  }
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM runs"), 1);
}

TEST(WorkspaceStoreTest, NewCatalogsUseTheNewerStorageVersionAndOldOnesKeepTheirs) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie((dir / "new").string())->close().ok());
  EXPECT_TRUE(testing::StorageVersionAbove(dir / "new" / "store.duckdb", "v1.2.0"));

  // A catalog file that DuckDB created at its default (oldest) version is
  // migrated and written to in place, without being upgraded: older DuckDB
  // clients of the user still open it.
  std::filesystem::create_directories(dir / "old");
  ASSERT_TRUE(
      db::Connection::open((dir / "old" / "store.duckdb").string(), db::AccessMode::kReadWrite)
          .ok());
  auto old = OpenOrDie((dir / "old").string());
  ASSERT_NE(old, nullptr);
  auto run = old->begin_run("r", {}, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto pipeline = old->begin_pipeline(*run, "PLS(3)", {}, {}, "gasoline", "abc");
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  ASSERT_TRUE(old->save_prediction(Pred(*pipeline, "fold_0", "val", 1, 0)).ok());
  ASSERT_TRUE(old->close().ok());
  EXPECT_FALSE(testing::StorageVersionAbove(dir / "old" / "store.duckdb", "v1.0.0"));
  EXPECT_EQ(Count(*OpenOrDie((dir / "old").string()), "SELECT count(*) FROM predictions"), 1);
}

// The rows a commit appends form row groups sized by the commit
// (catalog::RowGroupSizeFor). A small commit's groups hold at most 4,096
// rows: the checkpoint that closes its window rewrites the last, partly
// filled group of each table it appended to. A large commit fills one group
// of its own size, and the small commits after it leave that group alone.
TEST(WorkspaceStoreTest, CommitsAppendRowGroupsSizedByTheCommit) {
  EXPECT_EQ(catalog::RowGroupSizeFor(0), 4'096);
  EXPECT_EQ(catalog::RowGroupSizeFor(4'096), 4'096);
  EXPECT_EQ(catalog::RowGroupSizeFor(4'097), 8'192);
  EXPECT_EQ(catalog::RowGroupSizeFor(20'000), 32'768);
  EXPECT_EQ(catalog::RowGroupSizeFor(1'000'000), 122'880);  // DuckDB's default

  TempDir dir;
  auto store = OpenOrDie(dir.str());
  auto run = *store->begin_run("r", {}, {});
  auto pipeline = *store->begin_pipeline(run, "PLS(3)", {}, {}, "gasoline", "abc");
  int batch_no = 0;
  for (int batch : {20'000, 100, 100}) {
    ++batch_no;
    for (int i = 0; i < batch; ++i) {
      const std::string fold = "fold_" + std::to_string(i) + "_" + std::to_string(batch_no);
      ASSERT_TRUE(store->save_prediction(Pred(pipeline, fold, "val", 1, 0)).ok());
    }
    ASSERT_TRUE(store->flush().ok());
  }
  ASSERT_TRUE(store->close().ok());
  auto con = db::Connection::open((dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
  ASSERT_TRUE(con.ok());
  auto groups = (*con)->query(
      "SELECT row_group_id, max(count) AS n FROM pragma_storage_info('predictions') "
      "WHERE segment_type <> 'VALIDITY' GROUP BY ALL ORDER BY 1");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  std::vector<int64_t> sizes;
  for (const auto& g : groups->rows) sizes.push_back(std::get<int64_t>(g[1]));
  EXPECT_EQ(sizes, (std::vector<int64_t>{20'000, 200}));
}

// A write window's COMMIT writes the transaction into store.duckdb by a
// checkpoint, with no write-ahead log: once COMMIT returns, the catalog file
// alone holds it, before the window even detaches.
TEST(WorkspaceStoreTest, ACommitCheckpointsWithoutAWriteAheadLog) {
  TempDir dir;
  store::CatalogWindow window(dir.str(), StoreOptions{});
  ASSERT_TRUE(window.open_or_create(OpenMode::kCreateIfMissing).ok());
  const std::string wal = window.catalog_path() + ".wal";
  for (int rows : {1, 2'000}) {  // below and above DuckDB's own threshold for skipping the log
    bool wal_after_commit = true;
    Status s = window.write([&](db::Connection& con) -> Status {
      N4A_TRY(con.exec("BEGIN TRANSACTION"));
      N4A_TRY(con.exec("INSERT INTO runs (run_id, name) SELECT 'r" + std::to_string(rows) +
                       "-' || i, repeat('x', 100) FROM range(" + std::to_string(rows) + ") t(i)"));
      N4A_TRY(con.exec("COMMIT"));
      wal_after_commit = std::filesystem::exists(wal);
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(wal_after_commit) << rows << " rows";
  }
  auto con = db::Connection::open(window.catalog_path(), db::AccessMode::kReadOnly);
  ASSERT_TRUE(con.ok());
  auto runs = (*con)->query("SELECT count(*) FROM runs");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  EXPECT_EQ(std::get<int64_t>(runs->rows[0][0]), 2'001);
}

// The runs in the copy of store.duckdb alone, without its log: what the
// catalog file holds once checkpointed.
int64_t RunsInCatalogFileAlone(const std::filesystem::path& ws, const TempDir& scratch) {
  static int copies = 0;
  const auto copy = scratch / ("alone-" + std::to_string(++copies) + ".duckdb");
  std::filesystem::copy_file(ws / "store.duckdb", copy);
  auto con = db::Connection::open(copy.string(), db::AccessMode::kReadOnly);
  EXPECT_TRUE(con.ok()) << con.status().ToString();
  if (!con.ok()) return -1;
  auto runs = (*con)->query("SELECT count(*) FROM runs");
  return runs.ok() ? std::get<int64_t>(runs->rows[0][0]) : -1;
}

bool HasLog(const std::filesystem::path& ws) {
  const auto log = ws / "store.duckdb.wal";
  return std::filesystem::exists(log) && std::filesystem::file_size(log) > 0;
}

// The flush that ends a sweep (expect_flush) leaves a small commit in
// DuckDB's log instead of checkpointing it: any DuckDB client reads it from
// there, and the next n4a window folds it into store.duckdb. At most one
// such commit waits: a second one checkpoints both. A large one checkpoints.
TEST(WorkspaceStoreTest, AnExpectedSmallFlushDefersItsCheckpointToTheNextWindow) {
  TempDir dir, scratch;
  auto store = OpenOrDie(dir.str());
  ASSERT_TRUE(store->begin_run("first", {}, {}).ok());
  store->expect_flush();
  ASSERT_TRUE(store->flush().ok());
  ASSERT_TRUE(HasLog(dir.path()));
  EXPECT_EQ(RunsInCatalogFileAlone(dir.path(), scratch), 0);
  {  // Another DuckDB client replays the log.
    auto con = db::Connection::open((dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
    ASSERT_TRUE(con.ok()) << con.status().ToString();
    auto runs = (*con)->query("SELECT name FROM runs");
    ASSERT_TRUE(runs.ok()) << runs.status().ToString();
    ASSERT_EQ(runs->rows.size(), 1u);
    EXPECT_EQ(std::get<std::string>(runs->rows[0][0]), "first");
  }
  ASSERT_TRUE(store->begin_run("second", {}, {}).ok());
  store->expect_flush();
  ASSERT_TRUE(store->flush().ok());
  EXPECT_FALSE(HasLog(dir.path()));
  EXPECT_EQ(RunsInCatalogFileAlone(dir.path(), scratch), 2);

  ASSERT_TRUE(store->begin_run("third", {}, {}).ok());
  store->expect_flush();
  ASSERT_TRUE(store->flush().ok());
  ASSERT_TRUE(HasLog(dir.path()));
  auto reader = OpenOrDie(dir.str());  // its first read window folds the log in
  EXPECT_FALSE(HasLog(dir.path()));
  EXPECT_EQ(RunsInCatalogFileAlone(dir.path(), scratch), 3);
  EXPECT_EQ(Count(*reader, "SELECT count(*) FROM runs"), 3);

  // Unexpected flushes checkpoint, and so does an expected one of more rows
  // than one row group.
  auto run = *store->begin_run("large", {}, {});
  ASSERT_TRUE(store->flush().ok());
  EXPECT_FALSE(HasLog(dir.path()));
  auto pipeline = *store->begin_pipeline(run, "PLS(3)", {}, {}, "gasoline", "abc");
  for (int i = 0; i < 4'097; ++i)
    ASSERT_TRUE(
        store->save_prediction(Pred(pipeline, "fold_" + std::to_string(i), "val", 1, 0)).ok());
  store->expect_flush();
  ASSERT_TRUE(store->flush().ok());
  EXPECT_FALSE(HasLog(dir.path()));
  EXPECT_EQ(Count(*reader, "SELECT count(*) FROM predictions"), 4'097);
}

// The undo file of a window that folds a log in is saved right after the
// attach, so it is right only if attaching replays the log without writing
// store.duckdb. DuckDB 1.5.6 does so (it checkpoints at the COMMIT or the
// DETACH); a DuckDB that checkpointed while attaching would fail this.
TEST(WorkspaceStoreTest, AttachingReplaysALogWithoutWritingTheCatalog) {
  TempDir dir, scratch;
  store::CatalogWindow window(dir.str(), StoreOptions{});
  ASSERT_TRUE(window.open_or_create(OpenMode::kCreateIfMissing).ok());
  auto insert = [](int from, int rows) {
    return [=](db::Connection& con) -> Status {
      N4A_TRY(con.exec("BEGIN TRANSACTION"));
      N4A_TRY(
          con.exec("INSERT INTO runs (run_id, name) SELECT 'r' || i, repeat('x', 100) FROM "
                   "range(" +
                   std::to_string(from) + ", " + std::to_string(from + rows) + ") t(i)"));
      return con.exec("COMMIT");
    };
  };
  ASSERT_TRUE(window.write(insert(0, 1'000), 1'000, store::Checkpoint::kDeferred).ok());
  ASSERT_TRUE(window.has_log());
  const std::string before = testing::ReadFileOrEmpty(window.catalog_path());
  bool unchanged_by_attach = false;
  Status s = window.write([&](db::Connection& con) {
    unchanged_by_attach = testing::ReadFileOrEmpty(window.catalog_path()) == before;
    return insert(1'000, 1)(con);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(unchanged_by_attach);
  EXPECT_FALSE(window.has_log());
  EXPECT_EQ(RunsInCatalogFileAlone(dir.path(), scratch), 1'001);
}

TEST(WorkspaceStoreTest, NewerSchemaIsRefused) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.str())->close().ok());
  {
    auto con = db::Connection::open((dir / "store.duckdb").string(), db::AccessMode::kReadWrite);
    ASSERT_TRUE(con.ok());
    ASSERT_TRUE((*con)->exec("INSERT INTO schema_version VALUES (99, now())").ok());
  }
  auto store = WorkspaceStore::open(dir.str());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("upgrade n4a"), std::string::npos);
}

TEST(WorkspaceStoreTest, CorruptCatalogIsReportedAsCorruption) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.str())->close().ok());
  {
    std::ofstream out(dir / "store.duckdb", std::ios::binary | std::ios::trunc);
    out << std::string(8192, 'x');
  }
  auto store = WorkspaceStore::open(dir.str());
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsCorruption()) << store.status().ToString();
}

TEST(WorkspaceStoreTest, FullDiskFailsCleanly) {
  TempDir dir;
  FaultInjectionEnv env;
  env.set_disk_full(true);
  StoreOptions options;
  options.env = &env;
  auto store = WorkspaceStore::open((dir / "ws").string(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("No space left"), std::string::npos);
  EXPECT_NE(store.status().message().find("create workspace"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "ws"));
}

TEST(WorkspaceStoreTest, ReadOnlyFilesystemStillReadsAndRefusesWritesClearly) {
  TempDir dir;
  std::string run;
  {
    auto store = OpenOrDie(dir.str());
    run = *store->begin_run("r", {}, {});
    ASSERT_TRUE(store->close().ok());
  }
  FaultInjectionEnv env;
  env.set_read_only(true);
  StoreOptions options;
  options.env = &env;
  options.mode = OpenMode::kMustExist;
  auto store = WorkspaceStore::open(dir.str(), options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->get_run(run)->name, "r");
  ASSERT_TRUE((*store)->complete_run(run, {}).IsIOError());
  Status s = (*store)->flush();  // the write stays buffered and fails again
  EXPECT_NE(s.message().find("Read-only file system"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("store.lock"), std::string::npos) << s.ToString();
  auto saved = (*store)->save_artifact("bytes", "Op", "model", "bin");
  EXPECT_FALSE(saved.ok());
  env.set_read_only(false);
  EXPECT_EQ((*store)->get_run(run)->status, "completed");  // nothing was lost
}

TEST(WorkspaceStoreTest, BufferedWritesAreInvisibleToOthersUntilFlush) {
  TempDir dir;
  auto writer = OpenOrDie(dir.str());
  auto reader = OpenOrDie(dir.str());
  auto run = *writer->begin_run("r", {}, {});
  EXPECT_EQ(Count(*reader, "SELECT count(*) FROM runs"), 0);
  ASSERT_TRUE(writer->flush().ok());
  EXPECT_EQ(Count(*reader, "SELECT count(*) FROM runs"), 1);
  // A second store can update what the first created.
  ASSERT_TRUE(reader->complete_run(run, {}).ok());
  EXPECT_EQ(writer->get_run(run)->status, "completed");
}

TEST(WorkspaceStoreTest, LockTimeoutNamesTheHolder) {
  TempDir dir;
  ASSERT_TRUE(OpenOrDie(dir.str())->close().ok());
  auto holder = Env::Default()->open_lock_file((dir / "store.lock").string(),
                                               Env::LockFileAccess::kReadWrite);
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(*(*holder)->try_lock((uint64_t{1} << 30) + 1, LockMode::kExclusive));
  ASSERT_TRUE(
      (*holder)->write_content("{\"version\":1,\"pid\":4242,\"command\":\"n4a run x\"}").ok());
  StoreOptions options;
  options.lock_timeout_micros = 300'000;
  std::string waited;
  options.on_lock_wait = [&](const std::string& m) { waited = m; };
  auto store = WorkspaceStore::open(dir.str(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsLockTimeout());
  EXPECT_NE(store.status().message().find("pid 4242 (n4a run x)"), std::string::npos)
      << store.status().message();
}

// Real processes: several writers and a reader share one workspace.
TEST(WorkspaceStoreTest, ConcurrentProcessesLoseNothing) {
  TempDir dir;
  auto setup = OpenOrDie(dir.str());
  auto run = *setup->begin_run("shared", {}, {});
  ASSERT_TRUE(setup->close().ok());
  setup.reset();
  constexpr int kWriters = 3, kPipelines = 4, kPredictions = 500;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters + 1; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid != 0) {
      children.push_back(pid);
      continue;
    }
    bool ok = true;
    {
      StoreOptions options;
      options.flush_rows = 300;  // many commit windows per process
      auto store = WorkspaceStore::open(dir.str(), options);
      ok = store.ok();
      for (int p = 0; ok && p < kPipelines; ++p) {
        if (w == kWriters) {  // the reader
          auto top = (*store)->top_predictions();
          if (!top.ok()) fprintf(stderr, "reader: %s\n", top.status().ToString().c_str());
          ok = top.ok() && (*store)->list_runs().ok();
          continue;
        }
        auto pipe = (*store)->begin_pipeline(run, "w" + std::to_string(w), {}, {}, "d", "h");
        ok = pipe.ok();
        for (int i = 0; ok && i < kPredictions; ++i) {
          auto saved =
              (*store)->save_prediction(Pred(*pipe, "fold_" + std::to_string(i), "val", i, 0));
          if (!saved.ok()) fprintf(stderr, "writer %d: %s\n", w, saved.status().ToString().c_str());
          ok = saved.ok();
        }
      }
      Status closed = store.ok() ? (*store)->close() : store.status();
      if (!closed.ok()) fprintf(stderr, "child %d: %s\n", w, closed.ToString().c_str());
      ok = ok && closed.ok();
    }
    _exit(ok ? 0 : 1);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto store = OpenOrDie(dir.str());
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM pipelines"), kWriters * kPipelines);
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM predictions"),
            kWriters * kPipelines * kPredictions);
}

}  // namespace
}  // namespace n4a
