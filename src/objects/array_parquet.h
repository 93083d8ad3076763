// The DuckDB side of the array store: a C API table function that streams
// ArrayRows from memory into `COPY (SELECT ...) TO ... (FORMAT PARQUET)`
// without an intermediate table, and decoding of query results back into
// ArrayRows. Internal to src/objects.
// Not thread-safe: callers serialize use of one connection.
#pragma once

#include <duckdb.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/status.h"
#include "objects/array_row.h"

namespace n4a::objects {

// The array columns in file order (docs/formats/arrays.md).
extern const char kArrayColumns[];
// Name of the table function that yields the rows of a RowFeed.
extern const char kFeedFunction[];
// Names of the scalar functions of RegisterArrayDecoders: an array BLOB
// (format version 2) to the DOUBLE[] / BIGINT[] of version 1.
extern const char kDoublesFunction[];
extern const char kBigintsFunction[];

// The rows the next `SELECT * FROM n4a_array_feed()` yields, in order.
// Each scan restarts from the first row.
struct RowFeed {
  std::vector<const ArrayRow*> rows;
  std::string dataset_name;  // written for rows whose dataset_name is empty
  // Rows per output chunk. DuckDB's Parquet writer never splits a chunk, so
  // this bounds the row-group size from below.
  size_t chunk_rows = 2048;
};

// Empties the feed when the write is over, so no dangling row pointers stay.
class FeedGuard {
 public:
  explicit FeedGuard(RowFeed* feed) : feed_(feed) {}
  ~FeedGuard() {
    feed_->chunk_rows = 2048;
    feed_->rows.clear();
    feed_->dataset_name.clear();
  }
  FeedGuard(const FeedGuard&) = delete;
  FeedGuard& operator=(const FeedGuard&) = delete;

 private:
  RowFeed* feed_;
};

// Registers kFeedFunction on `con`, reading from `feed` (which must outlive
// the connection's use of the function).
Status RegisterFeed(duckdb_connection con, RowFeed* feed);

// Registers kDoublesFunction and kBigintsFunction on `con`'s database,
// unless it has them already.
Status RegisterArrayDecoders(duckdb_connection con);

// Called per decoded row with the index of the row's source file (the
// query's last column, an index into the caller's file list).
using RowSink = std::function<void(ArrayRow&& row, size_t file_index)>;
// Called with each row's prediction_id before decoding: false skips the row.
using IdFilter = std::function<bool(std::string_view prediction_id)>;

// Runs `sql`, whose columns are kArrayColumns then a BIGINT file index, and
// hands each row passing `filter` (if set) to `sink`.
Status QueryRows(duckdb_connection con, const std::string& sql, const IdFilter& filter,
                 const RowSink& sink);

// SQL text: ['a', 'b'] (a list literal), and a read_parquet() call over a
// list literal that adds the `filename` column.
std::string SqlStringList(const std::vector<std::string>& items);
std::string ReadParquetSql(const std::string& file_list);

// Runs `sql` and returns the first column of the first row as text (empty
// when there is no row or it is NULL).
Result<std::string> QueryScalar(duckdb_connection con, const std::string& sql);

}  // namespace n4a::objects
