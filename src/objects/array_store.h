// ArrayStore: dense prediction arrays in Parquet files under <root>/arrays/
// (DESIGN.md "A workspace on disk"; columns in docs/formats/arrays.md).
//
// Appends never touch existing files: each write_part() publishes one new
// file "arrays/<dataset>/part-<uuidv7>.parquet" (temp name with ".tmp.",
// fsync, rename, fsync of the folder; or batched, see Publish). compact() folds parts into
// "arrays/<dataset>.parquet", keeping only the rows the caller says are live.
// No tombstones: the catalog decides what is alive. Within a file, rows are
// sorted by prediction_id so that Parquet row-group statistics prune point
// reads. The store knows nothing of the catalog and deletes nothing but
// garbage in sweep(). With an InFlight, each new part is announced before it
// is written (in_flight.h).
//
// Thread-safe: one in-memory DuckDB connection, opened on first use, serves
// all calls under a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "n4a/env.h"
#include "n4a/status.h"
#include "objects/array_parquet.h"
#include "objects/array_row.h"
#include "objects/in_flight.h"
#include "objects/object_files.h"

namespace n4a::db {
class Connection;
}

namespace n4a::objects {

// The format version written to every array file's Parquet key-value
// metadata under kArraysFormatVersionKey: 2, arrays as BLOBs of their
// values. Readers also take version 1 (arrays as DOUBLE[] / BIGINT[]).
inline constexpr char kArraysFormatVersion[] = "2";
inline constexpr char kArraysFormatVersionLists[] = "1";
inline constexpr char kArraysFormatVersionKey[] = "n4a_arrays_format_version";
// Array bytes per Parquet row group: a point read decodes one row group, so
// groups are kept small (see bench/objects_bench.cc); the rows per group
// follow from the batch's mean row size, within [16, 2048] rows.
inline constexpr size_t kArraysRowGroupTargetBytes = size_t{2} << 20;

// Parquet codecs. Parts are on the commit path of a sweep (the arrays still
// buffered when it ends are written before its catalog commit):
// LZ4_RAW takes ~25% less CPU there than ZSTD, for files 6-18% larger (most
// of the compression is dictionary encoding of the repeated y_true and
// sample_indices; docs/formats/arrays.md). compact() folds parts into a
// ZSTD file.
inline constexpr char kArraysPartCodec[] = "LZ4_RAW";
inline constexpr char kArraysCompactedCodec[] = "ZSTD";

// Rows per row group for rows averaging `bytes_per_row` bytes of arrays.
size_t RowGroupRowsFor(size_t bytes_per_row);
// The bytes of a row's arrays (8 per value).
size_t ArrayBytes(const ArrayRow& r);

// What compact() wrote.
struct CompactResult {
  std::string relative_path;  // "arrays/<dataset>.parquet"
  int64_t rows_kept = 0;
  int64_t rows_dropped = 0;  // dead rows, and older copies of re-saved ids
};

class ArrayStore {
 public:
  // `env` (and `in_flight`, if any) must outlive the store. Nothing is
  // opened until first use.
  ArrayStore(Env* env, std::string workspace_root, InFlight* in_flight = nullptr);
  ~ArrayStore();
  ArrayStore(const ArrayStore&) = delete;
  ArrayStore& operator=(const ArrayStore&) = delete;

  // "arrays/<DatasetFileName(dataset)>" (the part folder) and
  // "arrays/<DatasetFileName(dataset)>.parquet" (the compacted file).
  static std::string PartFolderFor(std::string_view dataset_name);
  static std::string CompactedPathFor(std::string_view dataset_name);

  // Writes `rows` (any order; written sorted by prediction_id) to a new part
  // file of `dataset_name` and returns its relative path. Rows with an empty
  // dataset_name get `dataset_name`. InvalidArgument for no rows, an empty or
  // repeated prediction_id, another dataset's row, or a y_proba whose size is
  // not proba_rows x proba_cols. On error nothing is visible and no temp
  // file remains. With Publish::kBatched the part is durable only once
  // synced with its folders (Env::sync_filesystem() on the workspace does it
  // all). The part stays in flight until the caller releases it.
  Result<std::string> write_part(std::string_view dataset_name, std::span<const ArrayRow> rows,
                                 Publish publish = Publish::kDurable);
  // Opens the in-memory DuckDB that write_part uses (a first write_part
  // otherwise pays for it: ~13 ms), so that a writer can do it early, off
  // its commit path. Reads use another one, opened when first needed: that
  // one scans files with all of DuckDB's threads, the writer's has one.
  Status prepare();

  // The rows of `prediction_ids` found in the files `relative_paths`. If an
  // id occurs in several files (a prediction saved again), the row from the
  // file latest in `relative_paths` wins. Ids found nowhere are simply
  // absent. NotFound if a file is missing, Corruption if one is unreadable
  // or of another format version.
  Result<std::vector<ArrayRow>> read(const std::vector<std::string>& relative_paths,
                                     const std::vector<std::string>& prediction_ids);
  // Every row of the files (deduplicated as in read()); with `keep_ids`,
  // only those ids (the filter runs before the arrays are decoded).
  Result<std::vector<ArrayRow>> read_all(const std::vector<std::string>& relative_paths,
                                         const std::unordered_set<std::string>* keep_ids = nullptr);

  // Writes CompactedPathFor(dataset_name) atomically with the rows of
  // `input_relative_paths` (which may include the current compacted file)
  // whose prediction_id is in `live_prediction_ids`, deduplicated as in
  // read(). Does not delete the inputs: the caller does after its catalog
  // commit, or sweep() does. On error the previous compacted file is intact.
  Result<CompactResult> compact(std::string_view dataset_name,
                                const std::vector<std::string>& input_relative_paths,
                                const std::unordered_set<std::string>& live_prediction_ids);

  // Ok if the file is an array file of a format version this n4a reads
  // whose every row decodes; Corruption (naming the file) otherwise;
  // NotFound if missing.
  Status check_readable(const std::string& relative_path);

  // SQL of a relation over the files (for a FROM clause): prediction_id,
  // filename (absolute) and the arrays as DOUBLE[] / BIGINT[] lists
  // (y_true, y_pred, y_proba, proba_rows, proba_cols, sample_indices,
  // weights), whatever each file's format version. The connection that runs
  // it needs RegisterArrayDecoders(). Errors as read().
  Result<std::string> lists_sql(const std::vector<std::string>& relative_paths);

  // Every file under arrays/ (parts, compacted files, leftover temps).
  Result<std::vector<FileInfo>> list_files();
  // As ArtifactStore::sweep, over arrays/.
  Result<SweepReport> sweep(const std::unordered_set<std::string>& live_relative_paths,
                            int64_t grace_micros, DryRun dry_run,
                            const InFlightFiles* in_flight = nullptr);

 private:
  std::string absolute(std::string_view relative_path) const;
  // Open the reading / the writing DuckDB if needed. Require mu_.
  Status ensure_open();
  Status ensure_writer();
  // Files of one format version: their indices in the caller's list, and
  // the SQL list literal of their absolute paths.
  struct VersionGroup {
    std::string version;
    std::vector<size_t> indices;
    std::string file_list;
  };
  // Checks existence and format version of each file (cached) and groups
  // the files by version (the files of one read_parquet() must share their
  // column types). Requires mu_.
  Result<std::vector<VersionGroup>> version_groups(const std::vector<std::string>& relative_paths);
  // The file's format version, if this n4a reads it. Requires mu_.
  Result<std::string> check_version(const std::string& relative_path);
  // Reads with an optional SQL predicate and id filter. Requires mu_.
  Result<std::vector<ArrayRow>> read_locked(const std::vector<std::string>& relative_paths,
                                            const std::string& where, const IdFilter& filter);
  // COPY the rows of feed_ to a temp file compressed with `codec`, then
  // publishes it at `relative_path`. Requires mu_.
  Status copy_feed_to_file(const std::string& relative_path, Publish publish,
                           std::string_view codec);
  // Rows in the files (from their Parquet metadata). Requires mu_.
  Result<int64_t> count_rows(const std::vector<std::string>& relative_paths);

  Env* env_;
  std::string root_;
  InFlight* in_flight_;
  std::mutex mu_;
  std::unique_ptr<db::Connection> con_;     // reads
  std::unique_ptr<db::Connection> writer_;  // copies feed_ to Parquet
  RowFeed feed_;
  // Files whose format version was checked, with the size seen then.
  struct CheckedFile {
    uint64_t size = 0;
    std::string version;
  };
  std::unordered_map<std::string, CheckedFile> checked_;
};

}  // namespace n4a::objects
