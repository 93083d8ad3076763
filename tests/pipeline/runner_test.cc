#include "pipeline/runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "ml/registry.h"
#include "pipeline/prefix_trie.h"
#include "support/test_util.h"

namespace n4a::pipeline {
namespace {

Json gasoline_config(const Json& pipeline) {
  return {{"name", "unit"},
          {"dataset",
           {{"path", n4a::testing::SourcePath("data/gasoline.csv").string()},
            {"target", "octane"},
            {"test", {{"rows", "51-60"}}}}},
          {"cv", {{"type", "kfold"}, {"n_splits", 4}, {"shuffle", true}, {"seed", 1}}},
          {"pipeline", pipeline}};
}

Json issue_pipeline() {
  return Json::parse(R"([
    {"_or_": [{"op": "SNV"}, {"op": "MSC"}, null]},
    {"op": "SavitzkyGolay", "window_length": 11, "polyorder": 2, "deriv": {"_or_": [0, 1, 2]}},
    {"model": "PLSRegression", "n_components": {"_range_": [1, 6]}}
  ])");
}

TEST(PrefixTrieTest, SharesPrefixes) {
  auto variants = build_variants(issue_pipeline(), 1000);
  ASSERT_TRUE(variants.ok());
  PrefixTrie trie(*variants);
  // root + SNV + MSC + 3 SG under each of SNV, MSC and the root.
  EXPECT_EQ(trie.nodes().size(), 1u + 2u + 9u);
  EXPECT_EQ(trie.path_of(0).size(), 2u);
  EXPECT_EQ(trie.path_of(variants->size() - 1).size(), 1u);
  EXPECT_EQ(trie.node(trie.leaf_of(0)).variants.size(), 6u);
}

TEST(RunnerTest, SharesPrefixWorkAndScoresEveryVariant) {
  auto run = prepare_run(gasoline_config(issue_pipeline()), {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->data.train.data.n_samples(), 50);
  ASSERT_TRUE(run->data.test.has_value());
  EXPECT_EQ(run->data.test->source_rows.front(), 50);
  auto report = run_sweep(*run, nullptr, RunOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->ranked().size(), 54u);
  // 12 distinct fitted prefixes x (4 folds + refit), not 54 x 2 x 5.
  EXPECT_EQ(report->transform_fits, 11u * 5u);
  // One PLS(6) per leaf and fold, from which PLS(1..6) are derived.
  EXPECT_EQ(report->model_fits, 9u * 5u);
  EXPECT_EQ(report->models_derived, 54u * 5u);
  for (const VariantSummary* v : report->ranked()) {
    ASSERT_TRUE(v->cv_val_score && v->cv_oof_score && v->cv_test_score) << v->name;
    EXPECT_TRUE(std::isfinite(*v->cv_oof_score));
  }
  const auto best = report->ranked().front();
  EXPECT_LT(*best->cv_test_score, 0.5);
}

TEST(RunnerTest, LeaveOneOutRanksByPooledScore) {
  Json config = gasoline_config(Json::parse(R"([{"model": "PLSRegression", "n_components": 3}])"));
  config["cv"] = {{"type", "loo"}};
  auto run = prepare_run(config, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto report = run_sweep(*run, nullptr, RunOptions{});
  ASSERT_TRUE(report.ok());
  const VariantSummary& v = report->variants[0];
  EXPECT_TRUE(report->rank_by_oof);
  EXPECT_EQ(v.cv_score, v.cv_oof_score);
  // The mean of per-sample RMSEs (= MAE) is at most the pooled RMSE.
  EXPECT_LE(*v.cv_val_score, *v.cv_oof_score + 1e-12);
}

// The recorded chain is complete enough to replay: the fold_final artifacts
// of each step, applied in order to the test rows, give the recorded test
// predictions.
// Replays each recorded chain by hand, as docs/formats/chain.md says: PLS(3)
// is derived from PLS(5)'s fit, whose artifacts both chains share.
TEST(RunnerTest, RecordedChainReplaysTheTestPredictions) {
  n4a::testing::TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Json pipeline = Json::parse(R"([{"op": "MSC"}, {"op": "SavitzkyGolay", "deriv": 1},
                                  {"model": "PLSRegression", "n_components": {"_or_": [3, 5]}}])");
  auto run = prepare_run(gasoline_config(pipeline), {});
  ASSERT_TRUE(run.ok());
  auto report = run_sweep(*run, store->get(), RunOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->variants.size(), 2u);
  std::vector<ChainRecord> chains;
  for (const VariantSummary& v : report->variants) {
    auto chain = (*store)->get_chain(v.chain_id);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    ASSERT_EQ(chain->steps.size(), 3u);
    EXPECT_EQ(chain->model_step_idx, 2);
    EXPECT_EQ(chain->cv_fold_count, 4);
    EXPECT_EQ(chain->fold_artifacts.size(), 5u);
    EXPECT_EQ(chain->shared_artifacts["0"].size(), 5u);
    chains.push_back(*chain);
  }
  const Json& pls3 = chains[0].steps.back();
  const Json& pls5 = chains[1].steps.back();
  EXPECT_EQ(pls3["params"]["n_components"], 3);
  EXPECT_EQ(pls3["derived"], true);
  EXPECT_EQ(pls3["format_version"], 2);
  EXPECT_FALSE(pls5.contains("derived"));
  EXPECT_EQ(pls5["format_version"], 1);
  EXPECT_EQ(chains[0].fold_artifacts, chains[1].fold_artifacts);

  for (size_t c = 0; c < chains.size(); ++c) {
    ml::Matrix x = run->data.test->data.x;
    std::unique_ptr<ml::Operator> model;
    for (const Json& step : chains[c].steps) {
      auto bytes = (*store)->load_artifact(step["artifacts"]["fold_final"].get<std::string>());
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      auto op = ml::deserialize_operator(*bytes);
      ASSERT_TRUE(op.ok()) << op.status().ToString();
      EXPECT_EQ((*op)->name(), step["operator"].get<std::string>());
      if (step.value("derived", false)) {
        auto member = ml::make_operator(step["operator"].get<std::string>(), step["params"]);
        ASSERT_TRUE(member.ok());
        op = (*op)->derive(**member);
        ASSERT_TRUE(op.ok()) << op.status().ToString();
      }
      if (step["kind"] == "model") {
        model = std::move(*op);
      } else {
        auto next = (*op)->transform(x);
        ASSERT_TRUE(next.ok());
        x = *next;
      }
    }
    auto y = model->predict(x);
    ASSERT_TRUE(y.ok());

    PredictionFilter filter;
    filter.chain_id = chains[c].chain_id;
    filter.partition = "test";
    auto rows = (*store)->query_predictions(filter);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->rows.size(), 1u);
    const auto id = std::get<std::string>(rows->rows[0][rows->column_index("prediction_id")]);
    auto arrays = (*store)->load_prediction_arrays(id);
    ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
    ASSERT_EQ(arrays->y_pred.size(), 10u);
    EXPECT_EQ(arrays->sample_indices.front(), 50);
    for (size_t i = 0; i < 10; ++i)
      EXPECT_NEAR(arrays->y_pred[i], (*y)(static_cast<Eigen::Index>(i), 0), 1e-9) << c;
  }
  auto recorded = (*store)->get_run(report->run_id);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->status, "completed");
  EXPECT_EQ(recorded->datasets[0]["hash"], run->data.dataset_hash);
}

TEST(RunnerTest, StopBeforeStartRecordsAnInterruptedRun) {
  n4a::testing::TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok());
  auto run = prepare_run(gasoline_config(issue_pipeline()), {});
  ASSERT_TRUE(run.ok());
  RunOptions options;
  options.should_stop = [] { return true; };
  auto report = run_sweep(*run, store->get(), options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->status, RunStatus::kInterrupted);
  EXPECT_TRUE(report->ranked().empty());
  auto recorded = (*store)->get_run(report->run_id);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->status, "interrupted");
  // Resuming runs everything, under the same run id.
  auto resumed = resume_sweep(**store, report->run_id, RunOptions{});
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->ranked().size(), 54u);
  EXPECT_EQ((*store)->get_run(report->run_id)->status, "completed");
}

// The feature headers are recorded once, in the run. A run begun by an older
// n4a has none there; resumed, its chains carry them in their first step.
TEST(RunnerTest, ResumedRunWithoutRecordedHeadersPutsThemInItsChains) {
  auto run = prepare_run(
      gasoline_config(Json::parse(R"([{"op": "SNV"}, {"model": "PLSRegression"}])")), {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->data.datasets[0]["features"].size(), 401u);
  n4a::testing::TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok());
  Json datasets = run->data.datasets;
  datasets[0].erase("features");
  auto run_id = (*store)->begin_run("older", run->config.resolved, datasets);
  ASSERT_TRUE(run_id.ok());
  ASSERT_TRUE((*store)->interrupt_run(*run_id).ok());
  auto resumed = resume_sweep(**store, *run_id, RunOptions{});
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_FALSE(resumed->ranked().empty());
  auto chain = (*store)->get_chain(resumed->ranked().front()->chain_id);
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->steps[0]["input_features"].size(), 401u);
  EXPECT_EQ(chain->steps[0]["input_features"][0], "900");
  // A run recorded by this n4a keeps them in its record only.
  auto fresh = run_sweep(*run, store->get(), RunOptions{});
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto plain = (*store)->get_chain(fresh->ranked().front()->chain_id);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->steps[0].contains("input_features"));
  EXPECT_EQ((*store)->get_run(fresh->run_id)->datasets[0]["features"].size(), 401u);
}

// The executor checks each fitted prefix's output for NaN and infinities once
// (not each of its models): a transform that overflows still fails the
// variants built on it, and only them.
TEST(RunnerTest, NonFiniteTransformOutputFailsTheVariantsOnIt) {
  n4a::testing::TempDir dir;
  const std::string csv = (dir / "huge.csv").string();
  {
    std::ofstream out(csv);
    out << "y,a,b,c,d\n";
    for (int i = 0; i < 12; ++i) {
      // SNV's row mean overflows: 1e308 + 1e308 is infinite.
      out << i << ",1e308,1e308," << i << "," << (i % 3) << "\n";
    }
  }
  Json config = {{"name", "overflow"},
                 {"dataset", {{"path", csv}, {"target", "y"}}},
                 {"cv", {{"type", "kfold"}, {"n_splits", 3}}},
                 {"pipeline", Json::parse(R"([{"_or_": [{"op": "SNV"}, null]},
                                              {"model": "PLSRegression", "n_components": 1}])")}};
  auto run = prepare_run(config, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto report = run_sweep(*run, nullptr, RunOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->variants.size(), 2u);
  for (const VariantSummary& v : report->variants) {
    if (v.name.find("SNV") != std::string::npos) {
      EXPECT_EQ(v.status, "failed") << v.name;
      EXPECT_NE(v.error.find("X contains NaN or infinite values"), std::string::npos) << v.error;
    } else {
      EXPECT_EQ(v.status, "completed") << v.name << ": " << v.error;
    }
  }
}

// The PLS models of one leaf are derived from one fit of the largest: each
// must score exactly as when it is fitted on its own.
TEST(RunnerTest, FamilyMembersScoreExactlyAsTheirOwnFits) {
  auto sweep = prepare_run(gasoline_config(Json::parse(R"([{"op": "SNV"},
      {"model": "PLSRegression", "n_components": {"_range_": [1, 8]}}])")),
                           {});
  auto alone = prepare_run(gasoline_config(Json::parse(R"([{"op": "SNV"},
      {"model": "PLSRegression", "n_components": 5}])")),
                           {});
  ASSERT_TRUE(sweep.ok() && alone.ok());
  auto family = run_sweep(*sweep, nullptr, RunOptions{});
  auto single = run_sweep(*alone, nullptr, RunOptions{});
  ASSERT_TRUE(family.ok() && single.ok());
  EXPECT_EQ(family->model_fits, 5u);  // PLS(8) on 4 folds + refit
  EXPECT_EQ(family->models_derived, 8u * 5u);
  EXPECT_EQ(single->models_derived, 0u);
  const VariantSummary& a = family->variants[4];
  const VariantSummary& b = single->variants[0];
  ASSERT_EQ(a.name, b.name);
  ASSERT_EQ(a.status, "completed");
  EXPECT_EQ(*a.cv_val_score, *b.cv_val_score);
  EXPECT_EQ(*a.cv_oof_score, *b.cv_oof_score);
  EXPECT_EQ(*a.cv_test_score, *b.cv_test_score);
  EXPECT_EQ(*a.test_r2, *b.test_r2);
}

// When the family's largest member cannot be fitted, the others still are,
// each on its own, and the largest fails with its usual error. prepare_run
// refuses components beyond the features, so the run is prepared on five
// features and fitted on four.
TEST(RunnerTest, FailingLargestFamilyMemberLeavesTheOthersFitted) {
  n4a::testing::TempDir dir;
  const std::string csv = (dir / "small.csv").string();
  {
    std::ofstream out(csv);
    out << "y,a,b,c,d,e\n";
    for (int i = 0; i < 12; ++i)
      out << i << "," << i % 5 << "," << i * i % 7 << ",1," << i << "," << i % 2 << "\n";
  }
  Json config = {{"name", "too_many_components"},
                 {"dataset", {{"path", csv}, {"target", "y"}}},
                 {"cv", {{"type", "kfold"}, {"n_splits", 3}}},
                 {"pipeline", Json::parse(R"([{"model": "PLSRegression",
                                               "n_components": {"_range_": [1, 5]}}])")}};
  auto run = prepare_run(config, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ml::Dataset& train = run->data.train.data;
  train.x.conservativeResize(Eigen::NoChange, 4);
  train.feature_names.resize(4);
  train.wavelengths.resize(4);
  auto report = run_sweep(*run, nullptr, RunOptions{});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->variants.size(), 5u);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(report->variants[k].status, "completed") << report->variants[k].error;
  }
  EXPECT_EQ(report->variants[4].status, "failed");
  EXPECT_NE(report->variants[4].error.find("n_components must be in [1, n_features = 4]"),
            std::string::npos)
      << report->variants[4].error;
}

}  // namespace
}  // namespace n4a::pipeline
