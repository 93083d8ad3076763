// ArrayStore::compact: folds part files into one compacted file per dataset.
#include <memory>

#include "objects/array_store.h"
#include "util/database.h"

namespace n4a::objects {

Status ArrayStore::load_live_ids(const std::unordered_set<std::string>& ids) {
  N4A_TRY(con_->exec("CREATE OR REPLACE TABLE n4a_live (id VARCHAR)"));
  N4A_ASSIGN_OR_RETURN(auto appender, db::Appender::create(*con_, "n4a_live"));
  for (const std::string& id : ids) {
    appender->append(std::string_view(id));
    N4A_TRY(appender->end_row());
  }
  return appender->close();
}

Result<CompactResult> ArrayStore::compact(
    std::string_view dataset_name, const std::vector<std::string>& input_relative_paths,
    const std::unordered_set<std::string>& live_prediction_ids) {
  CompactResult out;
  out.relative_path = CompactedPathFor(dataset_name);
  std::lock_guard<std::mutex> lock(mu_);
  N4A_TRY(ensure_open());
  N4A_TRY(check_files(input_relative_paths));
  N4A_TRY(CreateDirs(env_, root_, ParentOf(out.relative_path), Publish::kDurable));
  N4A_TRY(load_live_ids(live_prediction_ids));
  std::vector<std::string> files;
  for (const auto& p : input_relative_paths) files.push_back(absolute(p));
  const std::string list = SqlStringList(files);
  const std::string rank = "list_position(" + list + ", filename)";
  int64_t total = 0;
  if (!files.empty()) {
    N4A_ASSIGN_OR_RETURN(total, count_rows(list));
    // The winning copy of each live id: the one in the latest input.
    N4A_TRY(con_->exec("CREATE OR REPLACE TABLE n4a_keep AS SELECT prediction_id, max(" + rank +
                       ") AS file_rank FROM " + ReadParquetSql(list) +
                       " WHERE prediction_id IN (SELECT id FROM n4a_live) GROUP BY prediction_id"));
  }
  std::vector<ArrayRow> rows;
  if (!files.empty()) {
    // Rows go through memory so that the feed sets the row-group size
    // (DuckDB would keep read_parquet's 2048-row chunks as row groups).
    Status read =
        QueryRows(con_->raw(),
                  "SELECT " + std::string(kArrayColumns) + ", CAST(0 AS BIGINT) FROM " +
                      ReadParquetSql(list) +
                      " AS p SEMI JOIN n4a_keep AS k ON p.prediction_id = k.prediction_id AND " +
                      rank + " = k.file_rank ORDER BY prediction_id",
                  nullptr, [&](ArrayRow&& r, size_t) { rows.push_back(std::move(r)); });
    if (!read.ok()) return Status::Corruption("compact: read " + list + ": " + read.message());
  }
  (void)con_->exec("DROP TABLE IF EXISTS n4a_keep; DROP TABLE IF EXISTS n4a_live");
  FeedGuard feed_guard(&feed_);
  for (const ArrayRow& r : rows) feed_.rows.push_back(&r);
  feed_.dataset_name = std::string(dataset_name);
  Status s = copy_feed_to_file(out.relative_path, Publish::kDurable);
  if (!s.ok())
    return s.WithContext("compact arrays of dataset '" + std::string(dataset_name) + "'");
  out.rows_kept = static_cast<int64_t>(rows.size());
  out.rows_dropped = total - out.rows_kept;
  return out;
}

}  // namespace n4a::objects
