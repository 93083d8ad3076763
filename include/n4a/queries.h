// Filters for WorkspaceStore listings. Empty strings, unset optionals and
// empty `where` filters mean "no filter". Plain value types.
// A status, partition or metric that no row can have (a typo) is
// InvalidArgument naming the closest known value, not an empty answer.
// A `limit` (or TopQuery::n) of 0 means no limit; a negative limit or offset
// is InvalidArgument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "n4a/filter.h"

namespace n4a {

enum class SortOrder { kAscending, kDescending };

struct RunFilter {
  std::string status;   // one of RunStatuses() (records.h)
  std::string dataset;  // runs with a pipeline on this dataset
  std::string project_id;
  // Fields: run_id, name, status, project_id, error, created_at,
  // completed_at, pipelines (count), user, host, git_commit (provenance).
  // See docs/filters.md.
  Filter where;
  int64_t limit = 100;
  int64_t offset = 0;
};

struct PipelineFilter {
  std::string run_id;
  std::string dataset_name;
  std::string status;  // one of PipelineStatuses() (records.h)
  // Fields: the listing's columns, dataset_hash, completed_at, params.<name>.
  Filter where;
  int64_t limit = 1000;
  int64_t offset = 0;
};

struct ChainFilter {
  std::string run_id;
  std::string pipeline_id;
  std::string dataset_name;
  // Ranking column: cv_val_score, cv_oof_score, cv_test_score, cv_train_score.
  std::string metric = "cv_val_score";
  std::optional<SortOrder> order;  // default: from the chains' metric
  // Fields: the listing's columns, run_id, model_name, fold_strategy,
  // task_type, created_at, params.<name>.
  Filter where;
  int64_t limit = 100;
};

struct PredictionFilter {
  std::string pipeline_id;
  std::string chain_id;
  std::string dataset_name;
  std::string partition;  // one of Partitions() (records.h)
  std::string fold_id;
  std::string model_class;
  // Fields: the columns of predictions (not scores or best_params),
  // pipeline_name, run_id, scores.<metric>, params.<name>.
  Filter where;
  int64_t limit = 1000;
  int64_t offset = 0;
};

// top_predictions: the n best predictions by `metric`, which names a score
// column (val_score, test_score, train_score) or any metric stored in
// `scores` (rmse, r2, ...); a metric that no prediction of the workspace
// records is InvalidArgument. The default order follows the metric: lower is
// better for errors, higher for r2, rpd and classification scores.
//
// Each row is one prediction: one fold of one chain on one partition, so the
// best row is often a lucky fold. ChainFilter (chains ranked by their
// cross-validated score) ranks models.
struct TopQuery {
  int64_t n = 10;
  std::string metric = "val_score";
  std::optional<SortOrder> order;
  std::string partition = "val";  // empty: every partition
  std::string dataset_name;
  // Best row per value of this column: model_class, model_name, preprocessings,
  // dataset_name, pipeline_id, chain_id, fold_id, partition.
  std::string group_by;
  // Which predictions compete, before ranking and grouping: the fields of
  // PredictionFilter::where, plus `score` (the ranked metric's value).
  Filter where;
};

// True for metrics where a larger value is better (r2, rpd, accuracy,
// balanced_accuracy, f1_macro); false for errors (rmse, mse, mae, sep, bias).
bool HigherIsBetter(const std::string& metric);

}  // namespace n4a
