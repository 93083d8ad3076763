#include "objects/array_store.h"

#include <algorithm>
#include <map>

#include "objects/dataset_file_name.h"
#include "util/atomic_file.h"
#include "util/database.h"
#include "util/uuid.h"

namespace n4a::objects {
namespace {

constexpr char kFolder[] = "arrays";

// Removes a file when it goes out of scope, unless released.
class FileGuard {
 public:
  FileGuard(Env* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~FileGuard() {
    if (!path_.empty() && env_->file_exists(path_)) (void)env_->remove_file(path_);
  }
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;
  void release() { path_.clear(); }

 private:
  Env* env_;
  std::string path_;
};

Status ValidateRow(const ArrayRow& r, std::string_view dataset_name) {
  if (r.prediction_id.empty()) return Status::InvalidArgument("array row without prediction_id");
  if (!r.dataset_name.empty() && r.dataset_name != dataset_name) {
    return Status::InvalidArgument("prediction " + r.prediction_id + " belongs to dataset '" +
                                   r.dataset_name + "', not '" + std::string(dataset_name) + "'");
  }
  const auto& a = r.arrays;
  if (a.proba_rows < 0 || a.proba_cols < 0 ||
      a.y_proba.size() != static_cast<size_t>(a.proba_rows * a.proba_cols)) {
    return Status::InvalidArgument(
        "prediction " + r.prediction_id + ": y_proba has " + std::to_string(a.y_proba.size()) +
        " values, shape is " + std::to_string(a.proba_rows) + " x " + std::to_string(a.proba_cols));
  }
  return Status::Ok();
}

// Validates `rows` and returns pointers to them sorted by prediction_id.
Result<std::vector<const ArrayRow*>> SortedRows(std::string_view dataset_name,
                                                std::span<const ArrayRow> rows) {
  if (rows.empty()) return Status::InvalidArgument("write_part needs at least one row");
  std::vector<const ArrayRow*> out;
  out.reserve(rows.size());
  for (const ArrayRow& r : rows) {
    N4A_TRY(ValidateRow(r, dataset_name));
    out.push_back(&r);
  }
  auto by_id = [](const ArrayRow* a, const ArrayRow* b) {
    return a->prediction_id < b->prediction_id;
  };
  std::sort(out.begin(), out.end(), by_id);
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i]->prediction_id == out[i - 1]->prediction_id) {
      return Status::InvalidArgument("prediction " + out[i]->prediction_id +
                                     " repeated in one part");
    }
  }
  return out;
}

// "prediction_id BETWEEN min AND max": DuckDB prunes row groups by min/max
// statistics for a range, not for an IN list.
std::string IdRangeSql(const std::vector<std::string>& ids) {
  auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
  return "prediction_id BETWEEN " + db::QuoteLiteral(*lo) + " AND " + db::QuoteLiteral(*hi);
}

// Collects rows, keeping per id the one from the latest file.
class Deduplicator {
 public:
  void add(ArrayRow&& row, size_t file_index) {
    auto [it, inserted] = index_.try_emplace(row.prediction_id, rows_.size());
    if (inserted) {
      rows_.push_back(std::move(row));
      files_.push_back(file_index);
    } else if (file_index >= files_[it->second]) {
      rows_[it->second] = std::move(row);
      files_[it->second] = file_index;
    }
  }
  std::vector<ArrayRow> take_sorted() {
    std::sort(rows_.begin(), rows_.end(), [](const ArrayRow& a, const ArrayRow& b) {
      return a.prediction_id < b.prediction_id;
    });
    return std::move(rows_);
  }

 private:
  std::vector<ArrayRow> rows_;
  std::vector<size_t> files_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

size_t ArrayBytes(const ArrayRow& r) {
  const auto& a = r.arrays;
  return 8 * (a.y_true.size() + a.y_pred.size() + a.y_proba.size() + a.sample_indices.size() +
              a.weights.size());
}

size_t RowGroupRowsFor(size_t bytes_per_row) {
  return std::clamp<size_t>(kArraysRowGroupTargetBytes / std::max<size_t>(bytes_per_row, 1), 16,
                            2048);
}

ArrayStore::ArrayStore(Env* env, std::string workspace_root, InFlight* in_flight)
    : env_(env), root_(std::move(workspace_root)), in_flight_(in_flight) {}

ArrayStore::~ArrayStore() = default;

std::string ArrayStore::PartFolderFor(std::string_view dataset_name) {
  return std::string(kFolder) + "/" + DatasetFileName(dataset_name);
}

std::string ArrayStore::CompactedPathFor(std::string_view dataset_name) {
  return PartFolderFor(dataset_name) + ".parquet";
}

std::string ArrayStore::absolute(std::string_view relative_path) const {
  return root_ + "/" + std::string(relative_path);
}

Status ArrayStore::prepare() {
  std::lock_guard<std::mutex> lock(mu_);
  return ensure_writer();
}

Status ArrayStore::ensure_open() {
  if (con_) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(con_, db::Connection::open(":memory:", db::AccessMode::kReadWrite));
  return Status::Ok();
}

Status ArrayStore::ensure_writer() {
  if (writer_) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(auto con, db::Connection::open(":memory:", db::AccessMode::kReadWrite));
  N4A_TRY(RegisterFeed(con->raw(), &feed_));
  // The copy's source, the feed, is one thread. With a worker thread too,
  // the calling thread mostly spins until the worker is done: one thread
  // saves 55-100 ms of CPU (~30 ms of wall time) in the long sweep of
  // bench/run_e2e.sh.
  N4A_TRY(con->exec("SET threads = 1"));
  writer_ = std::move(con);
  return Status::Ok();
}

Result<std::string> ArrayStore::write_part(std::string_view dataset_name,
                                           std::span<const ArrayRow> rows, Publish publish) {
  N4A_ASSIGN_OR_RETURN(auto sorted, SortedRows(dataset_name, rows));
  std::string folder = PartFolderFor(dataset_name);
  std::string rel = folder + "/part-" + NewUuidV7() + ".parquet";
  if (in_flight_ != nullptr) N4A_TRY(in_flight_->announce({&rel, 1}));
  std::lock_guard<std::mutex> lock(mu_);
  N4A_TRY(CreateDirs(env_, root_, folder, publish));
  FeedGuard feed_guard(&feed_);
  feed_.rows = std::move(sorted);
  feed_.dataset_name = std::string(dataset_name);
  Status s = copy_feed_to_file(rel, publish, kArraysPartCodec);
  if (!s.ok()) return s.WithContext("write arrays of dataset '" + std::string(dataset_name) + "'");
  return rel;
}

Status ArrayStore::copy_feed_to_file(const std::string& relative_path, Publish publish,
                                     std::string_view codec) {
  size_t bytes = 0;
  for (const ArrayRow* r : feed_.rows) bytes += ArrayBytes(*r);
  const size_t group_rows = RowGroupRowsFor(bytes / std::max<size_t>(feed_.rows.size(), 1));
  feed_.chunk_rows = group_rows;
  const std::string final_path = absolute(relative_path);
  const std::string temp = TempPathFor(final_path);
  FileGuard guard(env_, temp);
  N4A_TRY(ensure_writer());
  N4A_TRY(writer_->exec("COPY (SELECT * FROM " + std::string(kFeedFunction) + "()) TO " +
                        db::QuoteLiteral(temp) + " (FORMAT PARQUET, COMPRESSION " +
                        std::string(codec) + ", ROW_GROUP_SIZE " + std::to_string(group_rows) +
                        ", KV_METADATA {" + kArraysFormatVersionKey + ": '" + kArraysFormatVersion +
                        "'})"));
  if (publish == Publish::kDurable) N4A_TRY(env_->sync_file(temp));
  N4A_TRY(env_->rename_file(temp, final_path));
  guard.release();
  checked_.erase(relative_path);
  if (publish == Publish::kBatched) return Status::Ok();
  return env_->sync_dir(absolute(ParentOf(relative_path)));
}

Result<std::vector<ArrayRow>> ArrayStore::read(const std::vector<std::string>& relative_paths,
                                               const std::vector<std::string>& prediction_ids) {
  if (prediction_ids.empty() || relative_paths.empty()) return std::vector<ArrayRow>{};
  std::string where = prediction_ids.size() == 1
                          ? "prediction_id = " + db::QuoteLiteral(prediction_ids[0])
                          : IdRangeSql(prediction_ids) + " AND prediction_id IN (" +
                                db::QuoteLiteralList(prediction_ids) + ")";
  std::lock_guard<std::mutex> lock(mu_);
  return read_locked(relative_paths, where, nullptr);
}

Result<std::vector<ArrayRow>> ArrayStore::read_all(
    const std::vector<std::string>& relative_paths,
    const std::unordered_set<std::string>* keep_ids) {
  if (relative_paths.empty()) return std::vector<ArrayRow>{};
  IdFilter filter;
  if (keep_ids != nullptr) {
    filter = [keep_ids](std::string_view id) { return keep_ids->count(std::string(id)) > 0; };
  }
  std::lock_guard<std::mutex> lock(mu_);
  return read_locked(relative_paths, "true", filter);
}

Result<std::vector<ArrayRow>> ArrayStore::read_locked(
    const std::vector<std::string>& relative_paths, const std::string& where,
    const IdFilter& filter) {
  N4A_TRY(ensure_open());
  N4A_ASSIGN_OR_RETURN(auto groups, version_groups(relative_paths));
  Deduplicator rows;
  for (const VersionGroup& group : groups) {
    const std::string& list = group.file_list;
    std::string sql = "SELECT " + std::string(kArrayColumns) + ", CAST(list_position(" + list +
                      ", filename) - 1 AS BIGINT) FROM " + ReadParquetSql(list) + " WHERE " + where;
    Status s = QueryRows(con_->raw(), sql, filter, [&](ArrayRow&& r, size_t file) {
      rows.add(std::move(r), group.indices[file]);
    });
    if (!s.ok())
      return Status::Corruption("read prediction arrays from " + list + ": " + s.message());
  }
  return rows.take_sorted();
}

Result<std::vector<ArrayStore::VersionGroup>> ArrayStore::version_groups(
    const std::vector<std::string>& relative_paths) {
  std::map<std::string, std::vector<size_t>> by_version;
  for (size_t i = 0; i < relative_paths.size(); ++i) {
    const std::string& rel = relative_paths[i];
    N4A_ASSIGN_OR_RETURN(uint64_t size, env_->file_size(absolute(rel)));
    auto it = checked_.find(rel);
    if (it == checked_.end() || it->second.size != size) {
      N4A_ASSIGN_OR_RETURN(std::string version, check_version(rel));
      it = checked_.insert_or_assign(rel, CheckedFile{size, std::move(version)}).first;
    }
    by_version[it->second.version].push_back(i);
  }
  std::vector<VersionGroup> groups;
  for (auto& [version, indices] : by_version) {
    std::vector<std::string> files;
    for (size_t i : indices) files.push_back(absolute(relative_paths[i]));
    groups.push_back({version, std::move(indices), SqlStringList(files)});
  }
  return groups;
}

Result<std::string> ArrayStore::check_version(const std::string& relative_path) {
  std::string path = absolute(relative_path);
  auto version = QueryScalar(
      con_->raw(), "SELECT decode(value) FROM parquet_kv_metadata(" + db::QuoteLiteral(path) +
                       ") WHERE decode(key) = " + db::QuoteLiteral(kArraysFormatVersionKey));
  if (!version.ok()) {
    return Status::Corruption("array file " + path +
                              " is not readable Parquet: " + version.status().message());
  }
  if (*version != kArraysFormatVersion && *version != kArraysFormatVersionLists) {
    return Status::Corruption("array file " + path + " has format version '" + *version +
                              "' (key " + kArraysFormatVersionKey + "); this n4a reads versions " +
                              kArraysFormatVersionLists + " and " + kArraysFormatVersion);
  }
  return *version;
}

Status ArrayStore::check_readable(const std::string& relative_path) {
  std::lock_guard<std::mutex> lock(mu_);
  N4A_TRY(ensure_open());
  std::string path = absolute(relative_path);
  if (!env_->file_exists(path)) return Status::NotFound("array file " + path + " does not exist");
  N4A_TRY(check_version(relative_path));
  // Decodes every row (a BLOB of a partial value is corrupt too).
  Status scanned = QueryRows(con_->raw(),
                             "SELECT " + std::string(kArrayColumns) + ", CAST(0 AS BIGINT) FROM " +
                                 ReadParquetSql(SqlStringList({path})),
                             nullptr, [](ArrayRow&&, size_t) {});
  if (!scanned.ok())
    return Status::Corruption("array file " + path + " cannot be read: " + scanned.message());
  return Status::Ok();
}

Result<std::string> ArrayStore::lists_sql(const std::vector<std::string>& relative_paths) {
  std::lock_guard<std::mutex> lock(mu_);
  N4A_TRY(ensure_open());
  N4A_ASSIGN_OR_RETURN(auto groups, version_groups(relative_paths));
  // Version 1 holds lists already; version 2's BLOBs go through the decoders.
  auto as_list = [](const VersionGroup& g, const char* decoder, const char* column) {
    return g.version == kArraysFormatVersionLists
               ? std::string(column)
               : std::string(decoder) + "(" + column + ") AS " + column;
  };
  std::string sql;
  for (const VersionGroup& g : groups) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT prediction_id, filename, " + as_list(g, kDoublesFunction, "y_true") + ", " +
           as_list(g, kDoublesFunction, "y_pred") + ", " + as_list(g, kDoublesFunction, "y_proba") +
           ", proba_rows, proba_cols, " + as_list(g, kBigintsFunction, "sample_indices") + ", " +
           as_list(g, kDoublesFunction, "weights") + " FROM " + ReadParquetSql(g.file_list);
  }
  return sql;
}

Result<int64_t> ArrayStore::count_rows(const std::vector<std::string>& relative_paths) {
  if (relative_paths.empty()) return 0;
  std::vector<std::string> files;
  for (const auto& p : relative_paths) files.push_back(absolute(p));
  N4A_ASSIGN_OR_RETURN(std::string n,
                       QueryScalar(con_->raw(), "SELECT sum(num_rows) FROM parquet_file_metadata(" +
                                                    SqlStringList(files) + ")"));
  return n.empty() ? 0 : std::stoll(n);
}

Result<std::vector<FileInfo>> ArrayStore::list_files() {
  return ListFiles(env_, root_, kFolder);
}

Result<SweepReport> ArrayStore::sweep(const std::unordered_set<std::string>& live_relative_paths,
                                      int64_t grace_micros, DryRun dry_run,
                                      const InFlightFiles* in_flight) {
  N4A_ASSIGN_OR_RETURN(auto files, list_files());
  return SweepFiles(env_, root_, files, live_relative_paths, grace_micros, dry_run, in_flight);
}

}  // namespace n4a::objects
