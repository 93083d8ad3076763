// What the listings do with the values people type.
// A status, partition or metric that no row can have is an error naming the
// closest known value, not an empty answer.
// Limits of 0 mean all; negative ones are refused.
// Runs show their provenance.
// Ids are taken by a unique prefix.
#include <gtest/gtest.h>

#include "store/populate_workspace.h"

namespace n4a {
namespace {

using testing::OpenStore;
using testing::Populate;
using testing::TempDir;

// Expects `r` to be InvalidArgument with `text` in its message.
template <typename T>
void ExpectUsage(const Result<T>& r, const std::string& text) {
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
}

class QueryArgumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.str());
    ASSERT_NE(store_, nullptr);
    data_ = Populate(*store_, "gasoline", 4);
  }

  TempDir dir_;
  std::unique_ptr<WorkspaceStore> store_;
  testing::Populated data_;
};

TEST_F(QueryArgumentsTest, UnknownStatusIsAnErrorWithASuggestion) {
  RunFilter runs;
  runs.status = "complted";
  ExpectUsage(store_->list_runs(runs),
              "unknown run status 'complted' (did you mean completed?); known: running, completed, "
              "failed, interrupted");
  runs.status = "completed";
  ASSERT_TRUE(store_->list_runs(runs).ok());
  EXPECT_EQ(store_->list_runs(runs)->rows.size(), 1u);
  runs.status = "failed";  // known, no such run: an empty answer
  EXPECT_TRUE(store_->list_runs(runs)->rows.empty());
  PipelineFilter pipelines;
  pipelines.status = "nope";
  ExpectUsage(store_->list_pipelines(pipelines), "unknown pipeline status 'nope'");
}

TEST_F(QueryArgumentsTest, UnknownPartitionIsAnError) {
  PredictionFilter f;
  f.partition = "vall";
  ExpectUsage(store_->query_predictions(f),
              "unknown partition 'vall' (did you mean val?); known: train, val, test");
  f.partition = "test";
  EXPECT_TRUE(store_->query_predictions(f)->rows.empty());
  TopQuery q;
  q.partition = "nope";
  ExpectUsage(store_->top_predictions(q), "unknown partition 'nope'");
  q.partition = "";
  q.group_by = "model_clas";
  ExpectUsage(store_->top_predictions(q), "did you mean model_class?");
}

TEST_F(QueryArgumentsTest, TopRefusesAMetricNoPredictionRecords) {
  TopQuery q;
  q.metric = "rsme";
  ExpectUsage(store_->top_predictions(q),
              "unknown metric 'rsme' (did you mean rmse?); known: val_score, test_score, "
              "train_score, rmse");
  q.metric = "rmse";
  EXPECT_EQ(store_->top_predictions(q)->rows.size(), 10u);
  q.partition = "test";  // a recorded metric, no test rows: an empty answer
  EXPECT_TRUE(store_->top_predictions(q)->rows.empty());
  ChainFilter c;
  c.metric = "cv_tset_score";
  ExpectUsage(store_->list_chains(c), "did you mean cv_test_score?");
}

TEST(QueryArgumentsEmptyTest, AnyMetricIsAnEmptyAnswerWithoutPredictions) {
  TempDir dir;
  auto store = OpenStore(dir.str());
  TopQuery q;
  q.metric = "rmse";
  auto t = store->top_predictions(q);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->rows.empty());
}

TEST_F(QueryArgumentsTest, LimitZeroMeansAllAndNegativeIsRefused) {
  ChainFilter c;
  c.limit = 0;
  EXPECT_EQ(store_->list_chains(c)->rows.size(), 4u);
  c.limit = 2;
  EXPECT_EQ(store_->list_chains(c)->rows.size(), 2u);
  c.limit = -1;
  ExpectUsage(store_->list_chains(c), "limit -1: give a positive count, or 0 for no limit");
  TopQuery q;
  q.n = 0;
  EXPECT_EQ(store_->top_predictions(q)->rows.size(), 12u);
  q.n = -3;
  ExpectUsage(store_->top_predictions(q), "limit -3");
  PredictionFilter p;
  p.limit = 0;
  EXPECT_EQ(store_->query_predictions(p)->rows.size(), 12u);
  p.offset = -1;
  ExpectUsage(store_->query_predictions(p), "offset -1 is negative");
  RunFilter r;
  r.limit = -1;
  ExpectUsage(store_->list_runs(r), "limit -1");
  PipelineFilter pf;
  pf.limit = 0;
  EXPECT_EQ(store_->list_pipelines(pf)->rows.size(), 4u);
  ExpectUsage(store_->list_artifacts(-5), "limit -5");
  EXPECT_EQ(store_->list_artifacts(0)->rows.size(), 5u);
}

TEST_F(QueryArgumentsTest, RunsShowTheirProvenance) {
  std::string run = *store_->begin_run("prov", {}, {});
  ASSERT_TRUE(store_
                  ->set_run_provenance(
                      run, {{"user", "ada"}, {"host", "lab1"}, {"git", {{"commit", "abc123"}}}})
                  .ok());
  RunFilter f;
  f.where = *ParseFilter("git_commit = 'abc123' and user = 'ada' and host = 'lab1'");
  auto t = store_->list_runs(f);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 1u);
  const auto& row = t->rows[0];
  EXPECT_EQ(std::get<std::string>(row[t->column_index("run_id")]), run);
  EXPECT_EQ(std::get<std::string>(row[t->column_index("user")]), "ada");
  EXPECT_EQ(std::get<std::string>(row[t->column_index("host")]), "lab1");
  EXPECT_EQ(std::get<std::string>(row[t->column_index("git_commit")]), "abc123");
  // Without provenance: null, not an error.
  auto all = store_->list_runs();
  ASSERT_EQ(all->rows.size(), 2u);
  EXPECT_TRUE(IsNull(all->rows[1][all->column_index("git_commit")]));
}

// The longest common prefix of two ids.
std::string CommonPrefix(const std::string& a, const std::string& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return a.substr(0, n);
}

TEST_F(QueryArgumentsTest, IdsByUniquePrefix) {
  const std::string& chain = data_.chain_ids[1];
  EXPECT_EQ(*store_->resolve_id(IdKind::kChain, chain), chain);
  EXPECT_EQ(*store_->resolve_id(IdKind::kChain, chain.substr(0, chain.size() - 1)), chain);
  EXPECT_EQ(*store_->resolve_id(IdKind::kRun, data_.run_id.substr(0, 4)), data_.run_id);
  EXPECT_EQ(*store_->resolve_id(IdKind::kPipeline, data_.pipeline_ids[2].substr(0, 30)),
            data_.pipeline_ids[2]);
  // Ids made in the same second share their leading characters.
  std::string shared = CommonPrefix(data_.chain_ids[0], data_.chain_ids[3]);
  ASSERT_GE(shared.size(), 4u);
  auto ambiguous = store_->resolve_id(IdKind::kChain, shared);
  ExpectUsage(ambiguous, "chain id prefix '" + shared + "' is ambiguous: 4 chains start with it");
  ExpectUsage(ambiguous, "\n  " + data_.chain_ids[0] + "\n");
  ExpectUsage(store_->resolve_id(IdKind::kChain, chain.substr(0, 3)), "at least 4 characters");
  auto unknown = store_->resolve_id(IdKind::kRun, "ffffffff");
  EXPECT_TRUE(unknown.status().IsNotFound()) << unknown.status().ToString();
  // A chain id is not a run id.
  EXPECT_TRUE(store_->resolve_id(IdKind::kRun, chain).status().IsNotFound());
}

}  // namespace
}  // namespace n4a
