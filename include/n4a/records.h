// The rows of a workspace catalog, as C++ values. Field names are the column
// names of the schema (DESIGN.md "Catalog schema", nirs4all 0.8.x). JSON
// columns are nlohmann::json; times are microseconds since the Unix epoch
// (0 = not set). Plain value types.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace n4a {

using Json = nlohmann::json;

// The values a run's status can take (RunRecord::status), in one list: the
// listings' --status filters accept exactly these, so a new status is added
// here.
inline const std::vector<std::string>& RunStatuses() {
  // "dead": running in the catalog, but its process is gone (run locks,
  // docs/formats/lock.md); read, never written.
  static const std::vector<std::string> kStatuses = {"running", "completed", "failed",
                                                     "interrupted", "dead"};
  return kStatuses;
}

// The values a pipeline's status can take (PipelineRecord::status).
inline const std::vector<std::string>& PipelineStatuses() {
  // "retired": left unfinished by an attempt whose process died, and redone
  // by a resume (WorkspaceStore::retire_unfinished_pipelines).
  static const std::vector<std::string> kStatuses = {"running", "completed", "failed", "retired"};
  return kStatuses;
}

// The partitions a prediction belongs to (PredictionRecord::partition).
inline const std::vector<std::string>& Partitions() {
  static const std::vector<std::string> kPartitions = {"train", "val", "test"};
  return kPartitions;
}

struct RunRecord {
  std::string run_id;
  std::string name;
  std::string status;  // running, completed, failed, interrupted
  Json config;
  Json datasets;
  int64_t created_at = 0;
  int64_t completed_at = 0;
  Json summary;
  std::string error;
  std::string project_id;
  // Who ran it and where (schema v3): user, host, n4a_version, command_line,
  // cwd, and git {commit, dirty, root} when cwd is in a git work tree.
  Json provenance;
};

struct PipelineRecord {
  std::string pipeline_id;
  std::string run_id;
  std::string name;
  Json expanded_config;
  Json generator_choices;
  std::string dataset_name;
  std::string dataset_hash;
  std::string status;  // running, completed, failed
  int64_t created_at = 0;
  int64_t completed_at = 0;
  std::optional<double> best_val;
  std::optional<double> best_test;
  std::string metric;
  int64_t duration_ms = 0;
  std::string error;
};

struct ChainRecord {
  std::string chain_id;  // empty: save_chain assigns a UUIDv7
  std::string pipeline_id;
  Json steps;
  int64_t model_step_idx = 0;
  std::string model_class;
  std::string preprocessings;
  std::string fold_strategy;
  Json fold_artifacts;    // {"fold_0": artifact_id, ..., "fold_final": artifact_id}
  Json shared_artifacts;  // {"<step_idx>": [artifact_id, ...]}
  std::string branch_path;
  int64_t source_index = 0;
  std::string model_name;
  std::string metric;
  std::string task_type;
  std::string dataset_name;
  std::optional<double> cv_val_score;
  std::optional<double> cv_oof_score;
  std::optional<double> cv_test_score;
  std::optional<double> cv_train_score;
  int64_t cv_fold_count = 0;
  int64_t created_at = 0;
};

struct PredictionRecord {
  std::string prediction_id;  // empty: save_prediction assigns a UUIDv7
  std::string pipeline_id;
  std::string chain_id;
  std::string dataset_name;
  std::string model_name;
  std::string model_class;
  std::string fold_id;    // "fold_0", ..., "fold_final"
  std::string partition;  // train, val, test
  std::optional<double> val_score;
  std::optional<double> test_score;
  std::optional<double> train_score;
  std::string metric;
  std::string task_type;  // regression, classification
  int64_t n_samples = 0;
  int64_t n_features = 0;
  Json scores;       // every metric of this partition: {"rmse": ..., "r2": ...}
  Json best_params;  // the variant's parameters
  std::string preprocessings;
  std::string branch_id;
  std::string branch_name;
  int64_t created_at = 0;
};

// The dense arrays of one prediction, stored in Parquet under arrays/.
struct PredictionArrays {
  std::vector<double> y_true;
  std::vector<double> y_pred;
  std::vector<double> y_proba;  // row-major, proba_rows x proba_cols; empty if none
  int64_t proba_rows = 0;
  int64_t proba_cols = 0;
  std::vector<int64_t> sample_indices;
  std::vector<double> weights;  // empty if unweighted
};

struct LogRecord {
  std::string log_id;  // empty: log_step assigns a UUIDv7
  std::string pipeline_id;
  int64_t step_idx = 0;
  std::string operator_class;
  std::string event;
  int64_t duration_ms = 0;
  std::string message;
  Json details;
  std::string level = "info";
  int64_t created_at = 0;
};

struct ArtifactRecord {
  std::string artifact_id;    // SHA-256 hex of the bytes
  std::string artifact_path;  // relative to the workspace: artifacts/ab/<id>.<format>
  std::string content_hash;
  std::string operator_class;
  std::string artifact_type;
  std::string format;
  int64_t size_bytes = 0;
  int64_t ref_count = 0;
  int64_t created_at = 0;
};

struct ProjectRecord {
  std::string project_id;
  std::string name;
  std::string description;
  std::string color;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

}  // namespace n4a
