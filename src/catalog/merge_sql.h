// The catalog side of WorkspaceStore::merge_from. With the source catalog
// attached read-only as `n4a_src` to a connection on the target, PlanMerge
// decides for every selected source row whether it is added, replaced or
// skipped (temp tables m_<table>(id, action)); ApplyMerge carries the plan out
// in the caller's transaction. Rows are copied column by name, with the
// target's column list, so columns added by later migrations flow through.
// The dataset filter is bound as a parameter: no user text becomes SQL text.
// Not thread-safe: one connection, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "catalog/catalog_writer.h"
#include "util/database.h"

namespace n4a::catalog {

enum class MergePolicy { kKeepExisting, kOverwrite, kKeepBest };

// ATTACHes the catalog file at `catalog_path` as n4a_src (READ_ONLY).
Status AttachSource(db::Connection& con, const std::string& catalog_path);

// (Re)builds the plan on `con` from the current target and source catalogs.
// Only pipelines of `dataset_name` (and what belongs to them) when not empty.
// Corruption when a source chain references an artifact that neither catalog
// has.
Status PlanMerge(db::Connection& con, MergePolicy policy, const std::string& dataset_name);

// Per table, in copy order: projects, runs, pipelines, artifacts, chains,
// predictions, prediction_arrays, logs.
struct PlanCount {
  std::string table;
  int64_t added = 0;
  int64_t skipped = 0;
  int64_t replaced = 0;
};
Result<std::vector<PlanCount>> PlanCounts(db::Connection& con);

// An artifact referenced by a chain the plan adds or replaces.
struct PlannedArtifact {
  std::string artifact_id;
  std::string format;
  std::string source_path;  // relative to the source workspace
  std::string target_path;  // relative to the target: where it is or will be
};
Result<std::vector<PlannedArtifact>> PlannedArtifacts(db::Connection& con);

// A prediction the plan adds or replaces that has arrays in the source.
struct PlannedArrayRow {
  std::string prediction_id;
  std::string dataset_name;
  std::string part_path;  // relative to the source workspace
  int64_t n_samples = 0;
};
// Sorted by dataset, then part file.
Result<std::vector<PlannedArrayRow>> PlannedArrayRows(db::Connection& con);

// Applies the plan inside the caller's transaction: rows, reference counts
// (exact: the replaced chains' references are released, the copied chains'
// taken), and prediction_arrays rows from `staged` (the copies written to the
// target's part files). FailedPrecondition, changing nothing the caller
// cannot roll back, when the plan needs an array row that is not staged or an
// artifact not in `artifacts_in_place`: the target changed since planning.
Status ApplyMerge(db::Connection& con, const std::vector<PendingWrites::ArrayRef>& staged,
                  const std::unordered_set<std::string>& artifacts_in_place);

}  // namespace n4a::catalog
