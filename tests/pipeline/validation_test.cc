#include <gtest/gtest.h>

#include "pipeline/config.h"
#include "pipeline/generators.h"
#include "pipeline/prepare.h"
#include "pipeline/variant.h"
#include "support/test_util.h"

namespace n4a::pipeline {
namespace {

std::string variant_error(const std::string& pipeline_json) {
  auto v = build_variants(Json::parse(pipeline_json), kMaxVariants);
  EXPECT_FALSE(v.ok());
  EXPECT_TRUE(v.status().IsInvalidArgument());
  return v.status().message();
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

TEST(ValidationTest, BadParameterNamesItsJsonPath) {
  std::string m = variant_error(R"([{"op": "SNV"}, {"op": "SNV"},
      {"model": "PLSRegression", "n_components": "abc"}])");
  EXPECT_TRUE(starts_with(m, "pipeline[2].n_components: ")) << m;
  EXPECT_NE(m.find("integer"), std::string::npos) << m;
  EXPECT_NE(m.find("\"abc\""), std::string::npos) << m;
}

TEST(ValidationTest, BadValueInsideAGeneratorIsFound) {
  std::string m = variant_error(R"([{"op": "SavitzkyGolay", "deriv": {"_or_": [0, -1]}},
      {"model": "PLSRegression"}])");
  EXPECT_TRUE(starts_with(m, "pipeline[0].deriv: ")) << m;
}

TEST(ValidationTest, UnknownOperatorAndKindMismatch) {
  EXPECT_TRUE(starts_with(variant_error(R"([{"op": "SNVV"}, {"model": "PLSRegression"}])"),
                          "pipeline[0].op: unknown operator"));
  EXPECT_TRUE(starts_with(variant_error(R"([{"op": "PLSRegression"}])"), "pipeline[0].op: "));
  EXPECT_TRUE(starts_with(variant_error(R"([{"op": "SNV"}])"), "pipeline: the last step"));
  EXPECT_TRUE(starts_with(variant_error(R"([{"model": "Ridge"}, {"model": "Ridge"}])"),
                          "pipeline[0]: a model must be the last step"));
  EXPECT_TRUE(starts_with(variant_error(R"([{"op": "SNV", "model": "Ridge"}])"), "pipeline[0]: "));
  EXPECT_TRUE(
      starts_with(variant_error(R"([{"model": "Ridge", "alpah": 1}])"), "pipeline[0].alpah: "));
}

class ConfigTest : public ::testing::Test {
 protected:
  Json config() const {
    return Json::parse(R"({
      "name": "t",
      "dataset": {"path": "data/gasoline.csv", "target": "octane", "test": {"rows": "51-60"}},
      "cv": {"type": "kfold", "n_splits": 5, "shuffle": true, "seed": 42},
      "pipeline": [{"model": "PLSRegression"}],
      "metric": "rmse"
    })");
  }
  std::string error(const Json& c) const {
    auto r = parse_run_config(c, n4a::testing::SourcePath(""));
    EXPECT_FALSE(r.ok());
    return r.status().message();
  }
};

TEST_F(ConfigTest, ValidConfigResolvesPathsFromTheConfigFolder) {
  auto r = parse_run_config(config(), n4a::testing::SourcePath(""));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dataset.name, "gasoline");
  EXPECT_EQ(r->cv.splitter, "KFold");
  EXPECT_EQ(r->dataset.test.kind, TestKind::kRows);
  EXPECT_EQ(r->resolved["dataset"]["path"].get<std::string>().front(), '/');
}

TEST_F(ConfigTest, ErrorsNameTheirJsonPath) {
  Json c = config();
  c["cv"]["n_splits"] = "5";
  EXPECT_TRUE(starts_with(error(c), "cv.n_splits: expected an integer >= 2")) << error(c);
  c = config();
  c["cv"]["type"] = "kfolds";
  EXPECT_TRUE(starts_with(error(c), "cv.type: unknown CV type")) << error(c);
  c = config();
  c["dataset"]["path"] = "nope/missing.csv";
  EXPECT_TRUE(starts_with(error(c), "dataset.path: file not found")) << error(c);
  c = config();
  c["metric"] = "rmsee";
  EXPECT_TRUE(starts_with(error(c), "metric: ")) << error(c);
  c = config();
  c["dataset"]["test"] = Json{{"fraction", 1.5}};
  EXPECT_TRUE(starts_with(error(c), "dataset.test.fraction: ")) << error(c);
  c = config();
  c["refitt"] = true;
  EXPECT_TRUE(starts_with(error(c), "refitt: unknown key")) << error(c);
  c = config();
  c.erase("pipeline");
  EXPECT_TRUE(starts_with(error(c), "pipeline: ")) << error(c);
}

// What the data rules out is refused by prepare_run, before any fit: the
// gasoline data has 401 features (900..1700 nm, every 2 nm) and 50 train
// rows, so 40 rows per 5-fold train fold.
class DataCheckTest : public ConfigTest {
 protected:
  std::string prepare_error(const std::string& pipeline, const std::string& metric = "rmse") {
    Json c = config();
    c["pipeline"] = Json::parse(pipeline);
    c["metric"] = metric;
    c["dataset"]["path"] = n4a::testing::SourcePath("data/gasoline.csv").string();
    auto r = prepare_run(c, {});
    EXPECT_FALSE(r.ok()) << "accepted " << pipeline;
    if (r.ok()) return "";
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    return r.status().message();
  }
  bool accepted(const std::string& pipeline) {
    Json c = config();
    c["pipeline"] = Json::parse(pipeline);
    c["dataset"]["path"] = n4a::testing::SourcePath("data/gasoline.csv").string();
    auto r = prepare_run(c, {});
    EXPECT_TRUE(r.ok()) << pipeline << ": " << r.status().ToString();
    return r.ok();
  }
};

TEST_F(DataCheckTest, ComponentsBeyondTheFeaturesOrRows) {
  std::string m =
      prepare_error(R"([{"op": "SNV"}, {"model": "PLSRegression", "n_components": 500}])");
  EXPECT_EQ(m,
            "pipeline[1].n_components: must be at most the number of features (401), got 500 "
            "(PLSRegression) in variant \"SNV > PLS(500)\"");
  m = prepare_error(R"([{"model": "PLSRegression", "n_components": {"_range_": [38, 42]}}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[0].n_components: must be at most the number of training "
                          "rows (40), got 41"))
      << m;
  m = prepare_error(R"([{"op": "PCA", "n_components": 45}, {"model": "Ridge"}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[0].n_components: must be at most min(n_samples, "
                          "n_features) = min(40, 401), got 45 (PCA)"))
      << m;
  EXPECT_TRUE(accepted(R"([{"model": "PLSRegression", "n_components": 40}])"));
}

TEST_F(DataCheckTest, FeatureCountFollowsTheSteps) {
  // Crop [900, 1000] keeps 51 features; PCA(5) gives 5.
  std::string m = prepare_error(R"([{"op": "Crop", "start": 900, "end": 1000},
      {"op": "SNV"}, {"model": "PLSRegression", "n_components": {"_or_": [30, 52]}}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[2].n_components: must be at most the number of features "
                          "(51), got 52"))
      << m;
  m = prepare_error(R"([{"op": "PCA", "n_components": 5},
      {"op": "SavitzkyGolay", "window_length": 7}, {"model": "Ridge"}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[1].window_length: must be at most the number of features "
                          "(5), got 7"))
      << m;
  EXPECT_TRUE(accepted(R"([{"op": "Crop", "start": 900, "end": 1000},
      {"op": "SavitzkyGolay", "window_length": 51, "deriv": 1},
      {"model": "PLSRegression", "n_components": 20}])"));
}

TEST_F(DataCheckTest, WindowsAndCropsTheDataRulesOut) {
  std::string m = prepare_error(R"([{"op": "SavitzkyGolay", "window_length": 1001, "polyorder": 2},
      {"model": "PLSRegression"}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[0].window_length: must be at most the number of features "
                          "(401), got 1001 (SavitzkyGolay) in variant"))
      << m;
  m = prepare_error(R"([{"op": {"_or_": ["SNV", "MSC"]}}, {"op": "Crop", "start": 100, "end": 200},
      {"model": "PLSRegression"}])");
  EXPECT_TRUE(starts_with(m,
                          "pipeline[1]: Crop: no feature has a wavelength in [100, 200] in "
                          "variant \"SNV > Crop(100,200) > PLS(2)\""))
      << m;
  m = prepare_error(R"([{"op": "Detrend", "order": 3}, {"op": "PCA", "n_components": 3},
      {"op": "Detrend", "order": 3}, {"model": "Ridge"}])");
  EXPECT_TRUE(starts_with(m, "pipeline[2].order: must be less than the number of features (3)"))
      << m;
}

TEST_F(DataCheckTest, TheModelMustSuitTheMetricsTask) {
  std::string m = prepare_error(R"([{"model": "PLSRegression", "n_components": 5}])", "accuracy");
  EXPECT_TRUE(starts_with(m,
                          "metric: \"accuracy\" is a classification metric, but the model "
                          "PLSRegression (pipeline[0]) is a regression model"))
      << m;
  m = prepare_error(R"([{"model": {"_or_": ["Ridge", "PLSDA"]}}])", "rmse");
  EXPECT_TRUE(starts_with(m,
                          "metric: \"rmse\" is a regression metric, but the model PLSDA "
                          "(pipeline[0]) is a classification model: choose a classification "
                          "metric (accuracy"))
      << m;
}

}  // namespace
}  // namespace n4a::pipeline
