// Presenting a RunReport: the leaderboard as a Table, the whole report as
// JSON, and the one-line progress bar. Pure functions.
#pragma once

#include <string>

#include "n4a/records.h"
#include "n4a/table.h"
#include "pipeline/runner.h"

namespace n4a::pipeline {

// rank, pipeline, cv_<metric>, test_<metric>, test_r2, chain_id: the
// completed variants best first; at most `top` rows (0: all).
Table leaderboard_table(const RunReport& report, size_t top);

// {"run_id", "name", "status", "metric", "dataset", "workspace", "wall_ms",
//  "variants", "completed", "failed", "not_run", "transform_fits", "model_fits",
//  "models_derived",
//  "leaderboard": [{rank, name, cv_score, cv_val_score, cv_oof_score,
//                   test_score, test_r2, pipeline_id, chain_id, resumed}],
//  "failures": [{name, error, pipeline_id}]}
Json report_json(const RunReport& report);

// "[#####-----]  45/135  ETA 0:03  best rmse 0.2130  (2 failed)", about
// `width` characters.
std::string progress_line(const Progress& progress, int width);

// "completed", "interrupted".
const char* run_status_name(RunStatus status);

}  // namespace n4a::pipeline
