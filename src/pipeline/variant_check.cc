#include "pipeline/variant_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>

#include "ml/registry.h"
#include "pipeline/config.h"

namespace n4a::pipeline {
namespace {

// The shapes after each transform of the previous variant: variants that
// share a prefix of steps are neighbours (generators.h), so walking them in
// order computes each distinct prefix about once, in memory for one chain.
class ShapeWalk {
 public:
  explicit ShapeWalk(const ml::DataShape& data) : shapes_{data} {}

  // The shape that reaches `v`'s model, or the error of the first step that
  // cannot take the shape that reaches it.
  Result<const ml::DataShape*> reach_model(const Variant& v) {
    size_t common = 0;
    while (common < keys_.size() && common < v.transform_count() &&
           keys_[common] == v.steps[common].key()) {
      ++common;
    }
    keys_.resize(common);
    shapes_.resize(common + 1);
    for (size_t i = common; i < v.transform_count(); ++i) {
      N4A_ASSIGN_OR_RETURN(ml::DataShape out, apply(v.steps[i], shapes_.back()));
      keys_.push_back(v.steps[i].key());
      shapes_.push_back(std::move(out));
    }
    return &shapes_.back();
  }

  static Result<ml::DataShape> apply(const StepConfig& step, const ml::DataShape& in) {
    N4A_ASSIGN_OR_RETURN(auto op, ml::make_operator(step.op, step.params));
    return step_shape(*op, step, in);
  }

  // `op` (built from `step`) on data of shape `in`, errors at the step's path.
  static Result<ml::DataShape> step_shape(const ml::Operator& op, const StepConfig& step,
                                          const ml::DataShape& in) {
    auto out = op.output_shape(in);
    if (!out.ok()) return step_error(out.status(), step.config_path);
    return out;
  }

 private:
  std::vector<std::string> keys_;
  std::vector<ml::DataShape> shapes_;  // shapes_[i]: what reaches step i
};

std::string metric_names(ml::TaskType task) {
  std::vector<std::string_view> names;
  for (const ml::MetricInfo& m : ml::metrics_for(task)) names.push_back(m.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

// The model of `v` (`model`) against the metric's task.
Status check_task(const Variant& v, const ml::Operator& model, const ml::MetricInfo& metric) {
  const bool classification = metric.task == ml::TaskType::kClassification;
  if (model.is_classifier() == classification) return Status::Ok();
  const ml::TaskType model_task =
      classification ? ml::TaskType::kRegression : ml::TaskType::kClassification;
  return config_error(
      "metric",
      fmt::format("\"{}\" is a {} metric, but the model {} ({}) is a {} model: choose a "
                  "{} metric ({}) or a {} model",
                  metric.name, ml::task_type_name(metric.task), v.model().op, v.model().config_path,
                  ml::task_type_name(model_task), ml::task_type_name(model_task),
                  metric_names(model_task), ml::task_type_name(metric.task)));
}

Status in_variant(const Status& s, const Variant& v) {
  if (s.ok()) return s;
  return Status::InvalidArgument(fmt::format("{} in variant \"{}\"", s.message(), v.name));
}

}  // namespace

Status check_variants(const std::vector<Variant>& variants, const ml::DataShape& data,
                      const ml::MetricInfo& metric) {
  ShapeWalk walk(data);
  for (const Variant& v : variants) {
    N4A_ASSIGN_OR_RETURN(auto model, ml::make_operator(v.model().op, v.model().params));
    N4A_TRY(check_task(v, *model, metric));
    auto reaching = walk.reach_model(v);
    if (!reaching.ok()) return in_variant(reaching.status(), v);
    N4A_TRY(in_variant(ShapeWalk::step_shape(*model, v.model(), **reaching).status(), v));
  }
  return Status::Ok();
}

}  // namespace n4a::pipeline
