// WorkspaceStore with artifacts and arrays: reference counts, deletes, GC,
// compaction, vacuum and check.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "catalog/schema.h"
#include "n4a/workspace_store.h"
#include "objects/object_files.h"
#include "support/test_util.h"
#include "util/database.h"
#include "util/fault_injection_env.h"
#include "util/sha256.h"

namespace n4a {
namespace {

using testing::TempDir;
constexpr int64_t kHour = 3'600'000'000;

struct Fixture {
  TempDir dir;
  FaultInjectionEnv env;
  std::unique_ptr<WorkspaceStore> store;
  std::string run, pipeline;

  Fixture() {
    open();
    run = *store->begin_run("r", {}, {});
    pipeline = *store->begin_pipeline(run, "p", {}, {}, "gasoline", "h");
  }

  // Opens the workspace (closing the store that had it): a new writer.
  void open() {
    if (store) ASSERT_TRUE(store->close().ok());
    store.reset();
    StoreOptions options;
    options.env = &env;
    store = std::move(WorkspaceStore::open(dir.str(), options)).value();
  }

  std::string chain(const std::string& model, const std::vector<std::string>& shared) {
    ChainRecord c;
    c.pipeline_id = pipeline;
    c.fold_artifacts = {{"fold_0", model}, {"fold_final", model}};
    c.shared_artifacts = {{"0", shared}};
    return *store->save_chain(c);
  }

  int64_t scalar(const std::string& sql) {
    auto t = store->sql(sql);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() && !t->rows.empty() ? std::get<int64_t>(t->rows[0][0]) : -1;
  }

  void corrupt_catalog(const std::string& sql) {
    ASSERT_TRUE(store->flush().ok());
    auto con = db::Connection::open((dir / "store.duckdb").string(), db::AccessMode::kReadWrite);
    ASSERT_TRUE(con.ok());
    ASSERT_TRUE((*con)->exec(sql).ok());
  }
};

PredictionRecord Pred(const std::string& pipeline, const std::string& fold) {
  PredictionRecord p;
  p.pipeline_id = pipeline;
  p.dataset_name = "gasoline";
  p.model_name = "PLS";
  p.fold_id = fold;
  p.partition = "val";
  p.metric = "rmse";
  p.val_score = 0.5;
  return p;
}

TEST(StoreObjectsTest, ArtifactsDeduplicateAndCountReferencesExactly) {
  Fixture f;
  auto a = f.store->save_artifact("model bytes", "PLSRegression", "model", "n4aop");
  auto b = f.store->save_artifact("model bytes", "PLSRegression", "model", "n4aop");
  auto t = f.store->save_artifact("snv bytes", "SNV", "transform", "n4aop");
  ASSERT_TRUE(a.ok() && b.ok() && t.ok()) << a.status().ToString();
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(f.scalar("SELECT count(*) FROM artifacts"), 2);
  EXPECT_EQ(*f.store->load_artifact(*a), "model bytes");
  EXPECT_TRUE(std::filesystem::exists(*f.store->get_artifact_path(*a)));

  f.chain(*a, {*t});
  f.chain(*a, {*t, *t});
  EXPECT_EQ(f.store->get_artifact(*a)->ref_count, 4);  // two folds x two chains
  EXPECT_EQ(f.store->get_artifact(*t)->ref_count, 3);
  auto check = f.store->check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];

  auto removed = f.store->delete_run(f.run);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(removed->chains, 2);
  EXPECT_EQ(removed->pipelines, 1);
  EXPECT_EQ(removed->artifact_refs_released, 7);
  EXPECT_EQ(f.store->get_artifact(*a)->ref_count, 0);
  EXPECT_EQ(f.store->get_artifact(*t)->ref_count, 0);
  EXPECT_TRUE(f.store->delete_run(f.run).status().IsNotFound());
  EXPECT_TRUE(f.store->check()->ok());
}

TEST(StoreObjectsTest, OneBatchCountsReferencesToNewAndEarlierArtifacts) {
  Fixture f;
  auto old_model = *f.store->save_artifact("old model", "PLSRegression", "model", "n4aop");
  auto old_unused = *f.store->save_artifact("old unused", "SNV", "transform", "n4aop");
  ASSERT_TRUE(f.store->flush().ok());
  // One batch: an artifact saved again (already in the catalog), a new one
  // saved twice, and chains referencing the old and the new one.
  ASSERT_TRUE(f.store->save_artifact("old model", "PLSRegression", "model", "n4aop").ok());
  auto fresh = *f.store->save_artifact("new transform", "SNV", "transform", "n4aop");
  ASSERT_TRUE(f.store->save_artifact("new transform", "SNV", "transform", "n4aop").ok());
  f.chain(old_model, {fresh});
  f.chain(old_model, {fresh, fresh});
  ASSERT_TRUE(f.store->flush().ok());
  EXPECT_EQ(f.store->get_artifact(old_model)->ref_count, 4);
  EXPECT_EQ(f.store->get_artifact(fresh)->ref_count, 3);
  EXPECT_EQ(f.store->get_artifact(old_unused)->ref_count, 0);
  EXPECT_EQ(f.scalar("SELECT count(*) FROM artifacts"), 3);
  auto check = f.store->check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << check->problems[0];
}

TEST(StoreObjectsTest, ChainWithUnknownArtifactIsRefusedWholeBatch) {
  Fixture f;
  f.chain("0000000000000000000000000000000000000000000000000000000000000000", {});
  Status s = f.store->flush();
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
}

TEST(StoreObjectsTest, ReferenceCountsNeverGoNegative) {
  Fixture f;
  auto a = *f.store->save_artifact("x", "Op", "model", "bin");
  f.chain(a, {});
  ASSERT_TRUE(f.store->flush().ok());
  f.corrupt_catalog("UPDATE artifacts SET ref_count = 1");  // one too few
  auto removed = f.store->delete_run(f.run);
  ASSERT_FALSE(removed.ok());
  EXPECT_TRUE(removed.status().IsCorruption()) << removed.status().ToString();
  EXPECT_EQ(f.scalar("SELECT count(*) FROM chains"), 1);  // rolled back whole
  EXPECT_EQ(f.store->get_artifact(a)->ref_count, 1);
  auto check = f.store->check();
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->problems[0].find("ref_count is 1 but 2"), std::string::npos);
}

TEST(StoreObjectsTest, FlippedByteIsCorruption) {
  Fixture f;
  auto a = *f.store->save_artifact(std::string(1000, 'a'), "Op", "model", "bin");
  f.chain(a, {});
  std::string path = *f.store->get_artifact_path(a);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(500);
    file.put('b');
  }
  EXPECT_TRUE(f.store->load_artifact(a).status().IsCorruption());
  auto check = f.store->check();
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find(a), std::string::npos);
}

TEST(StoreObjectsTest, LoadArtifactsReadsManyInOrderAndNamesAMissingOne) {
  Fixture f;
  auto a = *f.store->save_artifact("first", "PLSRegression", "model", "n4aop");
  auto b = *f.store->save_artifact("second", "SNV", "transform", "n4aop");
  auto both = f.store->load_artifacts({b, a, b});
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(*both, (std::vector<std::string>{"second", "first", "second"}));
  const std::string missing(64, 'c');
  auto none = f.store->load_artifacts({a, missing});
  EXPECT_TRUE(none.status().IsNotFound());
  EXPECT_NE(none.status().message().find(missing), std::string::npos);
  EXPECT_TRUE(f.store->load_artifacts({})->empty());
}

// The array part is written while the commit window opens; a window that
// fails (here: another process holds the catalog) keeps the part's rows
// buffered, and the retry commits them without writing the part again.
TEST(StoreObjectsTest, ArraysOfAFailedCommitAreCommittedByTheRetry) {
  TempDir dir;
  StoreOptions options;
  options.lock_timeout_micros = 200'000;
  auto store = std::move(WorkspaceStore::open(dir.str(), options)).value();
  auto run = *store->begin_run("r", {}, {});
  auto pipeline = *store->begin_pipeline(run, "p", {}, {}, "gasoline", "h");
  ASSERT_TRUE(store->flush().ok());
  PredictionArrays arrays;
  arrays.y_true = {1, 2};
  arrays.y_pred = {1.5, 2.5};
  arrays.sample_indices = {0, 1};
  auto id = store->save_prediction(Pred(pipeline, "fold_0"), arrays);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  {
    auto holder = Env::Default()->open_lock_file((dir / "store.lock").string(),
                                                 Env::LockFileAccess::kReadWrite);
    ASSERT_TRUE(holder.ok());
    ASSERT_TRUE(*(*holder)->try_lock((uint64_t{1} << 30) + 1, LockMode::kExclusive));
    EXPECT_TRUE(store->flush().IsLockTimeout());
  }
  const auto parts = [&] {
    return std::distance(std::filesystem::directory_iterator(dir / "arrays" / "gasoline"),
                         std::filesystem::directory_iterator());
  };
  EXPECT_EQ(parts(), 1);
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(parts(), 1);
  auto back = store->load_prediction_arrays(*id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->y_pred, (std::vector<double>{1.5, 2.5}));
  auto check = store->check();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok());
}

// Arrays are written to a part file as soon as 4 MB of them are buffered,
// on a second thread, before the commit, which then references that part;
// a commit that begins while the part is written waits for it; a failed
// early write leaves the rows buffered, and the commit writes and
// references them.
TEST(StoreObjectsTest, EarlyArrayPartsAreCommittedWithTheirPredictions) {
  enum class Mode { kCommitLater, kCommitAtOnce, kFailEarly };
  for (Mode mode : {Mode::kCommitLater, Mode::kCommitAtOnce, Mode::kFailEarly}) {
    SCOPED_TRACE(static_cast<int>(mode));
    Fixture f;
    ASSERT_TRUE(f.store->flush().ok());
    const auto parts = [&] {  // published part files, not temps
      std::error_code ec;
      long n = 0;
      for (const auto& e : std::filesystem::directory_iterator(f.dir / "arrays" / "gasoline", ec))
        n += e.path().extension() == ".parquet";
      return n;
    };
    auto committed = [&] {
      auto con = db::Connection::open((f.dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
      auto t = (*con)->query("SELECT count(*) FROM prediction_arrays");
      return std::get<int64_t>(t->rows[0][0]);
    };
    std::vector<std::string> ids;
    PredictionArrays big;  // 1.6 MB
    big.y_true.assign(100'000, 1.0);
    big.y_pred.assign(100'000, 2.0);
    for (int i = 0; i < 3; ++i) {
      big.y_pred[0] = i;
      if (mode == Mode::kFailEarly && i == 2) f.env.fail_next_rename();
      auto id = f.store->save_prediction(Pred(f.pipeline, "fold_" + std::to_string(i)), big);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ids.push_back(*id);
    }
    // The early part's rename fails, not the commit's (its undo file).
    for (int wait = 0; wait < 1000 && f.env.rename_fault_armed(); ++wait)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (mode == Mode::kCommitLater) {
      // 4.8 MB: a part is published before any commit.
      for (int wait = 0; wait < 1000 && parts() == 0; ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      EXPECT_EQ(parts(), 1);
    }
    EXPECT_EQ(committed(), 0);
    if (mode != Mode::kCommitAtOnce) {
      PredictionArrays small;
      small.y_true = {1};
      small.y_pred = {3};
      ids.push_back(*f.store->save_prediction(Pred(f.pipeline, "fold_3"), small));
    }
    ASSERT_TRUE(f.store->flush().ok());
    EXPECT_EQ(parts(), mode == Mode::kCommitLater ? 2 : 1);
    EXPECT_EQ(committed(), static_cast<int64_t>(ids.size()));
    for (int i = 0; i < 3; ++i) {
      auto back = f.store->load_prediction_arrays(ids[static_cast<size_t>(i)]);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(back->y_pred[0], i);
      EXPECT_EQ(back->y_pred.size(), 100'000u);
    }
    if (mode != Mode::kCommitAtOnce) {
      EXPECT_EQ(f.store->load_prediction_arrays(ids[3])->y_pred, std::vector<double>{3});
    }
    auto check = f.store->check();
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_TRUE(check->ok());
  }
}

// Two early parts and the rest: the first part's rows are referenced from the
// buffer (taken when the second began), the second's and the rest's at the
// commit; one commit references all of them.
TEST(StoreObjectsTest, ACommitReferencesEveryEarlyPartAndTheRest) {
  Fixture f;
  ASSERT_TRUE(f.store->flush().ok());
  PredictionArrays big;  // 1.6 MB: a part starts at every third one
  big.y_true.assign(100'000, 1.0);
  big.y_pred.assign(100'000, 2.0);
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    big.y_pred[0] = i;
    PredictionArrays arrays = big;
    if (i == 6) arrays.y_pred.resize(1);  // the rest
    auto id = f.store->save_prediction(Pred(f.pipeline, "fold_" + std::to_string(i)), arrays);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(*id);
  }
  ASSERT_TRUE(f.store->flush().ok());
  auto con = db::Connection::open((f.dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
  ASSERT_TRUE(con.ok());
  auto refs = (*con)->query(
      "SELECT count(*), count(DISTINCT prediction_id), count(DISTINCT part_path) "
      "FROM prediction_arrays");
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(std::get<int64_t>(refs->rows[0][0]), 7);
  EXPECT_EQ(std::get<int64_t>(refs->rows[0][1]), 7);
  EXPECT_EQ(std::get<int64_t>(refs->rows[0][2]), 3);
  for (int i = 0; i < 7; ++i) {
    auto back = f.store->load_prediction_arrays(ids[static_cast<size_t>(i)]);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->y_pred[0], i);
  }
}

// After expect_flush(), arrays wait for the commit, up to twice the early-part
// size; the commit clears it. The parts are counted in the catalog.
TEST(StoreObjectsTest, AnExpectedFlushTakesTheArraysIntoItsCommit) {
  Fixture f;
  ASSERT_TRUE(f.store->flush().ok());
  PredictionArrays big;  // 1.6 MB
  big.y_true.assign(100'000, 1.0);
  big.y_pred.assign(100'000, 2.0);
  PredictionArrays small;
  small.y_true = {1};
  small.y_pred = {3};
  int fold = 0;
  auto save_one = [&](const PredictionArrays& arrays) {
    return f.store->save_prediction(Pred(f.pipeline, "fold_" + std::to_string(fold++)), arrays);
  };
  auto save = [&](int n_big) {  // then the rest, and a flush
    for (int i = 0; i < n_big; ++i) ASSERT_TRUE(save_one(big).ok());
    ASSERT_TRUE(save_one(small).ok());
    ASSERT_TRUE(f.store->flush().ok());
  };
  auto parts = [&] {
    auto con = db::Connection::open((f.dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
    auto t = (*con)->query("SELECT count(DISTINCT part_path) FROM prediction_arrays");
    return std::get<int64_t>(t->rows[0][0]);
  };
  f.store->expect_flush();
  save(3);  // 4.8 MB: no early part
  EXPECT_EQ(parts(), 1);
  f.store->expect_flush();
  save(6);  // 9.6 MB: a part starts at 8 MB
  EXPECT_EQ(parts(), 3);
  save(3);  // the flush cleared it: a part starts at 4 MB
  EXPECT_EQ(parts(), 5);
}

// syncfs also writes back every other process's unwritten data: behind much
// of it, a commit fsyncs its own files and folders instead, all of them, and
// only then commits; when little is unwritten, one syncfs does.
TEST(StoreObjectsTest, ACommitBehindOthersWritesSyncsItsOwnFiles) {
  Fixture f;
  auto old = f.store->save_artifact("old bytes", "SNV", "transform", "n4aop");
  ASSERT_TRUE(f.store->flush().ok());
  f.env.set_unwritten_bytes(uint64_t{1} << 30);
  auto fresh = f.store->save_artifact("fresh bytes", "PLSRegression", "model", "n4aop");
  auto again = f.store->save_artifact("old bytes", "SNV", "transform", "n4aop");  // a dedup hit
  PredictionArrays arrays;
  arrays.y_true = {1, 2};
  arrays.y_pred = {1.5, 2.5};
  ASSERT_TRUE(f.store->save_prediction(Pred(f.pipeline, "fold_0"), arrays).ok());
  f.env.clear_sync_log();
  ASSERT_TRUE(f.store->flush().ok());
  std::vector<std::string> log = f.env.sync_log();
  const std::string root = f.dir.str() + "/";
  auto part = f.store->sql("SELECT DISTINCT part_path FROM prediction_arrays");
  ASSERT_TRUE(part.ok());
  ASSERT_EQ(part->rows.size(), 1u);
  const std::string part_path = std::get<std::string>(part->rows[0][0]);
  std::vector<std::string> expected = {"file " + root + part_path,
                                       "dir " + root + objects::ParentOf(part_path),
                                       "dir " + root + "arrays"};
  for (const auto& id : {fresh, again}) {
    ASSERT_TRUE(id.ok());
    auto record = f.store->get_artifact(*id);
    ASSERT_TRUE(record.ok());
    expected.push_back("file " + root + record->artifact_path);
    expected.push_back("dir " + root + objects::ParentOf(record->artifact_path));
  }
  expected.push_back("dir " + root + "artifacts");
  expected.push_back("dir " + f.dir.str());  // the catalog's undo file (catalog_undo.h)
  std::sort(log.begin(), log.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(log, expected);
  EXPECT_EQ(f.scalar("SELECT count(*) FROM artifacts"), 2);

  f.env.set_unwritten_bytes(uint64_t{1} << 20);
  ASSERT_TRUE(f.store->save_artifact("more bytes", "SNV", "transform", "n4aop").ok());
  f.env.clear_sync_log();
  ASSERT_TRUE(f.store->flush().ok());
  EXPECT_EQ(f.env.sync_log(),
            (std::vector<std::string>{"filesystem " + f.dir.str(), "dir " + f.dir.str()}));
}

TEST(StoreObjectsTest, CommitWaitsForTheSyncOfItsArtifactFiles) {
  Fixture f;
  ASSERT_TRUE(f.store->flush().ok());
  auto id = f.store->save_artifact("model bytes", "PLSRegression", "model", "n4aop");
  ASSERT_TRUE(id.ok());
  f.env.fail_next_sync();
  Status failed = f.store->flush();
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("injected fault"), std::string::npos) << failed.ToString();
  {
    auto con = db::Connection::open((f.dir / "store.duckdb").string(), db::AccessMode::kReadOnly);
    ASSERT_TRUE(con.ok());
    auto rows = (*con)->query("SELECT count(*) FROM artifacts");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(std::get<int64_t>(rows->rows[0][0]), 0);
  }
  ASSERT_TRUE(f.store->flush().ok());
  EXPECT_EQ(f.scalar("SELECT count(*) FROM artifacts"), 1);
  EXPECT_EQ(*f.store->load_artifact(*id), "model bytes");
}

TEST(StoreObjectsTest, ArraysRoundTripCompactAndSurviveDeletes) {
  Fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    PredictionArrays arrays;
    arrays.y_true = {1.0 * i, 2, 3};
    arrays.y_pred = {1.5 * i, 2, 2.5};
    arrays.sample_indices = {0, 1, i};
    ids.push_back(*f.store->save_prediction(Pred(f.pipeline, "fold_" + std::to_string(i)), arrays));
    if (i == 2) {
      ASSERT_TRUE(f.store->flush().ok());  // two part files
    }
  }
  auto back = f.store->load_prediction_arrays(ids[4]);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->y_pred, (std::vector<double>{6.0, 2, 2.5}));
  EXPECT_EQ(back->sample_indices, (std::vector<int64_t>{0, 1, 4}));
  EXPECT_EQ(f.store->load_pipeline_arrays(f.pipeline)->size(), 6u);

  ASSERT_TRUE(f.store->delete_prediction(ids[1]).ok());
  EXPECT_TRUE(f.store->load_prediction_arrays(ids[1]).status().IsNotFound());
  auto compacted = f.store->compact();
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  ASSERT_EQ(compacted->size(), 1u);
  EXPECT_EQ((*compacted)[0].files_folded, 2);
  EXPECT_EQ((*compacted)[0].rows_kept, 5);
  EXPECT_EQ((*compacted)[0].rows_dropped, 1);
  EXPECT_EQ(f.store->load_prediction_arrays(ids[5])->y_true[0], 5.0);

  // The folded parts are garbage, kept until the grace period has passed.
  auto young = f.store->gc_artifacts(kHour, DryRun::kNo);
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(young->files_removed, 0);
  EXPECT_EQ(young->files_too_young, 2);
  f.env.set_now_micros(f.env.now_micros() + 2 * kHour);
  auto dry = f.store->gc_artifacts(kHour, DryRun::kYes);
  EXPECT_EQ(dry->files_removed, 2);
  auto old = f.store->gc_artifacts(kHour, DryRun::kNo);
  EXPECT_EQ(old->files_removed, 2);
  EXPECT_EQ(f.store->load_pipeline_arrays(f.pipeline)->size(), 5u);
  EXPECT_TRUE(f.store->check()->ok());
}

TEST(StoreObjectsTest, ExportsPredictionsWithAndWithoutArrays) {
  Fixture f;
  for (int i = 0; i < 4; ++i) {
    PredictionArrays arrays;
    arrays.y_true = {1.0 * i};
    arrays.y_pred = {2.0 * i};
    auto p = Pred(f.pipeline, "fold_" + std::to_string(i));
    p.partition = i < 3 ? "val" : "test";
    ASSERT_TRUE(f.store->save_prediction(p, arrays).ok());
    if (i == 1) {
      ASSERT_TRUE(f.store->flush().ok());  // arrays in two parts
    }
  }
  ASSERT_TRUE(f.store->save_prediction(Pred(f.pipeline, "no_arrays")).ok());
  std::string meta = (f.dir / "meta.parquet").string();
  std::string full = (f.dir / "full.parquet").string();
  PredictionFilter val;
  val.partition = "val";
  auto n = f.store->export_predictions_parquet(meta, val, WorkspaceStore::WithArrays::kNo);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(*f.store->export_predictions_parquet(full, {}, WorkspaceStore::WithArrays::kYes), 5);
  auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok());
  auto t =
      (*con)->query("SELECT count(*), count(y_true), sum(y_pred[1]) FROM read_parquet($1)", {full});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(std::get<int64_t>(t->rows[0][0]), 5);
  EXPECT_EQ(std::get<int64_t>(t->rows[0][1]), 4);
  EXPECT_EQ(std::get<double>(t->rows[0][2]), 12.0);
  auto m = (*con)->query("SELECT count(*) FROM read_parquet($1) WHERE partition = 'val'", {meta});
  EXPECT_EQ(std::get<int64_t>(m->rows[0][0]), 4);
}

TEST(StoreObjectsTest, GcRemovesOnlyUnreferencedOldArtifacts) {
  Fixture f;
  auto keep = *f.store->save_artifact("keep", "Op", "model", "bin");
  auto drop = *f.store->save_artifact("drop", "Op", "model", "bin");
  f.chain(keep, {});
  ASSERT_TRUE(f.store->flush().ok());
  std::string drop_path = *f.store->get_artifact_path(drop);
  f.env.set_now_micros(f.env.now_micros() + 2 * kHour);
  // Saved by a writer that lives and may still reference it: in flight.
  auto in_flight = f.store->gc_artifacts(0, DryRun::kNo);
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  EXPECT_EQ(in_flight->files_removed, 0);
  EXPECT_TRUE(std::filesystem::exists(drop_path));
  f.open();  // that writer ended
  auto gc = f.store->gc_artifacts(kHour, DryRun::kNo);
  ASSERT_TRUE(gc.ok()) << gc.status().ToString();
  EXPECT_EQ(gc->files_removed, 1);
  EXPECT_EQ(gc->catalog_rows_removed, 1);
  EXPECT_FALSE(std::filesystem::exists(drop_path));
  EXPECT_EQ(*f.store->load_artifact(keep), "keep");
  EXPECT_TRUE(f.store->get_artifact(drop).status().IsNotFound());
  EXPECT_TRUE(f.store->check()->ok());
}

TEST(StoreObjectsTest, VacuumShrinksTheCatalogAfterDeletes) {
  Fixture f;
  // Text that DuckDB cannot compress away, so that the catalog grows.
  auto text = [](int i) { return Sha256Hex(std::to_string(i)) + Sha256Hex(std::to_string(-i)); };
  for (int i = 0; i < 20000; ++i) {
    auto p = Pred(f.pipeline, "fold_" + std::to_string(i));
    p.scores = {{"rmse", i}, {"note", text(i)}};
    ASSERT_TRUE(f.store->save_prediction(p).ok());
  }
  ASSERT_TRUE(f.store->flush().ok());
  // A later run's rows take the blocks after the first run's, so deleting
  // the first leaves free space in the middle of the file, which DuckDB's
  // checkpoint does not give back.
  const std::string later = *f.store->begin_run("later", {}, {});
  const std::string later_pipeline = *f.store->begin_pipeline(later, "p", {}, {}, "gasoline", "h");
  for (int i = 0; i < 5000; ++i) {
    LogRecord log;
    log.pipeline_id = later_pipeline;
    log.message = text(i);
    ASSERT_TRUE(f.store->log_step(log).ok());
  }
  ASSERT_TRUE(f.store->delete_run(f.run).ok());
  auto v = f.store->vacuum();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->rewritten);
  EXPECT_LT(v->bytes_after, v->bytes_before);
  EXPECT_EQ(f.scalar("SELECT count(*) FROM predictions"), 0);
  EXPECT_EQ(f.scalar("SELECT count(*) FROM logs"), 5000);
  EXPECT_EQ(f.scalar("SELECT max(version) FROM schema_version"), catalog::LatestSchemaVersion());
  // The rewrite is a new catalog file: created at n4a's storage version too.
  EXPECT_TRUE(testing::StorageVersionAbove(f.store->path() + "/store.duckdb", "v1.2.0"));
}

}  // namespace
}  // namespace n4a
