// ArrayStore::compact: folds part files into one compacted file per dataset.
#include "objects/array_store.h"

namespace n4a::objects {

Result<CompactResult> ArrayStore::compact(
    std::string_view dataset_name, const std::vector<std::string>& input_relative_paths,
    const std::unordered_set<std::string>& live_prediction_ids) {
  CompactResult out;
  out.relative_path = CompactedPathFor(dataset_name);
  std::lock_guard<std::mutex> lock(mu_);
  N4A_TRY(ensure_open());
  N4A_TRY(CreateDirs(env_, root_, ParentOf(out.relative_path), Publish::kDurable));
  // The winning copy of each live id (the one in the latest input), through
  // memory so that the feed sets the row-group size (DuckDB would keep
  // read_parquet's 2048-row chunks as row groups), and so that the files of
  // both format versions are rewritten in the current one.
  auto live = [&](std::string_view id) { return live_prediction_ids.count(std::string(id)) > 0; };
  N4A_ASSIGN_OR_RETURN(std::vector<ArrayRow> rows, read_locked(input_relative_paths, "true", live));
  N4A_ASSIGN_OR_RETURN(int64_t total, count_rows(input_relative_paths));
  FeedGuard feed_guard(&feed_);
  for (const ArrayRow& r : rows) feed_.rows.push_back(&r);
  feed_.dataset_name = std::string(dataset_name);
  Status s = copy_feed_to_file(out.relative_path, Publish::kDurable, kArraysCompactedCodec);
  if (!s.ok())
    return s.WithContext("compact arrays of dataset '" + std::string(dataset_name) + "'");
  out.rows_kept = static_cast<int64_t>(rows.size());
  out.rows_dropped = total - out.rows_kept;
  return out;
}

}  // namespace n4a::objects
