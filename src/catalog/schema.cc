#include "catalog/schema.h"

#include <algorithm>
#include <string>
#include <vector>

namespace n4a::catalog {
namespace {

// Version 1: the nirs4all 0.8.x tables. Predictions and logs carry no primary
// key: an ART index over millions of rows slows bulk appends, and the store
// enforces the natural key of predictions itself.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version BIGINT NOT NULL, applied_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
  project_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, description VARCHAR,
  color VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR PRIMARY KEY, name VARCHAR, status VARCHAR, config JSON, datasets JSON,
  created_at TIMESTAMP, completed_at TIMESTAMP, summary JSON, error VARCHAR,
  project_id VARCHAR);
CREATE TABLE IF NOT EXISTS pipelines (
  pipeline_id VARCHAR PRIMARY KEY, run_id VARCHAR NOT NULL, name VARCHAR,
  expanded_config JSON, generator_choices JSON, dataset_name VARCHAR, dataset_hash VARCHAR,
  status VARCHAR, created_at TIMESTAMP, completed_at TIMESTAMP, best_val DOUBLE,
  best_test DOUBLE, metric VARCHAR, duration_ms BIGINT, error VARCHAR);
CREATE TABLE IF NOT EXISTS chains (
  chain_id VARCHAR PRIMARY KEY, pipeline_id VARCHAR NOT NULL, steps JSON,
  model_step_idx BIGINT, model_class VARCHAR, preprocessings VARCHAR, fold_strategy VARCHAR,
  fold_artifacts JSON, shared_artifacts JSON, branch_path VARCHAR, source_index BIGINT,
  model_name VARCHAR, metric VARCHAR, task_type VARCHAR, dataset_name VARCHAR,
  cv_val_score DOUBLE, cv_oof_score DOUBLE, cv_test_score DOUBLE, cv_train_score DOUBLE,
  cv_fold_count BIGINT, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS predictions (
  prediction_id VARCHAR NOT NULL, pipeline_id VARCHAR NOT NULL, chain_id VARCHAR,
  dataset_name VARCHAR, model_name VARCHAR, model_class VARCHAR, fold_id VARCHAR,
  partition VARCHAR, val_score DOUBLE, test_score DOUBLE, train_score DOUBLE, metric VARCHAR,
  task_type VARCHAR, n_samples BIGINT, n_features BIGINT, scores JSON, best_params JSON,
  preprocessings VARCHAR, branch_id VARCHAR, branch_name VARCHAR, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS artifacts (
  artifact_id VARCHAR PRIMARY KEY, artifact_path VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
  operator_class VARCHAR, artifact_type VARCHAR, format VARCHAR, size_bytes BIGINT,
  ref_count BIGINT NOT NULL DEFAULT 0 CHECK (ref_count >= 0), created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS logs (
  log_id VARCHAR NOT NULL, pipeline_id VARCHAR, step_idx BIGINT, operator_class VARCHAR,
  event VARCHAR, duration_ms BIGINT, message VARCHAR, details JSON, level VARCHAR,
  created_at TIMESTAMP);
)sql";

// Version 2: which Parquet file holds each prediction's arrays (DESIGN.md
// "Arrays"): the catalog decides what is alive, no tombstone files.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE IF NOT EXISTS prediction_arrays (
  prediction_id VARCHAR NOT NULL, dataset_name VARCHAR NOT NULL, part_path VARCHAR NOT NULL);
)sql";

// Version 3: provenance of each run (who, where, which code), a JSON object
// (docs/formats/catalog.md). Appended last, as ALTER TABLE places it.
constexpr const char* kMigration3 = R"sql(
ALTER TABLE runs ADD COLUMN IF NOT EXISTS provenance JSON;
)sql";

const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> migrations = {kMigration1, kMigration2, kMigration3};
  return migrations;
}

}  // namespace

int64_t RowGroupSizeFor(size_t rows) {
  // With DuckDB's 122,880 rows per group for every commit, the rewrite of
  // the last group grows with the workspace (~0.6 s per commit at 650,000
  // predictions). A group that a large commit fills is left alone by the
  // small commits after it: they count it as full.
  constexpr size_t kSmall = 4096, kLargest = 122880;
  size_t size = kSmall;
  while (size < rows && size < kLargest) size *= 2;
  return static_cast<int64_t>(std::min(size, kLargest));
}

std::string WriteAttachOptions(bool new_file, size_t rows) {
  std::string options = " (ROW_GROUP_SIZE " + std::to_string(RowGroupSizeFor(rows));
  if (new_file) options += std::string(", ") + kStorageVersionOption;
  return options + ")";
}

int64_t LatestSchemaVersion() {
  return static_cast<int64_t>(Migrations().size());
}

Result<int64_t> ReadSchemaVersion(db::Connection& con) {
  N4A_ASSIGN_OR_RETURN(
      db::Table exists,
      con.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version'"));
  if (std::get<int64_t>(exists.rows[0][0]) == 0) return int64_t{0};
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT max(version) FROM schema_version"));
  if (db::IsNull(t.rows[0][0])) return int64_t{0};
  return std::get<int64_t>(t.rows[0][0]);
}

Status Migrate(db::Connection& con, int64_t now_micros) {
  N4A_ASSIGN_OR_RETURN(int64_t current, ReadSchemaVersion(con));
  int64_t latest = LatestSchemaVersion();
  if (current > latest) {
    return Status::FailedPrecondition("the workspace has schema version " +
                                      std::to_string(current) + ", newer than this n4a knows (" +
                                      std::to_string(latest) + "): upgrade n4a");
  }
  if (current == latest) return Status::Ok();
  N4A_TRY(con.exec("BEGIN TRANSACTION"));
  Status s;
  for (int64_t v = current + 1; v <= latest && s.ok(); ++v) {
    s = con.exec(Migrations()[static_cast<size_t>(v - 1)]);
    if (s.ok()) {
      s = con.exec("INSERT INTO schema_version VALUES ($1, make_timestamp($2))", {v, now_micros});
    }
    if (!s.ok()) s = s.WithContext("migration " + std::to_string(v));
  }
  if (!s.ok()) {
    (void)con.exec("ROLLBACK");
    return s;
  }
  return con.exec("COMMIT");
}

}  // namespace n4a::catalog
