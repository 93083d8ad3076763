// `where` filters through WorkspaceStore: each listing selects exactly the
// rows the filter names, params.<name> comes from chains (defaults included)
// or, for a pipeline without a chain, from its expanded config, and a filter
// combines with the listing's other options and with top's grouping.
#include <gtest/gtest.h>

#include <set>

#include "n4a/workspace_store.h"
#include "support/test_util.h"

namespace n4a {
namespace {

using testing::TempDir;
using Ids = std::set<std::string>;

// One variant: its config steps, its fitted steps' params, its val scores.
struct Variant {
  std::string name;
  std::string model_class;
  Json config;  // expanded_config
  Json steps;   // chains.steps; null: the pipeline failed (no chain, no predictions)
  double rmse = 0;
  double r2 = 0;
};

class FilterQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = WorkspaceStore::open(dir_.str());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    run1_ = *store_->begin_run("sweep", {}, {});
    run2_ = *store_->begin_run("other", {}, {});
    Json pls2 = {{"operator", "PLSRegression"},
                 {"params", {{"n_components", 2}, {"scale", false}}}};
    Json pls6 = {{"operator", "PLSRegression"},
                 {"params", {{"n_components", 6}, {"scale", false}}}};
    Json ridge = {{"operator", "Ridge"}, {"params", {{"alpha", 0.5}}}};
    Json snv = {{"operator", "SNV"}, {"params", Json::object()}};
    Json pca = {{"operator", "PCA"}, {"params", {{"n_components", 12}}}};
    const std::vector<Variant> kRun1 = {
        {"SNV > PLS(2)", "PLSRegression",
         Json::array({{{"op", "SNV"}}, {{"model", "PLSRegression"}, {"n_components", 2}}}),
         Json::array({snv, pls2}), 0.30, 0.91},
        {"PCA(12) > PLS(6)", "PLSRegression",
         Json::array({{{"op", "PCA"}, {"n_components", 12}},
                      {{"model", "PLSRegression"}, {"n_components", 6}}}),
         Json::array({pca, pls6}), 0.20, 0.96},
        {"Ridge(0.5)", "Ridge", Json::array({{{"model", "Ridge"}, {"alpha", 0.5}}}),
         Json::array({ridge}), 0.50, 0.80},
        {"PLS(9)", "PLSRegression",
         Json::array({{{"model", "PLSRegression"}, {"n_components", 9}}}), nullptr, 0, 0},
    };
    for (const auto& v : kRun1) Add(run1_, v, "gasoline");
    Add(run2_,
        {"PLS(3)", "PLSRegression",
         Json::array({{{"model", "PLSRegression"}, {"n_components", 3}}}),
         Json::array(
             {{{"operator", "PLSRegression"}, {"params", {{"n_components", 3}, {"scale", true}}}}}),
         0.40, 0.85},
        "corn");
    ASSERT_TRUE(store_->flush().ok());
  }

  void Add(const std::string& run, const Variant& v, const std::string& dataset) {
    std::string pipe = *store_->begin_pipeline(run, v.name, v.config, {}, dataset, "h");
    pipelines_[v.name] = pipe;
    if (v.steps.is_null()) {
      ASSERT_TRUE(store_->fail_pipeline(pipe, "too many components").ok());
      return;
    }
    ChainRecord c;
    c.pipeline_id = pipe;
    c.steps = v.steps;
    c.model_class = v.model_class;
    c.model_name = v.name;
    c.metric = "rmse";
    c.dataset_name = dataset;
    c.cv_val_score = v.rmse;
    std::string chain = *store_->save_chain(c);
    chains_[v.name] = chain;
    ASSERT_TRUE(store_->complete_pipeline(pipe, v.rmse, v.rmse + 0.05, "rmse", 10).ok());
    // Two CV folds (val) and the refit (test): rmse grows with the fold.
    for (int k = 0; k < 3; ++k) {
      PredictionRecord p;
      p.pipeline_id = pipe;
      p.chain_id = chain;
      p.dataset_name = dataset;
      p.model_name = v.name;
      p.model_class = v.model_class;
      p.fold_id = k < 2 ? "fold_" + std::to_string(k) : "fold_final";
      p.partition = k < 2 ? "val" : "test";
      double rmse = v.rmse + 0.01 * k;
      (k < 2 ? p.val_score : p.test_score) = rmse;
      p.metric = "rmse";
      p.task_type = "regression";
      p.n_samples = 10 + k;
      p.scores = {{"rmse", rmse}, {"r2", v.r2 - 0.01 * k}};
      std::string id = *store_->save_prediction(p);
      predictions_[v.name + "/" + p.fold_id] = id;
    }
  }

  // The values of `column` in `table`.
  static Ids Column(const Result<Table>& table, const std::string& column) {
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    Ids out;
    if (!table.ok()) return out;
    int i = table->column_index(column);
    EXPECT_GE(i, 0) << column;
    for (const auto& row : table->rows) out.insert(std::get<std::string>(row[i]));
    return out;
  }

  static Filter Where(const std::string& text) {
    auto f = ParseFilter(text);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : Filter();
  }

  Ids Predictions(const std::string& where, PredictionFilter f = {}) {
    f.where = Where(where);
    return Column(store_->query_predictions(f), "prediction_id");
  }
  // Prediction ids of variants (all their folds unless "name/fold").
  Ids P(std::initializer_list<const char*> keys) {
    Ids out;
    for (std::string k : keys) {
      for (const auto& [key, id] : predictions_) {
        if (key == k || key.rfind(k + "/", 0) == 0) out.insert(id);
      }
    }
    return out;
  }
  Ids Chains(const std::string& where) {
    ChainFilter f;
    f.where = Where(where);
    return Column(store_->list_chains(f), "chain_id");
  }
  Ids C(std::initializer_list<const char*> names) {
    Ids out;
    for (const char* n : names) out.insert(chains_.at(n));
    return out;
  }
  Ids Pipelines(const std::string& where) {
    PipelineFilter f;
    f.where = Where(where);
    return Column(store_->list_pipelines(f), "pipeline_id");
  }
  Ids Pl(std::initializer_list<const char*> names) {
    Ids out;
    for (const char* n : names) out.insert(pipelines_.at(n));
    return out;
  }

  TempDir dir_;
  std::unique_ptr<WorkspaceStore> store_;
  std::string run1_, run2_;
  std::map<std::string, std::string> pipelines_, chains_, predictions_;
};

TEST_F(FilterQueryTest, PredictionsByColumnsScoresAndParams) {
  EXPECT_EQ(Predictions("model_class = 'Ridge'"), P({"Ridge(0.5)"}));
  EXPECT_EQ(Predictions("params.n_components < 4"), P({"SNV > PLS(2)", "PLS(3)"}));
  // The model's n_components, not the PCA's 12 before it.
  EXPECT_EQ(Predictions("params.n_components = 6"), P({"PCA(12) > PLS(6)"}));
  EXPECT_EQ(Predictions("params.n_components = 12"), Ids{});
  EXPECT_EQ(Predictions("params.alpha >= 0.5"), P({"Ridge(0.5)"}));
  EXPECT_EQ(Predictions("params.scale = 'true'"), P({"PLS(3)"}));
  EXPECT_EQ(Predictions("params.alpha is null"), P({"SNV > PLS(2)", "PCA(12) > PLS(6)", "PLS(3)"}));
  EXPECT_EQ(Predictions("scores.r2 > 0.905"),
            P({"SNV > PLS(2)/fold_0", "PCA(12) > PLS(6)"}));  // 0.91, 0.90, ...
  EXPECT_EQ(Predictions("scores.r2 > 0.905 or params.n_components in (3)"),
            P({"SNV > PLS(2)/fold_0", "PCA(12) > PLS(6)", "PLS(3)"}));
  EXPECT_EQ(Predictions("scores.nope > 0"), Ids{});
  // The run's own metric reads the score columns, the same values.
  EXPECT_EQ(Predictions("scores.rmse < 0.25"), P({"PCA(12) > PLS(6)"}));
  EXPECT_EQ(Predictions("test_score is not null and pipeline_name like '%PLS%'"),
            P({"SNV > PLS(2)/fold_final", "PCA(12) > PLS(6)/fold_final", "PLS(3)/fold_final"}));
  EXPECT_EQ(Predictions("run_id = '" + run2_ + "'"), P({"PLS(3)"}));
  EXPECT_EQ(Predictions("model_name ~ '^P' and not fold_id in ('fold_0', 'fold_final')"),
            P({"PCA(12) > PLS(6)/fold_1", "PLS(3)/fold_1"}));
}

TEST_F(FilterQueryTest, WhereCombinesWithTheOtherOptions) {
  PredictionFilter f;
  f.dataset_name = "gasoline";
  f.partition = "val";
  EXPECT_EQ(Predictions("params.n_components < 4", f),
            P({"SNV > PLS(2)/fold_0", "SNV > PLS(2)/fold_1"}));
  f.limit = 1;
  EXPECT_EQ(Predictions("params.n_components < 4", f).size(), 1u);
  // A filter built by hand is the same filter.
  PredictionFilter g;
  g.where = Filter::Or({Filter::Compare("scores.r2", CompareOp::kGt, 0.905),
                        Filter::In("params.n_components", {int64_t{3}})});
  EXPECT_EQ(Column(store_->query_predictions(g), "prediction_id"),
            Predictions("scores.r2 > 0.905 or params.n_components in (3)"));
}

TEST_F(FilterQueryTest, ChainsPipelinesAndRuns) {
  EXPECT_EQ(Chains("params.scale = 'false'"), C({"SNV > PLS(2)", "PCA(12) > PLS(6)"}));
  // A missing parameter makes a comparison false, so `not` keeps the row.
  EXPECT_EQ(Chains("not params.n_components > 3"), C({"SNV > PLS(2)", "Ridge(0.5)", "PLS(3)"}));
  EXPECT_EQ(Chains("cv_val_score < 0.35 and run_id = '" + run1_ + "'"),
            C({"SNV > PLS(2)", "PCA(12) > PLS(6)"}));
  EXPECT_EQ(Chains("pipeline_name ~ 'Ridge' or dataset_name = 'corn'"),
            C({"Ridge(0.5)", "PLS(3)"}));
  // The failed pipeline has no chain: its params come from its config.
  EXPECT_EQ(Pipelines("params.n_components >= 6"), Pl({"PCA(12) > PLS(6)", "PLS(9)"}));
  EXPECT_EQ(Pipelines("status = 'failed' or best_val > 0.45"), Pl({"PLS(9)", "Ridge(0.5)"}));
  EXPECT_EQ(Pipelines("params.op = 'PCA'"), Pl({"PCA(12) > PLS(6)"}));
  RunFilter runs;
  runs.where = Where("pipelines >= 2 and name like 's%'");
  EXPECT_EQ(Column(store_->list_runs(runs), "run_id"), Ids{run1_});
  runs.where = Where("not name = 'sweep'");
  EXPECT_EQ(Column(store_->list_runs(runs), "run_id"), Ids{run2_});
}

TEST_F(FilterQueryTest, TopFiltersBeforeRankingAndGrouping) {
  TopQuery q;
  q.n = 100;
  q.where = Where("params.n_components < 4 or model_class = 'Ridge'");
  auto top = store_->top_predictions(q);
  EXPECT_EQ(Column(top, "prediction_id"),
            P({"SNV > PLS(2)/fold_0", "SNV > PLS(2)/fold_1", "Ridge(0.5)/fold_0",
               "Ridge(0.5)/fold_1", "PLS(3)/fold_0", "PLS(3)/fold_1"}));
  // Best per model class among the filtered rows: PLS(2) wins PLS (0.30),
  // although PCA > PLS(6) (0.20) is better overall.
  q.group_by = "model_class";
  top = store_->top_predictions(q);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->rows.size(), 2u);
  EXPECT_EQ(Column(top, "prediction_id"), P({"SNV > PLS(2)/fold_0", "Ridge(0.5)/fold_0"}));
  EXPECT_EQ(std::get<std::string>(top->rows[0][top->column_index("model_class")]), "PLSRegression");
  // Grouping by dataset, without a filter: the best of each.
  q = {};
  q.group_by = "dataset_name";
  EXPECT_EQ(Column(store_->top_predictions(q), "prediction_id"),
            P({"PCA(12) > PLS(6)/fold_0", "PLS(3)/fold_0"}));
  // `score` is the ranked metric: r2 here.
  q = {};
  q.metric = "r2";
  q.n = 100;
  q.where = Where("score >= 0.905");
  EXPECT_EQ(Column(store_->top_predictions(q), "prediction_id"),
            P({"SNV > PLS(2)/fold_0", "PCA(12) > PLS(6)/fold_0", "PCA(12) > PLS(6)/fold_1"}));
}

TEST_F(FilterQueryTest, BadFiltersAreInvalidArgumentsAndChangeNothing) {
  PredictionFilter f;
  f.where = Where("cv_val_score > 1");  // a chain column, not a prediction's
  auto r = store_->query_predictions(f);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("scores.<metric>"), std::string::npos);
  TopQuery q;
  q.where = Where("model_name ~ '(unclosed'");
  EXPECT_TRUE(store_->top_predictions(q).status().IsInvalidArgument());
  q.where = Where("model_name = 'x''; DROP TABLE predictions; --'");
  auto none = store_->top_predictions(q);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->rows.empty());
  EXPECT_EQ(Predictions("").size(), predictions_.size());  // all still there
}

}  // namespace
}  // namespace n4a
