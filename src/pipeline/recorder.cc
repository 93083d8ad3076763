#include "pipeline/recorder.h"

#include <algorithm>

namespace n4a::pipeline {
namespace {
constexpr const char* kOperatorFormat = "n4aop";  // docs/formats/operator.md
}

Recorder::Recorder(WorkspaceStore& store, RecordContext context, int writers)
    : store_(store), context_(std::move(context)) {
  for (int i = 0; i < std::max(1, writers); ++i) threads_.emplace_back([this] { loop(); });
}

Recorder::~Recorder() {
  (void)finish();
}

void Recorder::submit(VariantResult result) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(result));
  }
  cv_.notify_one();
}

Status Recorder::finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  return error_;
}

void Recorder::loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;
    VariantResult r = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Status s = failed_ ? Status::Ok() : write(r);
    lock.lock();
    if (!s.ok() && !failed_) {
      error_ = s.WithContext("recording pipeline '" + r.variant->name + "'");
      failed_ = true;
    }
  }
}

Status Recorder::write(VariantResult& r) {
  const Variant& v = *r.variant;
  RecordedIds ids;
  N4A_ASSIGN_OR_RETURN(
      ids.pipeline_id,
      store_.begin_pipeline(context_.run_id, v.name, v.expanded_config, v.generator_choices,
                            context_.dataset_name, context_.dataset_hash));
  if (r.status.ok()) {
    N4A_TRY(write_completed(r, ids));
  } else {
    N4A_TRY(store_.fail_pipeline(ids.pipeline_id, r.status.message()));
  }
  std::lock_guard lock(mu_);
  ids_[v.index] = ids;
  return Status::Ok();
}

Result<std::string> Recorder::artifact(SerializedOperator& op, const std::string& op_class,
                                       const char* kind) {
  // The first writer to need it saves it; others wait for its id.
  std::lock_guard lock(op.mu);
  if (op.artifact_id.empty()) {
    N4A_ASSIGN_OR_RETURN(op.artifact_id,
                         store_.save_artifact(op.bytes, op_class, kind, kOperatorFormat));
  }
  return op.artifact_id;
}

Status Recorder::write_completed(VariantResult& r, RecordedIds& ids) {
  const Variant& v = *r.variant;
  ArtifactIds artifact_ids(v.steps.size());
  std::vector<const FoldOutcome*> folds;
  for (const FoldOutcome& f : r.folds) folds.push_back(&f);
  if (r.final_fold) folds.push_back(&*r.final_fold);
  for (const FoldOutcome* f : folds) {
    for (size_t s = 0; s < f->steps.size(); ++s) {
      N4A_ASSIGN_OR_RETURN(std::string id, artifact(*f->steps[s].op, v.steps[s].op, "transform"));
      artifact_ids[s].push_back(std::move(id));
    }
    N4A_ASSIGN_OR_RETURN(std::string model_id, artifact(*f->model, v.model().op, "model"));
    artifact_ids.back().push_back(std::move(model_id));
  }
  N4A_ASSIGN_OR_RETURN(ids.chain_id,
                       store_.save_chain(make_chain(context_, r, ids.pipeline_id, artifact_ids)));
  for (PredictionRow& row : take_predictions(context_, r, ids.pipeline_id, ids.chain_id)) {
    N4A_TRY(store_.save_prediction(std::move(row.record), std::move(row.arrays)));
  }
  for (LogRecord& log : make_step_logs(r, ids.pipeline_id))
    N4A_TRY(store_.log_step(std::move(log)));
  const auto best_val = r.cv_score(context_.rank_by_oof);
  return store_.complete_pipeline(ids.pipeline_id, best_val, r.cv_test_score, context_.metric,
                                  r.duration_ms);
}

}  // namespace n4a::pipeline
