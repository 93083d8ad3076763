#include "objects/array_parquet.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <exception>
#include <memory>

#include "util/database.h"

namespace n4a::objects {

const char kArrayColumns[] =
    "prediction_id, dataset_name, model_name, fold_id, \"partition\", metric, val_score, "
    "task_type, y_true, y_pred, y_proba, proba_rows, proba_cols, sample_indices, weights";
const char kFeedFunction[] = "n4a_array_feed";
const char kDoublesFunction[] = "n4a_doubles";
const char kBigintsFunction[] = "n4a_bigints";

namespace {

enum Column : idx_t {
  kPredictionId,
  kDatasetName,
  kModelName,
  kFoldId,
  kPartition,
  kMetric,
  kValScore,
  kTaskType,
  kYTrue,
  kYPred,
  kYProba,
  kProbaRows,
  kProbaCols,
  kSampleIndices,
  kWeights,
  kColumnCount,
};

// Arrays are written as the bytes of their values (format version 2).
static_assert(std::endian::native == std::endian::little,
              "array files hold little-endian values; a big-endian reader must swap them");

// Whether an empty array is written as an empty BLOB or as NULL.
enum class EmptyArray { kEmpty, kNull };

// --- Writing: the table function.

class LogicalType {
 public:
  explicit LogicalType(duckdb_type t) : type_(duckdb_create_logical_type(t)) {}
  static LogicalType ListOf(duckdb_type t) {
    LogicalType child(t);
    return LogicalType(duckdb_create_list_type(child.get()));
  }
  // The type of a vector (of a query's result, or a function's input).
  static LogicalType Of(duckdb_vector v) { return LogicalType(duckdb_vector_get_column_type(v)); }
  duckdb_type id() const { return duckdb_get_type_id(type_); }
  ~LogicalType() { duckdb_destroy_logical_type(&type_); }
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
  duckdb_logical_type get() const { return type_; }

 private:
  explicit LogicalType(duckdb_logical_type t) : type_(t) {}
  duckdb_logical_type type_;
};

void AddColumn(duckdb_bind_info info, const char* name, const LogicalType& type) {
  duckdb_bind_add_result_column(info, name, type.get());
}

void FeedBind(duckdb_bind_info info) {
  LogicalType varchar(DUCKDB_TYPE_VARCHAR), dbl(DUCKDB_TYPE_DOUBLE), bigint(DUCKDB_TYPE_BIGINT),
      blob(DUCKDB_TYPE_BLOB);
  for (const char* name :
       {"prediction_id", "dataset_name", "model_name", "fold_id", "partition", "metric"}) {
    AddColumn(info, name, varchar);
  }
  AddColumn(info, "val_score", dbl);
  AddColumn(info, "task_type", varchar);
  for (const char* name : {"y_true", "y_pred", "y_proba"}) AddColumn(info, name, blob);
  AddColumn(info, "proba_rows", bigint);
  AddColumn(info, "proba_cols", bigint);
  AddColumn(info, "sample_indices", blob);
  AddColumn(info, "weights", blob);
  auto* feed = static_cast<RowFeed*>(duckdb_bind_get_extra_info(info));
  duckdb_bind_set_cardinality(info, feed->rows.size(), true);
}

void FeedInit(duckdb_init_info info) {
  duckdb_init_set_init_data(info, new size_t(0), [](void* p) { delete static_cast<size_t*>(p); });
  duckdb_init_set_max_threads(info, 1);  // rows must leave in order
}

void SetNull(duckdb_vector vec, idx_t row) {
  duckdb_vector_ensure_validity_writable(vec);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(vec), row);
}

template <typename Get>
void FillStrings(duckdb_vector vec, const ArrayRow* const* rows, idx_t n, Get get) {
  for (idx_t i = 0; i < n; ++i) {
    const std::string& s = get(*rows[i]);
    duckdb_vector_assign_string_element_len(vec, i, s.data(), s.size());
  }
}

// Each row's array as one BLOB of its values' bytes. (DuckDB's writer of
// DOUBLE[] columns, format version 1, spent 3x longer per value: define
// levels, and min/max statistics of every element.)
template <typename T, typename Get>
void FillArrays(duckdb_vector vec, const ArrayRow* const* rows, idx_t n, EmptyArray empty,
                Get get) {
  for (idx_t i = 0; i < n; ++i) {
    const std::vector<T>& v = get(*rows[i]);
    if (v.empty() && empty == EmptyArray::kNull) {
      SetNull(vec, i);
      continue;
    }
    duckdb_vector_assign_string_element_len(vec, i, reinterpret_cast<const char*>(v.data()),
                                            v.size() * sizeof(T));
  }
}

void FillScalars(duckdb_data_chunk out, const ArrayRow* const* rows, idx_t n) {
  duckdb_vector score = duckdb_data_chunk_get_vector(out, kValScore);
  auto* scores = static_cast<double*>(duckdb_vector_get_data(score));
  auto* prows =
      static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(out, kProbaRows)));
  auto* pcols =
      static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(out, kProbaCols)));
  for (idx_t i = 0; i < n; ++i) {
    scores[i] = rows[i]->val_score.value_or(0.0);
    if (!rows[i]->val_score) SetNull(score, i);
    prows[i] = rows[i]->arrays.proba_rows;
    pcols[i] = rows[i]->arrays.proba_cols;
  }
}

void FillChunk(duckdb_data_chunk out, const RowFeed& feed, const ArrayRow* const* rows, idx_t n) {
  auto vec = [&](Column c) { return duckdb_data_chunk_get_vector(out, c); };
  FillStrings(
      vec(kPredictionId), rows, n, [](const ArrayRow& r) -> auto& { return r.prediction_id; });
  FillStrings(
      vec(kDatasetName), rows, n, [&](const ArrayRow& r) -> auto& {
        return r.dataset_name.empty() ? feed.dataset_name : r.dataset_name;
      });
  FillStrings(
      vec(kModelName), rows, n, [](const ArrayRow& r) -> auto& { return r.model_name; });
  FillStrings(
      vec(kFoldId), rows, n, [](const ArrayRow& r) -> auto& { return r.fold_id; });
  FillStrings(
      vec(kPartition), rows, n, [](const ArrayRow& r) -> auto& { return r.partition; });
  FillStrings(
      vec(kMetric), rows, n, [](const ArrayRow& r) -> auto& { return r.metric; });
  FillStrings(
      vec(kTaskType), rows, n, [](const ArrayRow& r) -> auto& { return r.task_type; });
  FillScalars(out, rows, n);
  FillArrays<double>(
      vec(kYTrue), rows, n, EmptyArray::kEmpty,
      [](const ArrayRow& r) -> auto& { return r.arrays.y_true; });
  FillArrays<double>(
      vec(kYPred), rows, n, EmptyArray::kEmpty,
      [](const ArrayRow& r) -> auto& { return r.arrays.y_pred; });
  FillArrays<double>(
      vec(kYProba), rows, n, EmptyArray::kNull,
      [](const ArrayRow& r) -> auto& { return r.arrays.y_proba; });
  FillArrays<int64_t>(
      vec(kSampleIndices), rows, n, EmptyArray::kEmpty,
      [](const ArrayRow& r) -> auto& { return r.arrays.sample_indices; });
  FillArrays<double>(
      vec(kWeights), rows, n, EmptyArray::kNull,
      [](const ArrayRow& r) -> auto& { return r.arrays.weights; });
  duckdb_data_chunk_set_size(out, n);
}

void FeedFunction(duckdb_function_info info, duckdb_data_chunk out) {
  try {
    auto* feed = static_cast<RowFeed*>(duckdb_function_get_extra_info(info));
    auto* cursor = static_cast<size_t*>(duckdb_function_get_init_data(info));
    idx_t n = std::min<idx_t>(std::min<idx_t>(duckdb_vector_size(), feed->chunk_rows),
                              feed->rows.size() - *cursor);
    FillChunk(out, *feed, feed->rows.data() + *cursor, n);
    *cursor += n;
  } catch (const std::exception& e) {
    duckdb_function_set_error(info, e.what());
  }
}

// --- Reading.

bool IsValid(duckdb_vector v, idx_t row) {
  uint64_t* validity = duckdb_vector_get_validity(v);
  return validity == nullptr || duckdb_validity_row_is_valid(validity, row);
}

std::string_view StringAt(duckdb_vector v, idx_t row) {
  if (!IsValid(v, row)) return {};
  auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
  return {duckdb_string_t_data(&data[row]), duckdb_string_t_length(data[row])};
}

template <typename T>
T ScalarAt(duckdb_vector v, idx_t row) {
  return IsValid(v, row) ? static_cast<T*>(duckdb_vector_get_data(v))[row] : T{};
}

// The number of values in an array BLOB (format version 2): its bytes.
template <typename T>
Result<size_t> ValueCount(std::string_view bytes) {
  if (bytes.size() % sizeof(T) != 0) {
    return Status::Corruption("an array BLOB of " + std::to_string(bytes.size()) +
                              " bytes, not a whole number of " + std::to_string(sizeof(T)) +
                              "-byte values");
  }
  return bytes.size() / sizeof(T);
}

template <typename T>
Status ValuesOfBlob(std::string_view bytes, std::vector<T>* out) {
  N4A_ASSIGN_OR_RETURN(size_t n, ValueCount<T>(bytes));
  out->resize(n);
  if (n > 0) std::memcpy(out->data(), bytes.data(), bytes.size());
  return Status::Ok();
}

// Whether each column of a result chunk is a BLOB: the arrays are BLOBs in
// format version 2, DOUBLE[] / BIGINT[] lists in version 1.
using BlobColumns = std::array<bool, kColumnCount>;

BlobColumns BlobColumnsOf(duckdb_data_chunk chunk) {
  BlobColumns blobs{};
  for (idx_t c = 0; c < kColumnCount; ++c) {
    blobs[c] = LogicalType::Of(duckdb_data_chunk_get_vector(chunk, c)).id() == DUCKDB_TYPE_BLOB;
  }
  return blobs;
}

// One row's array (empty when NULL).
template <typename T>
Status ReadArray(duckdb_vector v, bool blob, idx_t row, std::vector<T>* out) {
  out->clear();
  if (!IsValid(v, row)) return Status::Ok();
  if (blob) return ValuesOfBlob(StringAt(v, row), out);
  auto entry = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(v))[row];
  auto* child = static_cast<T*>(duckdb_vector_get_data(duckdb_list_vector_get_child(v)));
  out->assign(child + entry.offset, child + entry.offset + entry.length);
  return Status::Ok();
}

// The scalar function kDoublesFunction / kBigintsFunction: BLOB -> list.
template <typename T>
void BlobToList(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  const idx_t n = duckdb_data_chunk_get_size(input);
  duckdb_vector in = duckdb_data_chunk_get_vector(input, 0);
  auto* entries = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(output));
  idx_t pos = duckdb_list_vector_get_size(output);
  for (idx_t i = 0; i < n; ++i) {
    if (!IsValid(in, i)) {
      entries[i] = {pos, 0};
      SetNull(output, i);
      continue;
    }
    const std::string_view bytes = StringAt(in, i);
    Result<size_t> count = ValueCount<T>(bytes);
    if (!count.ok()) {
      duckdb_scalar_function_set_error(info, count.status().message().c_str());
      return;
    }
    entries[i] = {pos, *count};
    duckdb_list_vector_reserve(output, pos + *count);
    auto* child = static_cast<T*>(duckdb_vector_get_data(duckdb_list_vector_get_child(output)));
    if (*count > 0) std::memcpy(child + pos, bytes.data(), bytes.size());
    pos += *count;
    duckdb_list_vector_set_size(output, pos);
  }
}

Status RegisterBlobToList(duckdb_connection con, const char* name, duckdb_type element,
                          duckdb_scalar_function_t function) {
  duckdb_scalar_function fn = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(fn, name);
  LogicalType blob(DUCKDB_TYPE_BLOB);
  duckdb_scalar_function_add_parameter(fn, blob.get());
  auto list = LogicalType::ListOf(element);
  duckdb_scalar_function_set_return_type(fn, list.get());
  duckdb_scalar_function_set_function(fn, function);
  duckdb_state state = duckdb_register_scalar_function(con, fn);
  duckdb_destroy_scalar_function(&fn);
  if (state != DuckDBSuccess) return Status::Internal("cannot register " + std::string(name));
  return Status::Ok();
}

Result<ArrayRow> DecodeRow(duckdb_data_chunk chunk, const BlobColumns& blobs, idx_t row) {
  auto vec = [&](Column c) { return duckdb_data_chunk_get_vector(chunk, c); };
  ArrayRow r;
  r.prediction_id = StringAt(vec(kPredictionId), row);
  r.dataset_name = StringAt(vec(kDatasetName), row);
  r.model_name = StringAt(vec(kModelName), row);
  r.fold_id = StringAt(vec(kFoldId), row);
  r.partition = StringAt(vec(kPartition), row);
  r.metric = StringAt(vec(kMetric), row);
  r.task_type = StringAt(vec(kTaskType), row);
  if (IsValid(vec(kValScore), row)) r.val_score = ScalarAt<double>(vec(kValScore), row);
  N4A_TRY(ReadArray(vec(kYTrue), blobs[kYTrue], row, &r.arrays.y_true));
  N4A_TRY(ReadArray(vec(kYPred), blobs[kYPred], row, &r.arrays.y_pred));
  N4A_TRY(ReadArray(vec(kYProba), blobs[kYProba], row, &r.arrays.y_proba));
  r.arrays.proba_rows = ScalarAt<int64_t>(vec(kProbaRows), row);
  r.arrays.proba_cols = ScalarAt<int64_t>(vec(kProbaCols), row);
  N4A_TRY(ReadArray(vec(kSampleIndices), blobs[kSampleIndices], row, &r.arrays.sample_indices));
  N4A_TRY(ReadArray(vec(kWeights), blobs[kWeights], row, &r.arrays.weights));
  return r;
}

Status DecodeChunk(duckdb_data_chunk chunk, const IdFilter& filter, const RowSink& sink) {
  idx_t n = duckdb_data_chunk_get_size(chunk);
  duckdb_vector ids = duckdb_data_chunk_get_vector(chunk, kPredictionId);
  duckdb_vector files = duckdb_data_chunk_get_vector(chunk, kColumnCount);
  const BlobColumns blobs = BlobColumnsOf(chunk);
  for (idx_t row = 0; row < n; ++row) {
    if (filter && !filter(StringAt(ids, row))) continue;
    Result<ArrayRow> r = DecodeRow(chunk, blobs, row);
    if (!r.ok()) return r.status().WithContext("prediction " + std::string(StringAt(ids, row)));
    sink(std::move(*r), static_cast<size_t>(ScalarAt<int64_t>(files, row)));
  }
  return Status::Ok();
}

// Owns a duckdb_result.
struct ResultHolder {
  duckdb_result result;
  ResultHolder() { std::memset(&result, 0, sizeof(result)); }
  ~ResultHolder() { duckdb_destroy_result(&result); }
  ResultHolder(const ResultHolder&) = delete;
  ResultHolder& operator=(const ResultHolder&) = delete;
};

Status RunQuery(duckdb_connection con, const std::string& sql, ResultHolder* holder) {
  if (duckdb_query(con, sql.c_str(), &holder->result) == DuckDBSuccess) return Status::Ok();
  const char* e = duckdb_result_error(&holder->result);
  return Status::IOError(e != nullptr ? e : "query failed");
}

}  // namespace

Status RegisterFeed(duckdb_connection con, RowFeed* feed) {
  duckdb_table_function fn = duckdb_create_table_function();
  duckdb_table_function_set_name(fn, kFeedFunction);
  duckdb_table_function_set_extra_info(fn, feed, nullptr);
  duckdb_table_function_set_bind(fn, FeedBind);
  duckdb_table_function_set_init(fn, FeedInit);
  duckdb_table_function_set_function(fn, FeedFunction);
  duckdb_state state = duckdb_register_table_function(con, fn);
  duckdb_destroy_table_function(&fn);
  if (state != DuckDBSuccess)
    return Status::Internal("cannot register " + std::string(kFeedFunction));
  return Status::Ok();
}

Status RegisterArrayDecoders(duckdb_connection con) {
  N4A_ASSIGN_OR_RETURN(std::string registered,
                       QueryScalar(con,
                                   "SELECT count(*) FROM duckdb_functions() "
                                   "WHERE function_name = '" +
                                       std::string(kDoublesFunction) + "'"));
  if (registered != "0") return Status::Ok();
  N4A_TRY(RegisterBlobToList(con, kDoublesFunction, DUCKDB_TYPE_DOUBLE, BlobToList<double>));
  return RegisterBlobToList(con, kBigintsFunction, DUCKDB_TYPE_BIGINT, BlobToList<int64_t>);
}

Status QueryRows(duckdb_connection con, const std::string& sql, const IdFilter& filter,
                 const RowSink& sink) {
  ResultHolder holder;
  N4A_TRY(RunQuery(con, sql, &holder));
  if (duckdb_column_count(&holder.result) != kColumnCount + 1) {
    return Status::Internal("array query returned the wrong number of columns");
  }
  while (duckdb_data_chunk chunk = duckdb_fetch_chunk(holder.result)) {
    Status s = DecodeChunk(chunk, filter, sink);
    duckdb_destroy_data_chunk(&chunk);
    N4A_TRY(s);
  }
  const char* e = duckdb_result_error(&holder.result);
  if (e != nullptr && *e != '\0') return Status::IOError(e);
  return Status::Ok();
}

std::string SqlStringList(const std::vector<std::string>& items) {
  return "[" + db::QuoteLiteralList(items) + "]";
}

std::string ReadParquetSql(const std::string& file_list) {
  return "read_parquet(" + file_list + ", filename = true, hive_partitioning = false)";
}

Result<std::string> QueryScalar(duckdb_connection con, const std::string& sql) {
  ResultHolder holder;
  N4A_TRY(RunQuery(con, sql, &holder));
  if (duckdb_row_count(&holder.result) == 0 || duckdb_value_is_null(&holder.result, 0, 0)) {
    return std::string();
  }
  char* text = duckdb_value_varchar(&holder.result, 0, 0);
  std::string out = text != nullptr ? text : "";
  if (text != nullptr) duckdb_free(text);
  return out;
}

}  // namespace n4a::objects
