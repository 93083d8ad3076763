#include "pipeline/chain_record.h"

#include <fmt/format.h>

#include <algorithm>

namespace n4a::pipeline {
namespace {

// docs/formats/chain.md: a step is written in version 1 unless it needs 2
// (`derived`), so that older readers still read the others.
constexpr int kChainFormatVersion = 1;
constexpr int kDerivedStepVersion = 2;

std::vector<const FoldOutcome*> all_folds(const VariantResult& r) {
  std::vector<const FoldOutcome*> out;
  for (const FoldOutcome& f : r.folds) out.push_back(&f);
  if (r.final_fold) out.push_back(&*r.final_fold);
  return out;
}

Json step_json(const StepConfig& step, size_t idx, const std::vector<std::string>& fold_names,
               const std::vector<std::string>& ids, bool derived) {
  Json artifacts = Json::object();
  for (size_t f = 0; f < fold_names.size() && f < ids.size(); ++f)
    artifacts[fold_names[f]] = ids[f];
  Json out = {{"format_version", derived ? kDerivedStepVersion : kChainFormatVersion},
              {"step_idx", idx},
              {"kind", step.kind == StepKind::kModel ? "model" : "transform"},
              {"operator", step.op},
              {"params", step.full_params},
              {"name", step.short_name},
              {"config_path", step.config_path},
              {"artifacts", artifacts}};
  if (derived) out["derived"] = true;
  return out;
}

PredictionRow take_prediction_row(const RecordContext& ctx, const VariantResult& r,
                                  const std::string& pipeline_id, const std::string& chain_id,
                                  FoldOutcome& fold, const std::string& partition) {
  const Variant& v = *r.variant;
  PartitionPrediction& p = partition == "train" ? fold.train : fold.eval;
  PredictionRow row;
  PredictionRecord& rec = row.record;
  rec.pipeline_id = pipeline_id;
  rec.chain_id = chain_id;
  rec.dataset_name = ctx.dataset_name;
  rec.model_name = v.model().short_name;
  rec.model_class = v.model().op;
  rec.fold_id = fold.fold_id;
  rec.partition = partition;
  rec.train_score = fold.train.score;
  if (fold.fold_id == "fold_final") {
    rec.test_score = fold.eval.score;
  } else {
    rec.val_score = fold.eval.score;
  }
  rec.metric = ctx.metric;
  rec.task_type = ctx.task_type;
  rec.n_samples = static_cast<int64_t>(p.y_true.size());
  rec.n_features = ctx.n_features;
  rec.scores = p.scores;
  rec.best_params = v.generator_choices;
  rec.preprocessings = v.preprocessings;
  row.arrays.y_true = std::move(p.y_true);
  row.arrays.y_pred = std::move(p.y_pred);
  row.arrays.sample_indices = std::move(p.sample_indices);
  return row;
}

}  // namespace

std::vector<std::string> fold_ids(const VariantResult& r) {
  std::vector<std::string> ids;
  for (const FoldOutcome* f : all_folds(r)) ids.push_back(f->fold_id);
  return ids;
}

ChainRecord make_chain(const RecordContext& ctx, const VariantResult& r,
                       const std::string& pipeline_id, const ArtifactIds& ids) {
  const Variant& v = *r.variant;
  const std::vector<std::string> names = fold_ids(r);
  ChainRecord c;
  c.pipeline_id = pipeline_id;
  c.steps = Json::array();
  c.shared_artifacts = Json::object();
  const auto folds = all_folds(r);
  const bool derived = std::any_of(folds.begin(), folds.end(),
                                   [](const FoldOutcome* f) { return f->model_derived; });
  for (size_t s = 0; s < v.steps.size(); ++s) {
    const bool model = s + 1 == v.steps.size();
    c.steps.push_back(step_json(v.steps[s], s, names, ids[s], model && derived));
    if (s == 0 && !ctx.feature_names.empty()) c.steps[0]["input_features"] = ctx.feature_names;
    if (s + 1 < v.steps.size()) c.shared_artifacts[std::to_string(s)] = ids[s];
  }
  c.fold_artifacts = c.steps.back()["artifacts"];
  c.model_step_idx = static_cast<int64_t>(v.steps.size() - 1);
  c.model_class = v.model().op;
  c.preprocessings = v.preprocessings;
  c.fold_strategy = ctx.fold_strategy;
  c.model_name = v.model().short_name;
  c.metric = ctx.metric;
  c.task_type = ctx.task_type;
  c.dataset_name = ctx.dataset_name;
  c.cv_val_score = r.cv_val_score;
  c.cv_oof_score = r.cv_oof_score;
  c.cv_test_score = r.cv_test_score;
  c.cv_train_score = r.cv_train_score;
  c.cv_fold_count = static_cast<int64_t>(r.folds.size());
  return c;
}

std::vector<PredictionRow> take_predictions(const RecordContext& ctx, VariantResult& r,
                                            const std::string& pipeline_id,
                                            const std::string& chain_id) {
  std::vector<PredictionRow> rows;
  for (FoldOutcome& f : r.folds) {
    rows.push_back(take_prediction_row(ctx, r, pipeline_id, chain_id, f, "train"));
    rows.push_back(take_prediction_row(ctx, r, pipeline_id, chain_id, f, "val"));
  }
  if (r.final_fold) {
    const bool has_test = !r.final_fold->eval.empty();
    rows.push_back(take_prediction_row(ctx, r, pipeline_id, chain_id, *r.final_fold, "train"));
    if (has_test) {
      rows.push_back(take_prediction_row(ctx, r, pipeline_id, chain_id, *r.final_fold, "test"));
    }
  }
  return rows;
}

std::vector<LogRecord> make_step_logs(const VariantResult& r, const std::string& pipeline_id) {
  const Variant& v = *r.variant;
  std::vector<LogRecord> logs;
  for (size_t s = 0; s < v.steps.size(); ++s) {
    const bool model = s + 1 == v.steps.size();
    int64_t total_us = 0;
    Json folds = Json::object();
    for (const FoldOutcome* f : all_folds(r)) {
      const int64_t fit = model ? f->fit_us : f->steps[s].fit_us;
      const int64_t apply = model ? f->predict_us : f->steps[s].transform_us;
      folds[f->fold_id] = {{"fit_us", fit}, {model ? "predict_us" : "transform_us", apply}};
      total_us += fit + apply;
    }
    LogRecord log;
    log.pipeline_id = pipeline_id;
    log.step_idx = static_cast<int64_t>(s);
    log.operator_class = v.steps[s].op;
    log.event = "fit";
    log.duration_ms = total_us / 1000;
    log.message = fmt::format("{}: fitted in {} folds{}", v.steps[s].short_name, folds.size(),
                              model ? "" : " (shared by the variants with this prefix)");
    log.details = {{"folds", folds}, {"total_us", total_us}};
    logs.push_back(std::move(log));
  }
  return logs;
}

}  // namespace n4a::pipeline
