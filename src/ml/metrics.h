// Scores of predictions against true values (pure functions, thread-safe).
//
// Regression (e = y_pred - y_true, n samples):
//   mse = mean(e^2); rmse = sqrt(mse); mae = mean(|e|);
//   r2 = 1 - sum(e^2) / sum((y_true - mean(y_true))^2) (sklearn r2_score:
//        1 when both sums are 0, 0 when only the denominator is);
//   bias = mean(e); sep = sqrt(sum((e - bias)^2) / (n - 1)) (standard error
//   of prediction, bias-corrected); rpd = std(y_true, ddof=1) / sep (ratio
//   of performance to deviation; +inf when sep = 0). sep and rpd need n >= 2.
// Classification (labels are numbers compared exactly):
//   accuracy = share of equal labels; balanced_accuracy = mean recall over
//   the classes present in y_true (sklearn); f1_macro = unweighted mean of
//   per-class F1 over the classes of y_true and y_pred, F1 = 0 for a class
//   with no true or predicted sample (sklearn's zero_division=0).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ml/matrix.h"
#include "n4a/status.h"

namespace n4a::ml {

enum class TaskType { kRegression, kClassification };

enum class Direction { kLowerIsBetter, kHigherIsBetter };

struct MetricInfo {
  std::string_view name;
  TaskType task;
  Direction direction;

  bool lower_is_better() const { return direction == Direction::kLowerIsBetter; }
};

// "regression" / "classification".
std::string_view task_type_name(TaskType task);
// InvalidArgument for anything else than the two names above.
Result<TaskType> parse_task_type(std::string_view name);

// The metric called `name`; InvalidArgument listing the known ones otherwise.
Result<MetricInfo> find_metric(std::string_view name);

// The metrics of a task type, in a fixed order.
std::vector<MetricInfo> metrics_for(TaskType task);

// The value of metric `name`. InvalidArgument for an unknown metric, sizes
// that differ, no sample, or n < 2 for sep and rpd.
Result<double> compute_metric(std::string_view name, const Vector& y_true, const Vector& y_pred);

// Every metric of `task` by name (what the runner stores as `scores`).
Result<std::map<std::string, double>> compute_metrics(TaskType task, const Vector& y_true,
                                                      const Vector& y_pred);

}  // namespace n4a::ml
