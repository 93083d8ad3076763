// Lineage reads of the catalog: which dataset versions the runs used, and
// what one chain was scored and built from. Parameters are bound, never
// spliced into SQL. Not thread-safe: the store serializes access.
#pragma once

#include <string>

#include "n4a/table.h"
#include "util/database.h"

namespace n4a::catalog {

// One row per (dataset name, role, content hash) over runs.datasets; the
// columns of WorkspaceStore::list_datasets.
Result<Table> ListDatasets(db::Connection& con);

// The predictions of a chain as fold scores; the columns of
// WorkspaceStore::ChainDetails::fold_scores.
Result<Table> ChainFoldScores(db::Connection& con, const std::string& chain_id);

// The artifacts a chain references (fold models and shared steps); the
// columns of WorkspaceStore::ChainDetails::artifacts.
Result<Table> ChainArtifacts(db::Connection& con, const std::string& chain_id);

}  // namespace n4a::catalog
