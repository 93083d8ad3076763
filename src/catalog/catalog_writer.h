// Batched writes to the catalog. The store buffers rows between commit
// windows in a PendingWrites; ApplyWrites commits one batch in a single
// DuckDB transaction (all or nothing) using the Appender for inserts.
// Not thread-safe: the store serializes access.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/artifact_refs.h"
#include "n4a/records.h"
#include "util/database.h"

namespace n4a::catalog {

// One UPDATE/DELETE with its parameters, applied after the batch's inserts.
struct Statement {
  std::string sql;
  std::vector<db::Value> params;
  // When set, the statement must change exactly one row, else the batch fails
  // with NotFound and this message.
  std::string must_match_one;
};

// A prediction as a batch holds it: its JSON columns already serialized, by
// the thread that saves it (before it takes the store's lock), so that a
// buffer of many thousand predictions holds no JSON trees and the commit
// window only copies their text.
struct PendingPrediction {
  explicit PendingPrediction(PredictionRecord r);

  PredictionRecord record;  // with scores and best_params left null
  std::string scores;       // JSON text, empty for null
  std::string best_params;
};

// A chain as a batch holds it, like a PendingPrediction: its JSON columns as
// text, and the artifact references they hold.
struct PendingChain {
  explicit PendingChain(ChainRecord r);

  ChainRecord record;  // with steps, fold_artifacts and shared_artifacts left null
  std::string steps;   // JSON text, empty for null
  std::string fold_artifacts;
  std::string shared_artifacts;
  RefCounts refs;
};

struct PendingWrites {
  std::vector<ProjectRecord> projects;
  std::vector<RunRecord> runs;
  std::vector<PipelineRecord> pipelines;  // appended through add_pipeline
  std::vector<PendingChain> chains;
  std::vector<PendingPrediction> predictions;  // upserted on the natural key
  // Pipelines known to have no prediction in the catalog yet (made by this
  // process and never flushed with predictions): their rows cannot replace
  // anything, so they skip the upsert's staging and join.
  std::unordered_set<std::string> fresh_pipelines;
  std::vector<LogRecord> logs;
  // Inserted unless a row with the same artifact_id exists (same bytes).
  std::vector<ArtifactRecord> artifacts;
  // Which Parquet file holds the arrays of a prediction.
  struct ArrayRef {
    std::string prediction_id;
    std::string dataset_name;
    std::string part_path;
  };
  std::vector<ArrayRef> array_refs;
  std::vector<Statement> statements;

  void add_pipeline(PipelineRecord pipeline);
  // The buffered row of pipeline `id`, or null when it is not in this batch.
  // Completing a pipeline of the batch edits its row: no UPDATE to apply.
  PipelineRecord* find_pipeline(const std::string& id);
  // The same for run `id` (a batch holds a run or two: a scan).
  RunRecord* find_run(const std::string& id);

  size_t row_count() const;
  // The most rows the batch appends to one table (its array references
  // that come late are one per buffered prediction at most).
  size_t largest_table() const;
  bool empty() const { return row_count() == 0; }
  void clear();

 private:
  std::unordered_map<std::string, size_t> pipeline_rows_;  // pipeline_id -> index
};

// Rows known only at commit time: called inside the transaction, after every
// row of the batch, just before COMMIT (an error rolls the batch back).
using LateArrayRefs = std::function<Result<std::vector<PendingWrites::ArrayRef>>()>;

// Commits `writes` (and the rows of `late_array_refs`, if given) in one
// transaction; on error rolls back and returns it (the batch is then not
// applied at all).
Status ApplyWrites(db::Connection& con, const PendingWrites& writes,
                   const LateArrayRefs& late_array_refs = nullptr);

}  // namespace n4a::catalog
