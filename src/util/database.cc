#include "util/database.h"

#include <cstring>

namespace n4a::db {
namespace {

ColumnKind KindOf(duckdb_result* result, idx_t col) {
  switch (duckdb_column_type(result, col)) {
    case DUCKDB_TYPE_BOOLEAN: return ColumnKind::kBool;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT: return ColumnKind::kInt;
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL: return ColumnKind::kDouble;
    default: break;
  }
  duckdb_logical_type type = duckdb_column_logical_type(result, col);
  char* alias = duckdb_logical_type_get_alias(type);
  bool json = alias != nullptr && std::strcmp(alias, "JSON") == 0;
  if (alias != nullptr) duckdb_free(alias);
  duckdb_destroy_logical_type(&type);
  return json ? ColumnKind::kJson : ColumnKind::kString;
}

Value ReadValue(duckdb_result* result, ColumnKind kind, idx_t col, idx_t row) {
  if (duckdb_value_is_null(result, col, row)) return std::monostate{};
  switch (kind) {
    case ColumnKind::kBool: return duckdb_value_boolean(result, col, row);
    case ColumnKind::kInt: return duckdb_value_int64(result, col, row);
    case ColumnKind::kDouble: return duckdb_value_double(result, col, row);
    case ColumnKind::kString:
    case ColumnKind::kJson: break;
  }
  char* text = duckdb_value_varchar(result, col, row);
  std::string out = text != nullptr ? text : "";
  if (text != nullptr) duckdb_free(text);
  return out;
}

Table Materialize(duckdb_result* result) {
  Table t;
  idx_t ncol = duckdb_column_count(result);
  idx_t nrow = duckdb_row_count(result);
  for (idx_t c = 0; c < ncol; ++c) {
    t.columns.emplace_back(duckdb_column_name(result, c));
    t.kinds.push_back(KindOf(result, c));
  }
  t.rows.resize(nrow);
  for (idx_t r = 0; r < nrow; ++r) {
    t.rows[r].reserve(ncol);
    for (idx_t c = 0; c < ncol; ++c) t.rows[r].push_back(ReadValue(result, t.kinds[c], c, r));
  }
  return t;
}

duckdb_state Bind(duckdb_prepared_statement stmt, idx_t index, const Value& v) {
  struct Visitor {
    duckdb_prepared_statement stmt;
    idx_t i;
    duckdb_state operator()(std::monostate) const { return duckdb_bind_null(stmt, i); }
    duckdb_state operator()(bool b) const { return duckdb_bind_boolean(stmt, i, b); }
    duckdb_state operator()(int64_t x) const { return duckdb_bind_int64(stmt, i, x); }
    duckdb_state operator()(double x) const { return duckdb_bind_double(stmt, i, x); }
    duckdb_state operator()(const std::string& s) const {
      return duckdb_bind_varchar_length(stmt, i, s.data(), s.size());
    }
  };
  return std::visit(Visitor{stmt, index}, v);
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, AccessMode mode) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) != DuckDBSuccess) return Status::Internal("duckdb config");
  if (mode == AccessMode::kReadOnly) duckdb_set_config(config, "access_mode", "READ_ONLY");
  duckdb_database db = nullptr;
  char* err = nullptr;
  const char* p = path.empty() || path == ":memory:" ? nullptr : path.c_str();
  duckdb_state state = duckdb_open_ext(p, &db, config, &err);
  duckdb_destroy_config(&config);
  if (state != DuckDBSuccess) {
    std::string msg = err != nullptr ? err : "unknown error";
    if (err != nullptr) duckdb_free(err);
    return Status::IOError("open database " + path + ": " + msg);
  }
  duckdb_connection con = nullptr;
  if (duckdb_connect(db, &con) != DuckDBSuccess) {
    duckdb_close(&db);
    return Status::IOError("connect to database " + path);
  }
  return std::unique_ptr<Connection>(new Connection(db, con));
}

Connection::~Connection() {
  duckdb_disconnect(&con_);
  duckdb_close(&db_);
}

Status Connection::run(const std::string& sql, const std::vector<Value>& params,
                       duckdb_result* result) {
  std::memset(result, 0, sizeof(*result));
  if (params.empty()) {
    if (duckdb_query(con_, sql.c_str(), result) != DuckDBSuccess) {
      const char* e = duckdb_result_error(result);
      return Status::IOError(e != nullptr ? e : "query failed");
    }
    return Status::Ok();
  }
  duckdb_prepared_statement stmt = nullptr;
  if (duckdb_prepare(con_, sql.c_str(), &stmt) != DuckDBSuccess) {
    std::string msg = duckdb_prepare_error(stmt);
    duckdb_destroy_prepare(&stmt);
    return Status::IOError(msg);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (Bind(stmt, i + 1, params[i]) != DuckDBSuccess) {
      duckdb_destroy_prepare(&stmt);
      return Status::InvalidArgument("cannot bind parameter " + std::to_string(i + 1));
    }
  }
  duckdb_state state = duckdb_execute_prepared(stmt, result);
  duckdb_destroy_prepare(&stmt);
  if (state != DuckDBSuccess) {
    const char* e = duckdb_result_error(result);
    return Status::IOError(e != nullptr ? e : "query failed");
  }
  return Status::Ok();
}

Status Connection::exec(const std::string& sql) {
  return exec(sql, {});
}

Status Connection::exec(const std::string& sql, const std::vector<Value>& params) {
  duckdb_result result;
  Status s = run(sql, params, &result);
  duckdb_destroy_result(&result);
  return s;
}

Result<Table> Connection::query(const std::string& sql, const std::vector<Value>& params) {
  duckdb_result result;
  Status s = run(sql, params, &result);
  if (!s.ok()) {
    duckdb_destroy_result(&result);
    return s;
  }
  Table t = Materialize(&result);
  duckdb_destroy_result(&result);
  return t;
}

Result<Table> Connection::query_select_only(const std::string& sql) {
  duckdb_extracted_statements extracted = nullptr;
  idx_t count = duckdb_extract_statements(con_, sql.c_str(), &extracted);
  auto destroy = [&] { duckdb_destroy_extracted(&extracted); };
  if (count == 0) {
    std::string msg = duckdb_extract_statements_error(extracted);
    destroy();
    return Status::InvalidArgument(msg.empty() ? "empty query" : msg);
  }
  if (count != 1) {
    destroy();
    return Status::InvalidArgument("expected one statement, got " + std::to_string(count));
  }
  duckdb_prepared_statement stmt = nullptr;
  if (duckdb_prepare_extracted_statement(con_, extracted, 0, &stmt) != DuckDBSuccess) {
    std::string msg = duckdb_prepare_error(stmt);
    duckdb_destroy_prepare(&stmt);
    destroy();
    return Status::InvalidArgument(msg);
  }
  destroy();
  duckdb_statement_type type = duckdb_prepared_statement_type(stmt);
  if (type != DUCKDB_STATEMENT_TYPE_SELECT && type != DUCKDB_STATEMENT_TYPE_EXPLAIN) {
    duckdb_destroy_prepare(&stmt);
    return Status::InvalidArgument("only SELECT (or EXPLAIN) statements are allowed here");
  }
  duckdb_result result;
  duckdb_state state = duckdb_execute_prepared(stmt, &result);
  duckdb_destroy_prepare(&stmt);
  if (state != DuckDBSuccess) {
    Status s = Status::InvalidArgument(duckdb_result_error(&result));
    duckdb_destroy_result(&result);
    return s;
  }
  Table t = Materialize(&result);
  duckdb_destroy_result(&result);
  return t;
}

Result<int64_t> Connection::exec_count(const std::string& sql, const std::vector<Value>& params) {
  duckdb_result result;
  Status s = run(sql, params, &result);
  int64_t n = s.ok() ? static_cast<int64_t>(duckdb_rows_changed(&result)) : 0;
  duckdb_destroy_result(&result);
  if (!s.ok()) return s;
  return n;
}

Result<std::unique_ptr<Appender>> Appender::create(Connection& con, const std::string& table) {
  duckdb_appender app = nullptr;
  if (duckdb_appender_create(con.raw(), nullptr, table.c_str(), &app) != DuckDBSuccess) {
    std::string msg = app != nullptr ? duckdb_appender_error(app) : "unknown error";
    duckdb_appender_destroy(&app);
    return Status::IOError("appender for " + table + ": " + msg);
  }
  return std::unique_ptr<Appender>(new Appender(app));
}

Appender::~Appender() {
  duckdb_appender_destroy(&app_);
}

void Appender::check(duckdb_state state) {
  if (state != DuckDBSuccess && status_.ok()) {
    const char* e = duckdb_appender_error(app_);
    status_ = Status::IOError(std::string("append: ") + (e != nullptr ? e : "failed"));
  }
}

void Appender::append(std::string_view v) {
  if (status_.ok()) check(duckdb_append_varchar_length(app_, v.data(), v.size()));
}
void Appender::append(int64_t v) {
  if (status_.ok()) check(duckdb_append_int64(app_, v));
}
void Appender::append(double v) {
  if (status_.ok()) check(duckdb_append_double(app_, v));
}
void Appender::append(bool v) {
  if (status_.ok()) check(duckdb_append_bool(app_, v));
}
void Appender::append_null() {
  if (status_.ok()) check(duckdb_append_null(app_));
}
void Appender::append_timestamp_micros(int64_t micros) {
  if (status_.ok()) check(duckdb_append_timestamp(app_, duckdb_timestamp{micros}));
}

void Appender::append(const Value& v) {
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          append_null();
        } else if constexpr (std::is_same_v<T, std::string>) {
          append(std::string_view(x));
        } else {
          append(x);
        }
      },
      v);
}

Status Appender::end_row() {
  if (status_.ok()) check(duckdb_appender_end_row(app_));
  return status_;
}

Status Appender::close() {
  if (status_.ok()) check(duckdb_appender_close(app_));
  return status_;
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string QuoteLiteralList(std::span<const std::string> items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += QuoteLiteral(items[i]);
  }
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace n4a::db

namespace n4a {

int Table::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace n4a
