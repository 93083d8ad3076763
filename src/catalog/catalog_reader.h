// Reads of the catalog: typed records by id, and listings as Tables whose
// columns are the schema's. All filters are bound as parameters: no user text
// ever becomes SQL text. Not thread-safe: the store serializes access.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "n4a/queries.h"
#include "n4a/records.h"
#include "util/database.h"

namespace n4a::catalog {

Result<RunRecord> GetRun(db::Connection& con, const std::string& run_id);
Result<PipelineRecord> GetPipeline(db::Connection& con, const std::string& pipeline_id);
Result<ChainRecord> GetChain(db::Connection& con, const std::string& chain_id);
Result<PredictionRecord> GetPrediction(db::Connection& con, const std::string& prediction_id);
Result<std::vector<ProjectRecord>> ListProjects(db::Connection& con,
                                                const std::string& name_filter = "");

// `dead_runs`: runs whose status reads "running" but whose process is gone
// (store/run_lock.h); their status reads "dead", in the listing and in its
// filters.
Result<Table> ListRuns(db::Connection& con, const RunFilter& filter,
                       const std::vector<std::string>& dead_runs = {});
Result<Table> ListPipelines(db::Connection& con, const PipelineFilter& filter);
Result<Table> ListChains(db::Connection& con, const ChainFilter& filter);
Result<Table> QueryPredictions(db::Connection& con, const PredictionFilter& filter);
// " WHERE ..." (or "") for the filter's fields and `filter.where`
// (filter_sql.h) on predictions named by `qualifier` ("p." or
// "predictions."; not empty), appending values to `params`. Ignores
// limit/offset. InvalidArgument for a bad `where`.
Result<std::string> PredictionWhere(db::Connection& con, const PredictionFilter& filter,
                                    const std::string& qualifier, std::vector<db::Value>& params);
Result<Table> TopPredictions(db::Connection& con, const TopQuery& query);

// " [LIMIT $i] OFFSET $j", appending `limit` and `offset` to `params`; a
// `limit` of 0 means no limit (queries.h). InvalidArgument for a negative
// limit or offset.
Result<std::string> LimitOffset(std::vector<db::Value>& params, int64_t limit, int64_t offset);

// True when `id` exists in `table` (runs, pipelines, chains, projects).
Result<bool> Exists(db::Connection& con, const std::string& table, const std::string& id_column,
                    const std::string& id);

// Row counts per table, for `n4a workspace info`.
Result<Table> TableCounts(db::Connection& con);

}  // namespace n4a::catalog
