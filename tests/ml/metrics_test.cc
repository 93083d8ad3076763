#include "ml/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace n4a::ml {
namespace {

Vector vec(std::initializer_list<double> v) {
  Vector out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out[i++] = x;
  return out;
}

TEST(MetricsTest, Regression) {
  const Vector t = vec({1, 2, 3, 4});
  const Vector p = vec({1.5, 2, 2, 5});  // e = .5, 0, -1, 1
  auto m = compute_metrics(TaskType::kRegression, t, p);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->at("mse"), 2.25 / 4);
  EXPECT_DOUBLE_EQ(m->at("rmse"), std::sqrt(2.25 / 4));
  EXPECT_DOUBLE_EQ(m->at("mae"), 2.5 / 4);
  EXPECT_DOUBLE_EQ(m->at("bias"), 0.125);
  EXPECT_DOUBLE_EQ(m->at("r2"), 1 - 2.25 / 5);
  const double sep = std::sqrt((0.375 * 0.375 + 0.125 * 0.125 + 1.125 * 1.125 + 0.875 * 0.875) / 3);
  EXPECT_DOUBLE_EQ(m->at("sep"), sep);
  EXPECT_DOUBLE_EQ(m->at("rpd"), std::sqrt(5.0 / 3) / sep);
  EXPECT_EQ(m->size(), 7u);
}

TEST(MetricsTest, Classification) {
  // sklearn: accuracy 0.6, balanced_accuracy 0.5833..., f1_macro 0.5555...
  const Vector t = vec({0, 0, 1, 1, 2});
  const Vector p = vec({0, 1, 1, 1, 0});
  auto m = compute_metrics(TaskType::kClassification, t, p);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->at("accuracy"), 0.6);
  EXPECT_DOUBLE_EQ(m->at("balanced_accuracy"), (0.5 + 1.0 + 0.0) / 3);
  EXPECT_DOUBLE_EQ(m->at("f1_macro"), (0.5 + 0.8 + 0.0) / 3);
}

TEST(MetricsTest, DirectionsAndErrors) {
  EXPECT_TRUE(find_metric("rmse")->lower_is_better());
  EXPECT_FALSE(find_metric("r2")->lower_is_better());
  EXPECT_FALSE(find_metric("rpd")->lower_is_better());
  EXPECT_FALSE(find_metric("accuracy")->lower_is_better());
  auto unknown = find_metric("rsme");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown metric 'rsme'"), std::string::npos);
  EXPECT_FALSE(compute_metric("rmse", vec({1, 2}), vec({1})).ok());
  EXPECT_FALSE(compute_metric("sep", vec({1}), vec({1})).ok());
  EXPECT_TRUE(std::isinf(*compute_metric("rpd", vec({1, 2}), vec({1, 2}))));
  EXPECT_EQ(*parse_task_type("regression"), TaskType::kRegression);
  EXPECT_FALSE(parse_task_type("ranking").ok());
}

}  // namespace
}  // namespace n4a::ml
