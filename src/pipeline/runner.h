// The runner: `n4a run` as a library call. It runs a prepared sweep
// (prepare.h) on the executor and records it through the recorder, or
// resumes an interrupted run.
//
// Recording: begin_run (config with resolved paths, datasets with content
// hashes) and its provenance (user, host, version, command line, git state of
// the current directory), one pipeline per variant, complete_run with a summary; if the
// sweep is stopped (options.should_stop), what finished is committed and
// the run is marked interrupted; after a store error the run is marked
// failed and the error returned. Without a store nothing is written.
//
// Thread-safety: one call at a time per store; callbacks come from worker
// threads, one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "n4a/workspace_store.h"
#include "pipeline/prepare.h"

namespace n4a::pipeline {

struct Progress {
  size_t done = 0;  // variants finished in this invocation (completed or failed)
  size_t total = 0;
  size_t failed = 0;
  std::optional<double> best;  // best CV score so far
  std::string metric;          // of `best`
  double elapsed_seconds = 0;
};

struct RunOptions {
  int jobs = 0;      // <= 0: all cores
  std::string name;  // overrides the config's name when not empty
  // Polled by the workers; true stops the sweep cleanly. Must be thread-safe.
  std::function<bool()> should_stop;
  std::function<void(const Progress&)> on_progress;
  // The invoking command line, recorded in the run's provenance
  // (provenance.h); empty for a library call.
  std::vector<std::string> command_line;
};

enum class RunStatus { kCompleted, kInterrupted };

// One variant's line of the leaderboard.
struct VariantSummary {
  size_t index = 0;
  std::string name;
  std::string status;  // completed, failed, not_run (interrupted before it ran)
  std::string error;
  bool resumed = false;            // completed by an earlier invocation (--resume)
  std::optional<double> cv_score;  // what ranks: cv_val_score (cv_oof_score for loo)
  std::optional<double> cv_val_score, cv_oof_score, cv_test_score;
  std::optional<double> test_r2;
  std::string pipeline_id, chain_id;
  int64_t duration_ms = 0;
};

struct RunReport {
  std::string run_id;  // empty without recording
  std::string run_name;
  RunStatus status = RunStatus::kCompleted;
  std::string metric;
  bool lower_is_better = true;
  bool rank_by_oof = false;
  std::string dataset_name;
  std::string workspace;                 // empty without recording
  std::vector<VariantSummary> variants;  // by variant index
  int64_t wall_ms = 0;
  size_t transform_fits = 0;  // distinct (prefix, fold) fits of this invocation
  size_t model_fits = 0;      // model fits of this invocation (ExecutorStats)
  size_t models_derived = 0;  // (variant, fold) models derived from a family's fit
  // Pipelines of earlier attempts that never completed, retired by a resume
  // (WorkspaceStore::retire_unfinished_pipelines) and run again.
  int64_t retired = 0;

  // Completed variants, best first (ties by variant index).
  std::vector<const VariantSummary*> ranked() const;
  std::vector<const VariantSummary*> failures() const;
};

// Runs `run`; records into `store` unless it is null.
Result<RunReport> run_sweep(const PreparedRun& run, WorkspaceStore* store,
                            const RunOptions& options);

// Resumes run `run_id` of `store`: reloads its config from the catalog,
// checks that the dataset still has the recorded content hash, takes the
// run (WorkspaceStore::resume_run: refused while its process lives),
// retires the pipelines that earlier attempts left unfinished, skips the
// variants whose generator_choices match a completed pipeline of the run, runs
// the others under the same run id, then completes the run. The provenance
// of this invocation is appended to the run's provenance under "resumed".
// NotFound for an unknown run, FailedPrecondition for a completed run, a
// changed dataset, or a run whose process is alive.
Result<RunReport> resume_sweep(WorkspaceStore& store, const std::string& run_id,
                               const RunOptions& options);

}  // namespace n4a::pipeline
