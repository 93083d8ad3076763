#include "n4a/workspace_store.h"

#include <cstdio>
#include <cstdlib>

#include "store/store_impl.h"
#include "util/uuid.h"

namespace n4a {

std::string ResolveWorkspacePath(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  const char* env = std::getenv("NIRS4ALL_WORKSPACE");
  if (env != nullptr && *env != '\0') return env;
  return "workspace";
}

WorkspaceStore::WorkspaceStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WorkspaceStore::~WorkspaceStore() {
  if (impl_->closed_) return;
  Status s = close();
  // A destructor cannot return the error; losing writes silently is worse
  // than a line on stderr (DESIGN.md "Lessons").
  if (!s.ok()) {
    std::fprintf(stderr, "n4a: error: writes buffered for workspace %s were not committed: %s\n",
                 path().c_str(), s.message().c_str());
  }
}

Result<std::unique_ptr<WorkspaceStore>> WorkspaceStore::open(const std::string& path,
                                                             StoreOptions options) {
  auto impl = std::make_unique<Impl>(path, options);
  N4A_TRY(impl->window_.open_or_create(options.mode));
  impl->last_flush_micros_ = impl->now();
  return std::unique_ptr<WorkspaceStore>(new WorkspaceStore(std::move(impl)));
}

const std::string& WorkspaceStore::path() const {
  return impl_->window_.path();
}

void WorkspaceStore::expect_flush() {
  std::lock_guard lock(impl_->mu_);
  impl_->flush_expected_ = true;
}

Status WorkspaceStore::flush() {
  std::lock_guard lock(impl_->mu_);
  return impl_->flush_locked();
}

Status WorkspaceStore::close() {
  std::lock_guard lock(impl_->mu_);
  if (impl_->closed_) return Status::Ok();
  impl_->closed_ = true;
  return impl_->flush_locked();
}

Result<std::string> WorkspaceStore::begin_run(const std::string& name, const Json& config,
                                              const Json& datasets) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  RunRecord r;
  r.run_id = NewUuidV7();
  r.name = name;
  r.status = "running";
  r.config = config;
  r.datasets = datasets;
  r.created_at = impl_->now();
  N4A_ASSIGN_OR_RETURN(impl_->run_locks_[r.run_id],
                       store::RunLock::acquire(impl_->env(), path(), r.run_id));
  impl_->known_runs_.insert(r.run_id);
  impl_->pending_.runs.push_back(r);
  N4A_TRY(impl_->maybe_flush_locked());
  return r.run_id;
}

namespace {
std::string NoRun(const std::string& id) {
  return "run " + id + " does not exist";
}
std::string NoPipeline(const std::string& id) {
  return "pipeline " + id + " does not exist";
}
}  // namespace

Status WorkspaceStore::complete_run(const std::string& run_id, const Json& summary) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  if (RunRecord* r = impl_->pending_.find_run(run_id)) {
    r->status = "completed";
    r->summary = summary;
    r->completed_at = impl_->now();
    r->error.clear();
  } else {
    N4A_TRY(impl_->update(
        "UPDATE runs SET status = 'completed', summary = $1, completed_at = make_timestamp($2), "
        "error = NULL WHERE run_id = $3",
        {summary.dump(), impl_->now(), run_id}, NoRun(run_id)));
  }
  return impl_->end_run_locked(run_id);
}

Status WorkspaceStore::fail_run(const std::string& run_id, const std::string& error) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  if (RunRecord* r = impl_->pending_.find_run(run_id)) {
    r->status = "failed";
    r->error = error;
    r->completed_at = impl_->now();
  } else {
    N4A_TRY(impl_->update(
        "UPDATE runs SET status = 'failed', error = $1, completed_at = make_timestamp($2) "
        "WHERE run_id = $3",
        {error, impl_->now(), run_id}, NoRun(run_id)));
  }
  return impl_->end_run_locked(run_id);
}

Status WorkspaceStore::interrupt_run(const std::string& run_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  if (RunRecord* r = impl_->pending_.find_run(run_id)) {
    r->status = "interrupted";
  } else {
    N4A_TRY(impl_->update("UPDATE runs SET status = 'interrupted' WHERE run_id = $1", {run_id},
                          NoRun(run_id)));
  }
  return impl_->end_run_locked(run_id);
}

Status WorkspaceStore::resume_run(const std::string& run_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  if (impl_->run_locks_.count(run_id) != 0) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(impl_->run_locks_[run_id],
                       store::RunLock::acquire(impl_->env(), path(), run_id));
  return impl_->update(
      "UPDATE runs SET status = 'running', completed_at = NULL, error = NULL WHERE run_id = $1",
      {run_id}, NoRun(run_id));
}

Result<std::string> WorkspaceStore::begin_pipeline(const std::string& run_id,
                                                   const std::string& name,
                                                   const Json& expanded_config,
                                                   const Json& generator_choices,
                                                   const std::string& dataset_name,
                                                   const std::string& dataset_hash) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  PipelineRecord p;
  p.pipeline_id = NewUuidV7();
  p.run_id = run_id;
  p.name = name;
  p.expanded_config = expanded_config;
  p.generator_choices = generator_choices;
  p.dataset_name = dataset_name;
  p.dataset_hash = dataset_hash;
  p.status = "running";
  p.created_at = impl_->now();
  impl_->known_pipelines_.insert(p.pipeline_id);
  impl_->pending_.fresh_pipelines.insert(p.pipeline_id);
  std::string id = p.pipeline_id;
  impl_->pending_.add_pipeline(std::move(p));
  N4A_TRY(impl_->maybe_flush_locked());
  return id;
}

Status WorkspaceStore::complete_pipeline(const std::string& pipeline_id,
                                         std::optional<double> best_val,
                                         std::optional<double> best_test, const std::string& metric,
                                         int64_t duration_ms) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_pipeline(pipeline_id));
  if (PipelineRecord* p = impl_->pending_.find_pipeline(pipeline_id)) {
    p->status = "completed";
    p->best_val = best_val;
    p->best_test = best_test;
    p->metric = metric;
    p->duration_ms = duration_ms;
    p->completed_at = impl_->now();
    p->error.clear();
    return impl_->maybe_flush_locked();
  }
  auto opt = [](std::optional<double> v) { return v ? db::Value(*v) : db::Value(); };
  return impl_->update(
      "UPDATE pipelines SET status = 'completed', best_val = $1, best_test = $2, metric = $3, "
      "duration_ms = $4, completed_at = make_timestamp($5), error = NULL WHERE pipeline_id = $6",
      {opt(best_val), opt(best_test), metric, duration_ms, impl_->now(), pipeline_id},
      NoPipeline(pipeline_id));
}

Status WorkspaceStore::fail_pipeline(const std::string& pipeline_id, const std::string& error) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_pipeline(pipeline_id));
  if (PipelineRecord* p = impl_->pending_.find_pipeline(pipeline_id)) {
    p->status = "failed";
    p->error = error;
    p->completed_at = impl_->now();
    return impl_->maybe_flush_locked();
  }
  return impl_->update(
      "UPDATE pipelines SET status = 'failed', error = $1, completed_at = make_timestamp($2) "
      "WHERE pipeline_id = $3",
      {error, impl_->now(), pipeline_id}, NoPipeline(pipeline_id));
}

Result<std::string> WorkspaceStore::save_chain(ChainRecord chain) {
  catalog::PendingChain pending(std::move(chain));  // JSON text, outside the lock
  ChainRecord& record = pending.record;
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_pipeline(record.pipeline_id));
  if (record.chain_id.empty()) record.chain_id = NewUuidV7();
  if (record.created_at == 0) record.created_at = impl_->now();
  std::string id = record.chain_id;
  impl_->pending_.chains.push_back(std::move(pending));
  N4A_TRY(impl_->maybe_flush_locked());
  return id;
}

Result<std::string> WorkspaceStore::save_prediction(PredictionRecord prediction) {
  catalog::PendingPrediction pending(std::move(prediction));  // JSON text, outside the lock
  std::lock_guard lock(impl_->mu_);
  return impl_->buffer_prediction(std::move(pending), nullptr);
}

Result<std::string> WorkspaceStore::log_step(LogRecord log) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  if (log.log_id.empty()) log.log_id = NewUuidV7();
  if (log.created_at == 0) log.created_at = impl_->now();
  std::string id = log.log_id;
  impl_->pending_.logs.push_back(std::move(log));
  N4A_TRY(impl_->maybe_flush_locked());
  return id;
}

}  // namespace n4a
