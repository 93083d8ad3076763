// Compares n4a's operators and metrics with scikit-learn / SciPy / NumPy
// outputs written by tests/golden/generate.py. Error measure: the largest
// absolute difference divided by the largest absolute expected value of the
// case (a norm-wise relative error, well defined when entries cross zero).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ml/dataset.h"
#include "ml/metrics.h"
#include "ml/registry.h"
#include "support/test_util.h"

namespace n4a::ml {
namespace {

constexpr double kTransformTol = 1e-9;
constexpr double kModelTol = 1e-8;

nlohmann::json load_json(const std::string& name) {
  const std::string text = testing::ReadFileOrEmpty(testing::SourcePath("tests/golden/" + name));
  return nlohmann::json::parse(text, nullptr, false);
}

Matrix to_matrix(const nlohmann::json& rows) {
  Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = rows[i][j].get<double>();
  }
  return m;
}

Vector to_vector(const nlohmann::json& values) {
  Vector v(static_cast<Eigen::Index>(values.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] = values[i].get<double>();
  return v;
}

double relative_error(const Matrix& actual, const Matrix& expected) {
  const double scale = std::max(expected.cwiseAbs().maxCoeff(), 1e-300);
  return (actual - expected).cwiseAbs().maxCoeff() / scale;
}

Result<Matrix> run_case(const nlohmann::json& c, const nlohmann::json& inputs) {
  N4A_ASSIGN_OR_RETURN(auto op, make_operator(c["op"].get<std::string>(), c["params"]));
  const Matrix y = c["y"].is_null() ? Matrix() : to_matrix(inputs[c["y"].get<std::string>()]);
  N4A_TRY(op->fit(to_matrix(inputs["train"]), y));
  // Through the binary format, so the golden values also cover deserialize.
  N4A_ASSIGN_OR_RETURN(auto back, deserialize_operator(op->serialize()));
  const Matrix test = to_matrix(inputs["test"]);
  const std::string method = c["method"];
  if (method == "transform") return back->transform(test);
  if (method == "predict") return back->predict(test);
  return back->predict_proba(test);
}

TEST(GoldenTest, OperatorsMatchReferenceImplementations) {
  const nlohmann::json golden = load_json("ml_golden.json");
  ASSERT_TRUE(golden.is_object()) << "cannot read tests/golden/ml_golden.json";
  int count = 0;
  double worst[2] = {0, 0};
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["op"].dump() + " " + c["params"].dump() + " " + c["method"].dump());
    auto actual = run_case(c, golden["inputs"]);
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    const Matrix expected = to_matrix(c["expected"]);
    ASSERT_EQ(actual->rows(), expected.rows());
    ASSERT_EQ(actual->cols(), expected.cols());
    const double tol = c["method"] == "transform" ? kTransformTol : kModelTol;
    const double err = relative_error(*actual, expected);
    EXPECT_LT(err, tol);
    worst[c["method"] == "transform" ? 0 : 1] =
        std::max(worst[c["method"] == "transform" ? 0 : 1], err);
    ++count;
  }
  std::printf("worst relative error: transforms %.3g, models %.3g (%d cases)\n", worst[0], worst[1],
              count);
  EXPECT_GE(count, 30);
}

TEST(GoldenTest, MetricsMatchSklearn) {
  const nlohmann::json m = load_json("ml_golden.json")["metrics"];
  auto reg = compute_metrics(TaskType::kRegression, to_vector(m["y_true"]), to_vector(m["y_pred"]));
  ASSERT_TRUE(reg.ok());
  for (const auto& [name, value] : m["regression"].items()) {
    EXPECT_NEAR(reg->at(name), value.get<double>(), 1e-12 * std::abs(value.get<double>())) << name;
  }
  auto cls =
      compute_metrics(TaskType::kClassification, to_vector(m["c_true"]), to_vector(m["c_pred"]));
  ASSERT_TRUE(cls.ok());
  for (const auto& [name, value] : m["classification"].items()) {
    EXPECT_NEAR(cls->at(name), value.get<double>(), 1e-12) << name;
  }
}

// The classic split of the R pls documentation: samples 1-50 train, 51-60
// test. References: scikit-learn (generate.py) and R's pls (gasoline_pls_r.R).
class GasolinePlsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(GasolinePlsTest, TestRmseMatchesReference) {
  const nlohmann::json ref = load_json(GetParam());
  ASSERT_TRUE(ref.is_object());
  CsvOptions options;
  options.targets = {"octane"};
  auto data = load_csv(testing::SourcePath("data/gasoline.csv").string(), options);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto train = slice_rows(*data, 0, 50);
  auto test = slice_rows(*data, 50, 60);
  ASSERT_TRUE(train.ok() && test.ok());
  for (int k = 1; k <= 10; ++k) {
    auto pls = make_operator("PLSRegression", {{"n_components", k}});
    ASSERT_TRUE(pls.ok());
    ASSERT_TRUE((*pls)->fit(train->x, train->y).ok());
    auto pred = (*pls)->predict(test->x);
    ASSERT_TRUE(pred.ok());
    auto rmse = compute_metric("rmse", test->y.col(0), pred->col(0));
    ASSERT_TRUE(rmse.ok());
    const double expected = ref["test_rmse"][k - 1].get<double>();
    EXPECT_EQ(std::round(*rmse * 1e4), std::round(expected * 1e4)) << "k=" << k;
    EXPECT_NEAR(*rmse, expected, 1e-9 * expected) << "k=" << k;
  }
}

INSTANTIATE_TEST_SUITE_P(References, GasolinePlsTest,
                         ::testing::Values("gasoline_pls.json", "gasoline_pls_r.json"),
                         [](const auto& param_info) {
                           return std::string(param_info.index == 0 ? "Sklearn" : "RPls");
                         });

}  // namespace
}  // namespace n4a::ml
