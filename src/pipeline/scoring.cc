#include "pipeline/scoring.h"

#include <cmath>

namespace n4a::pipeline {
namespace {

ml::Vector to_vector(const std::vector<double>& v) {
  return Eigen::Map<const ml::Vector>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::optional<double> mean_of(const std::vector<std::optional<double>>& values) {
  double sum = 0;
  for (const auto& v : values) {
    if (!v) return std::nullopt;
    sum += *v;
  }
  if (values.empty()) return std::nullopt;
  return sum / static_cast<double>(values.size());
}

}  // namespace

void score_partition(PartitionPrediction& p, ml::TaskType task, const ml::MetricInfo& metric) {
  p.scores = Json::object();
  p.score.reset();
  if (p.empty()) return;
  const ml::Vector y_true = to_vector(p.y_true), y_pred = to_vector(p.y_pred);
  for (const ml::MetricInfo& m : ml::metrics_for(task)) {
    auto value = ml::compute_metric(m.name, y_true, y_pred);
    if (!value.ok()) continue;
    const std::string name(m.name);
    p.scores[name] = std::isfinite(*value) ? Json(*value) : Json(nullptr);
    if (m.name == metric.name && std::isfinite(*value)) p.score = *value;
  }
}

void summarize_variant(VariantResult& r, ml::TaskType task, const ml::MetricInfo& metric) {
  std::vector<std::optional<double>> val, train;
  PartitionPrediction pooled;
  for (FoldOutcome& f : r.folds) {
    score_partition(f.train, task, metric);
    score_partition(f.eval, task, metric);
    val.push_back(f.eval.score);
    train.push_back(f.train.score);
    pooled.y_true.insert(pooled.y_true.end(), f.eval.y_true.begin(), f.eval.y_true.end());
    pooled.y_pred.insert(pooled.y_pred.end(), f.eval.y_pred.begin(), f.eval.y_pred.end());
  }
  score_partition(pooled, task, metric);
  r.cv_val_score = mean_of(val);
  r.cv_train_score = mean_of(train);
  r.cv_oof_score = pooled.score;
  if (r.final_fold) {
    score_partition(r.final_fold->train, task, metric);
    score_partition(r.final_fold->eval, task, metric);
    r.cv_test_score = r.final_fold->eval.score;
    r.test_scores = r.final_fold->eval.scores;
  }
}

}  // namespace n4a::pipeline
