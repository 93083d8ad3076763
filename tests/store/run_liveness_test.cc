// Runs and their processes (issue 26, items 3-5): the liveness lock, the
// "dead" status, a resume that retires what a dead attempt left unfinished,
// and the check of duplicate variants.
#include <gtest/gtest.h>

#include "n4a/workspace_store.h"
#include "support/test_util.h"

namespace n4a {
namespace {

using testing::TempDir;

// A run with one completed pipeline (a chain referencing `model`) and one
// that its process left running with a chain and a prediction committed.
struct DeadAttempt {
  std::string run, completed, unfinished, model;
};

std::string ChainOf(WorkspaceStore& store, const std::string& pipeline, const std::string& model) {
  ChainRecord c;
  c.pipeline_id = pipeline;
  c.fold_artifacts = {{"fold_0", model}};
  return *store.save_chain(c);
}

std::string Pipeline(WorkspaceStore& store, const std::string& run, int variant) {
  return *store.begin_pipeline(run, "PLS(" + std::to_string(variant) + ")", {},
                               {{"n_components", variant}}, "gasoline", "h");
}

// Records the attempt and lets its store go without ending the run, as a
// process killed between two commits leaves it.
DeadAttempt RecordAndDie(const std::string& ws) {
  DeadAttempt a;
  auto store = std::move(WorkspaceStore::open(ws)).value();
  a.run = *store->begin_run("sweep", {}, {});
  a.model = *store->save_artifact("model bytes", "PLSRegression", "model", "n4aop");
  a.completed = Pipeline(*store, a.run, 1);
  ChainOf(*store, a.completed, a.model);
  EXPECT_TRUE(store->complete_pipeline(a.completed, 0.5, 0.6, "rmse", 10).ok());
  a.unfinished = Pipeline(*store, a.run, 2);
  ChainOf(*store, a.unfinished, a.model);
  PredictionRecord p;
  p.pipeline_id = a.unfinished;
  p.fold_id = "fold_0";
  p.partition = "val";
  p.metric = "rmse";
  EXPECT_TRUE(store->save_prediction(p).ok());
  EXPECT_TRUE(store->close().ok());
  return a;
}

int64_t Count(WorkspaceStore& store, const std::string& sql) {
  auto t = store.sql(sql);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::get<int64_t>(t->rows[0][0]) : -1;
}

TEST(RunLivenessTest, ARunReadsRunningWhileItsStoreHoldsItAndDeadAfter) {
  TempDir dir;
  auto writer = std::move(WorkspaceStore::open(dir.str())).value();
  const std::string run = *writer->begin_run("r", {}, {});
  ASSERT_TRUE(writer->flush().ok());
  auto reader = std::move(WorkspaceStore::open(dir.str())).value();
  EXPECT_EQ(reader->get_run(run)->status, "running");
  // Another store, even in this process, cannot take a live run.
  Status taken = reader->resume_run(run);
  EXPECT_TRUE(taken.code() == StatusCode::kFailedPrecondition) << taken.ToString();
  EXPECT_NE(taken.message().find("is still running: pid"), std::string::npos) << taken.ToString();
  EXPECT_TRUE(reader->delete_run(run).status().code() == StatusCode::kFailedPrecondition);
  ASSERT_TRUE(writer->close().ok());  // the run was never ended
  writer.reset();
  EXPECT_EQ(reader->get_run(run)->status, "dead");
  RunFilter dead;
  dead.status = "dead";
  EXPECT_EQ(reader->list_runs(dead)->rows.size(), 1u);
  RunFilter running;
  running.status = "running";
  EXPECT_EQ(reader->list_runs(running)->rows.size(), 0u);
  // Ended runs let their lock go: an interrupted run can be resumed.
  ASSERT_TRUE(reader->resume_run(run).ok());
  EXPECT_EQ(reader->get_run(run)->status, "running");
  ASSERT_TRUE(reader->interrupt_run(run).ok());
  auto other = std::move(WorkspaceStore::open(dir.str())).value();
  EXPECT_EQ(other->get_run(run)->status, "interrupted");
  EXPECT_TRUE(other->resume_run(run).ok());
}

TEST(RunLivenessTest, ResumeRetiresWhatTheDeadAttemptLeftUnfinished) {
  TempDir dir;
  const DeadAttempt a = RecordAndDie(dir.str());
  auto store = std::move(WorkspaceStore::open(dir.str())).value();
  auto checked = store->check();
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->ok());               // what a crash leaves is not damage...
  ASSERT_EQ(checked->warnings.size(), 1u);  // ...but it is said
  EXPECT_NE(checked->warnings[0].find("n4a run --resume " + a.run), std::string::npos);
  EXPECT_EQ(store->get_artifact(a.model)->ref_count, 2);

  EXPECT_TRUE(store->retire_unfinished_pipelines(a.run).status().code() ==
              StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store->resume_run(a.run).ok());
  auto retired = store->retire_unfinished_pipelines(a.run);
  ASSERT_TRUE(retired.ok()) << retired.status().ToString();
  EXPECT_EQ(*retired, 1);
  EXPECT_EQ(store->get_pipeline(a.unfinished)->status, "retired");
  EXPECT_EQ(store->get_pipeline(a.completed)->status, "completed");
  EXPECT_EQ(Count(*store, "SELECT count(*) FROM chains WHERE pipeline_id = '" + a.unfinished + "'"),
            0);
  EXPECT_EQ(
      Count(*store, "SELECT count(*) FROM predictions WHERE pipeline_id = '" + a.unfinished + "'"),
      0);
  EXPECT_EQ(store->get_artifact(a.model)->ref_count, 1);  // the retired chain's reference
  EXPECT_EQ(*store->retire_unfinished_pipelines(a.run), 0);

  // The variant is redone once: no duplicate.
  const std::string redone = Pipeline(*store, a.run, 2);
  ChainOf(*store, redone, a.model);
  ASSERT_TRUE(store->complete_pipeline(redone, 0.4, 0.5, "rmse", 10).ok());
  ASSERT_TRUE(store->complete_run(a.run, {}).ok());
  checked = store->check();
  EXPECT_TRUE(checked->ok() && checked->warnings.empty());
}

TEST(RunLivenessTest, CheckFindsAVariantRecordedTwiceInARun) {
  TempDir dir;
  auto store = std::move(WorkspaceStore::open(dir.str())).value();
  const std::string run = *store->begin_run("r", {}, {});
  for (int copy = 0; copy < 2; ++copy) {
    ASSERT_TRUE(store->complete_pipeline(Pipeline(*store, run, 3), 0.5, 0.6, "rmse", 1).ok());
  }
  ASSERT_TRUE(store->complete_pipeline(Pipeline(*store, run, 4), 0.5, 0.6, "rmse", 1).ok());
  ASSERT_TRUE(store->complete_run(run, {}).ok());
  auto checked = store->check();
  ASSERT_TRUE(checked.ok());
  ASSERT_EQ(checked->problems.size(), 1u);
  EXPECT_NE(checked->problems[0].find("holds the variant {\"n_components\":3} 2 times"),
            std::string::npos)
      << checked->problems[0];
}

}  // namespace
}  // namespace n4a
