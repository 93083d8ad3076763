#include "ml/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>

namespace n4a::ml {
namespace {

using Fn = double (*)(const Vector&, const Vector&);

double mse(const Vector& t, const Vector& p) {
  return (p - t).squaredNorm() / double(t.size());
}
double rmse(const Vector& t, const Vector& p) {
  return std::sqrt(mse(t, p));
}
double mae(const Vector& t, const Vector& p) {
  return (p - t).cwiseAbs().mean();
}
double bias(const Vector& t, const Vector& p) {
  return (p - t).mean();
}

double r2(const Vector& t, const Vector& p) {
  const double ss_res = (p - t).squaredNorm();
  const double ss_tot = (t.array() - t.mean()).square().sum();
  if (ss_tot == 0) return ss_res == 0 ? 1.0 : 0.0;
  return 1.0 - ss_res / ss_tot;
}

double sep(const Vector& t, const Vector& p) {
  const Vector e = p - t;
  return std::sqrt((e.array() - e.mean()).square().sum() / double(t.size() - 1));
}

double rpd(const Vector& t, const Vector& p) {
  const double sd = std::sqrt((t.array() - t.mean()).square().sum() / double(t.size() - 1));
  const double s = sep(t, p);
  return s == 0 ? std::numeric_limits<double>::infinity() : sd / s;
}

double accuracy(const Vector& t, const Vector& p) {
  return (t.array() == p.array()).cast<double>().mean();
}

double recall_of(const Vector& t, const Vector& p, double c) {
  const double tp = ((t.array() == c) && (p.array() == c)).cast<double>().sum();
  return tp / (t.array() == c).cast<double>().sum();
}

double balanced_accuracy(const Vector& t, const Vector& p) {
  const std::set<double> classes(t.data(), t.data() + t.size());
  double sum = 0;
  for (double c : classes) sum += recall_of(t, p, c);
  return sum / double(classes.size());
}

double f1_macro(const Vector& t, const Vector& p) {
  std::set<double> classes(t.data(), t.data() + t.size());
  classes.insert(p.data(), p.data() + p.size());
  double sum = 0;
  for (double c : classes) {
    const double tp = ((t.array() == c) && (p.array() == c)).cast<double>().sum();
    const double fp = ((t.array() != c) && (p.array() == c)).cast<double>().sum();
    const double fn = ((t.array() == c) && (p.array() != c)).cast<double>().sum();
    const double denom = 2 * tp + fp + fn;
    sum += denom > 0 ? 2 * tp / denom : 0.0;
  }
  return sum / double(classes.size());
}

struct Entry {
  MetricInfo info;
  Fn fn;
  Eigen::Index min_samples;
};

constexpr TaskType kReg = TaskType::kRegression;
constexpr TaskType kCls = TaskType::kClassification;
constexpr Direction kLow = Direction::kLowerIsBetter;
constexpr Direction kHigh = Direction::kHigherIsBetter;

const Entry kMetrics[] = {
    {{"rmse", kReg, kLow}, &rmse, 1},
    {{"mse", kReg, kLow}, &mse, 1},
    {{"mae", kReg, kLow}, &mae, 1},
    {{"r2", kReg, kHigh}, &r2, 1},
    // |bias| matters; as a ranking metric, lower is taken as better.
    {{"bias", kReg, kLow}, &bias, 1},
    {{"sep", kReg, kLow}, &sep, 2},
    {{"rpd", kReg, kHigh}, &rpd, 2},
    {{"accuracy", kCls, kHigh}, &accuracy, 1},
    {{"balanced_accuracy", kCls, kHigh}, &balanced_accuracy, 1},
    {{"f1_macro", kCls, kHigh}, &f1_macro, 1},
};

const Entry* find_entry(std::string_view name) {
  for (const Entry& e : kMetrics) {
    if (e.info.name == name) return &e;
  }
  return nullptr;
}

Status unknown(std::string_view name) {
  std::string known;
  for (const Entry& e : kMetrics) known += (known.empty() ? "" : ", ") + std::string(e.info.name);
  return Status::InvalidArgument(fmt::format("unknown metric '{}' (known: {})", name, known));
}

}  // namespace

std::string_view task_type_name(TaskType task) {
  return task == TaskType::kRegression ? "regression" : "classification";
}

Result<TaskType> parse_task_type(std::string_view name) {
  if (name == "regression") return TaskType::kRegression;
  if (name == "classification") return TaskType::kClassification;
  return Status::InvalidArgument(
      fmt::format("unknown task type '{}' (regression or classification)", name));
}

Result<MetricInfo> find_metric(std::string_view name) {
  const Entry* e = find_entry(name);
  if (e == nullptr) return unknown(name);
  return e->info;
}

std::vector<MetricInfo> metrics_for(TaskType task) {
  std::vector<MetricInfo> out;
  for (const Entry& e : kMetrics) {
    if (e.info.task == task) out.push_back(e.info);
  }
  return out;
}

Result<double> compute_metric(std::string_view name, const Vector& y_true, const Vector& y_pred) {
  const Entry* e = find_entry(name);
  if (e == nullptr) return unknown(name);
  if (y_true.size() != y_pred.size()) {
    return Status::InvalidArgument(fmt::format("metric {}: {} true values but {} predictions", name,
                                               y_true.size(), y_pred.size()));
  }
  if (y_true.size() < e->min_samples) {
    return Status::InvalidArgument(fmt::format("metric {}: needs at least {} samples, got {}", name,
                                               e->min_samples, y_true.size()));
  }
  return e->fn(y_true, y_pred);
}

Result<std::map<std::string, double>> compute_metrics(TaskType task, const Vector& y_true,
                                                      const Vector& y_pred) {
  std::map<std::string, double> out;
  for (const MetricInfo& m : metrics_for(task)) {
    if (y_true.size() < find_entry(m.name)->min_samples && y_true.size() == y_pred.size()) {
      continue;  // e.g. sep of a single sample: undefined, left out
    }
    N4A_ASSIGN_OR_RETURN(double v, compute_metric(m.name, y_true, y_pred));
    out.emplace(std::string(m.name), v);
  }
  return out;
}

}  // namespace n4a::ml
