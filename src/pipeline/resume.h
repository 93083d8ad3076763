// What `n4a run --resume` needs from the catalog: the run's config prepared
// again, and its completed pipelines keyed by their generator choices.
#pragma once

#include <map>
#include <string>

#include "n4a/workspace_store.h"
#include "pipeline/prepare.h"
#include "pipeline/runner.h"

namespace n4a::pipeline {

struct ResumeState {
  PreparedRun run;
  std::string run_name;
  // Completed pipelines by generator_choices (compact JSON dump), with their
  // recorded scores and ids (status "completed", resumed = true).
  std::map<std::string, VariantSummary> completed;
};

// Loads the state of run `run_id` (runner.h, resume_sweep, for the errors).
Result<ResumeState> load_resume_state(WorkspaceStore& store, const std::string& run_id);

}  // namespace n4a::pipeline
