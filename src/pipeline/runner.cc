#include "pipeline/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include "pipeline/executor.h"
#include "pipeline/provenance.h"
#include "pipeline/recorder.h"
#include "pipeline/resume.h"

namespace n4a::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string fold_strategy(const CvSpec& cv) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : cv.params.items()) parts.push_back(key + "=" + value.dump());
  return fmt::format("{}({})", cv.type, fmt::join(parts, ","));
}

// Where the training data's feature headers go (docs/formats/chain.md).
enum class HeaderPlace { kInRun, kInChains };

RecordContext record_context(const PreparedRun& run, const std::string& run_id,
                             HeaderPlace headers) {
  RecordContext c;
  c.run_id = run_id;
  c.dataset_name = run.data.dataset_name;
  c.dataset_hash = run.data.dataset_hash;
  c.metric = run.config.metric;
  c.task_type = std::string(ml::task_type_name(run.task));
  c.fold_strategy = fold_strategy(run.config.cv);
  c.n_features = run.data.train.data.n_features();
  if (headers == HeaderPlace::kInChains) c.feature_names = run.data.train.data.feature_names;
  c.rank_by_oof = run.config.cv.type == "loo";
  return c;
}

VariantSummary summary_of(const VariantResult& r, bool rank_by_oof) {
  VariantSummary s;
  s.index = r.variant->index;
  s.name = r.variant->name;
  s.status = r.status.ok() ? "completed" : "failed";
  s.error = r.status.message();
  s.cv_score = r.cv_score(rank_by_oof);
  s.cv_val_score = r.cv_val_score;
  s.cv_oof_score = r.cv_oof_score;
  s.cv_test_score = r.cv_test_score;
  if (r.test_scores.contains("r2") && r.test_scores["r2"].is_number()) {
    s.test_r2 = r.test_scores["r2"].get<double>();
  }
  s.duration_ms = r.duration_ms;
  return s;
}

Json run_summary(const RunReport& report) {
  Json best = nullptr;
  auto ranked = report.ranked();
  if (!ranked.empty()) {
    const VariantSummary& b = *ranked.front();
    best = {{"name", b.name},
            {"pipeline_id", b.pipeline_id},
            {"chain_id", b.chain_id},
            {"cv_score", b.cv_score ? Json(*b.cv_score) : Json()},
            {"test_score", b.cv_test_score ? Json(*b.cv_test_score) : Json()}};
  }
  return {{"variants", report.variants.size()}, {"completed", ranked.size()},
          {"failed", report.failures().size()}, {"metric", report.metric},
          {"wall_ms", report.wall_ms},          {"best", best}};
}

// Tracks progress across worker threads.
class ProgressTracker {
 public:
  ProgressTracker(RunReport& report, const RunOptions& options, size_t total)
      : report_(report), options_(options), t0_(Clock::now()) {
    progress_.total = total;
    progress_.metric = report.metric;
  }
  void add(const VariantResult& r) {
    std::lock_guard lock(mu_);
    VariantSummary s = summary_of(r, report_.rank_by_oof);
    ++progress_.done;
    if (s.status == "failed") ++progress_.failed;
    if (s.cv_score && (!progress_.best || better(*s.cv_score, *progress_.best))) {
      progress_.best = s.cv_score;
    }
    report_.variants[s.index] = std::move(s);
    progress_.elapsed_seconds = seconds_since(t0_);
    if (options_.on_progress) options_.on_progress(progress_);
  }

 private:
  bool better(double a, double b) const { return report_.lower_is_better ? a < b : a > b; }

  std::mutex mu_;
  RunReport& report_;
  const RunOptions& options_;
  Progress progress_;
  Clock::time_point t0_;
};

Status finish_run(WorkspaceStore& store, RunReport& report) {
  if (report.status == RunStatus::kInterrupted) return store.interrupt_run(report.run_id);
  return store.complete_run(report.run_id, run_summary(report));
}

}  // namespace

std::vector<const VariantSummary*> RunReport::ranked() const {
  std::vector<const VariantSummary*> out;
  for (const VariantSummary& v : variants)
    if (v.status == "completed") out.push_back(&v);
  const bool lower = lower_is_better;
  std::stable_sort(out.begin(), out.end(),
                   [lower](const VariantSummary* a, const VariantSummary* b) {
                     if (a->cv_score.has_value() != b->cv_score.has_value())
                       return a->cv_score.has_value();
                     if (!a->cv_score || *a->cv_score == *b->cv_score) return false;
                     return lower ? *a->cv_score < *b->cv_score : *a->cv_score > *b->cv_score;
                   });
  return out;
}

std::vector<const VariantSummary*> RunReport::failures() const {
  std::vector<const VariantSummary*> out;
  for (const VariantSummary& v : variants)
    if (v.status == "failed") out.push_back(&v);
  return out;
}

Result<RunReport> execute_sweep(const PreparedRun& run, WorkspaceStore* store, HeaderPlace headers,
                                RunReport report, const std::vector<Variant>& to_run,
                                const RunOptions& options) {
  const auto t0 = Clock::now();
  std::unique_ptr<Recorder> recorder;
  if (store != nullptr) {
    recorder = std::make_unique<Recorder>(*store, record_context(run, report.run_id, headers));
  }
  ProgressTracker tracker(report, options, to_run.size());
  ExecutorInput input{&run.data,
                      &to_run,
                      run.task,
                      run.metric,
                      run.config.refit ? Refit::kYes : Refit::kNo,
                      store != nullptr ? Serialize::kYes : Serialize::kNo};
  auto user_stop = [&] { return options.should_stop && options.should_stop(); };
  auto stop = [&] { return user_stop() || (recorder && recorder->failed()); };
  ExecutorStats stats;
  const bool stopped = execute_variants(
      input, options.jobs, stop,
      [&](VariantResult r) {
        tracker.add(r);
        if (recorder) recorder->submit(std::move(r));
      },
      &stats);
  if (recorder) store->expect_flush();  // finish_run() below commits
  report.transform_fits = stats.transform_fits;
  report.model_fits = stats.model_fits;
  report.models_derived = stats.models_derived;
  report.status = stopped && user_stop() ? RunStatus::kInterrupted : RunStatus::kCompleted;
  auto wall_ms = [&] { return static_cast<int64_t>(seconds_since(t0) * 1000); };
  if (!recorder) {
    report.wall_ms = wall_ms();
    return report;
  }
  Status recorded = recorder->finish();
  for (const auto& [index, ids] : recorder->ids()) {
    report.variants[index].pipeline_id = ids.pipeline_id;
    report.variants[index].chain_id = ids.chain_id;
  }
  const std::string resume_hint =
      "what was committed is kept: finish the run with `n4a run --resume " + report.run_id + "`";
  if (!recorded.ok()) {
    // Marking the run failed would meet the same lock again; the run then
    // reads "dead" once this process ends, and resumes just as well.
    if (!recorded.IsLockTimeout()) (void)store->fail_run(report.run_id, recorded.message());
    return recorded.WithHint(resume_hint);
  }
  report.wall_ms = wall_ms();  // what the run's summary records
  N4A_TRY(finish_run(*store, report).WithHint(resume_hint));
  report.wall_ms = wall_ms();  // what the user waited for: the last commit included
  return report;
}

RunReport empty_report(const PreparedRun& run) {
  RunReport report;
  report.run_name = run.config.name;
  report.metric = run.config.metric;
  report.lower_is_better = run.metric.lower_is_better();
  report.rank_by_oof = run.config.cv.type == "loo";
  report.dataset_name = run.data.dataset_name;
  for (const Variant& v : run.variants) {
    VariantSummary s;
    s.index = v.index;
    s.name = v.name;
    s.status = "not_run";
    report.variants.push_back(std::move(s));
  }
  return report;
}

Result<RunReport> run_sweep(const PreparedRun& run, WorkspaceStore* store,
                            const RunOptions& options) {
  RunReport report = empty_report(run);
  if (!options.name.empty()) report.run_name = options.name;
  if (store != nullptr) {
    report.workspace = store->path();
    N4A_ASSIGN_OR_RETURN(report.run_id,
                         store->begin_run(report.run_name, run.config.resolved, run.data.datasets));
    N4A_TRY(store->set_run_provenance(report.run_id, collect_provenance(options.command_line)));
  }
  return execute_sweep(run, store, HeaderPlace::kInRun, std::move(report), run.variants, options);
}

Result<RunReport> resume_sweep(WorkspaceStore& store, const std::string& run_id,
                               const RunOptions& options) {
  N4A_ASSIGN_OR_RETURN(ResumeState state, load_resume_state(store, run_id));
  N4A_TRY(store.resume_run(run_id));
  N4A_ASSIGN_OR_RETURN(const int64_t retired, store.retire_unfinished_pipelines(run_id));
  N4A_ASSIGN_OR_RETURN(RunRecord recorded, store.get_run(run_id));
  Json provenance = recorded.provenance.is_object() ? recorded.provenance : Json::object();
  provenance["resumed"].push_back(collect_provenance(options.command_line));
  N4A_TRY(store.set_run_provenance(run_id, provenance));
  RunReport report = empty_report(state.run);
  report.run_id = run_id;
  report.run_name = state.run_name;
  report.retired = retired;
  report.workspace = store.path();
  std::vector<Variant> to_run;
  for (const Variant& v : state.run.variants) {
    auto done = state.completed.find(v.generator_choices.dump());
    if (done == state.completed.end()) {
      to_run.push_back(v);
    } else {
      VariantSummary& s = report.variants[v.index];
      s = done->second;
      s.index = v.index;
      s.name = v.name;
    }
  }
  // A run that an older n4a began has no headers in its record: its chains
  // carry them, as that n4a's did.
  const bool run_has_headers = recorded.datasets.is_array() && !recorded.datasets.empty() &&
                               recorded.datasets[0].contains("features");
  return execute_sweep(state.run, &store,
                       run_has_headers ? HeaderPlace::kInRun : HeaderPlace::kInChains,
                       std::move(report), to_run, options);
}

}  // namespace n4a::pipeline
