#include <gtest/gtest.h>

#include "pipeline/config.h"
#include "pipeline/generators.h"
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

}  // namespace
}  // namespace n4a::pipeline
