// A thin RAII layer over DuckDB's C API: a Database+Connection pair, queries
// with bound parameters, materialized results, and the Appender.
// Knows nothing of workspaces; the catalog and objects layers build on it.
// Not thread-safe: one thread uses a Connection at a time.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/status.h"
#include "n4a/table.h"

namespace n4a::db {

using n4a::ColumnKind;
using n4a::IsNull;
using n4a::Table;
using n4a::Value;

enum class AccessMode { kReadWrite, kReadOnly };

class Connection {
 public:
  // Opens `path` (":memory:" or empty for an in-memory database).
  static Result<std::unique_ptr<Connection>> open(const std::string& path, AccessMode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters.
  Status exec(const std::string& sql);
  // Runs one statement with `params` bound to $1, $2, ... (or ?).
  Status exec(const std::string& sql, const std::vector<Value>& params);
  Result<Table> query(const std::string& sql, const std::vector<Value>& params = {});
  // Runs exactly one statement, refused (InvalidArgument) unless it is a
  // SELECT or an EXPLAIN: for user-typed queries that must not write.
  Result<Table> query_select_only(const std::string& sql);
  // The number of rows a statement changed.
  Result<int64_t> exec_count(const std::string& sql, const std::vector<Value>& params = {});

  duckdb_connection raw() const { return con_; }

 private:
  Connection(duckdb_database db, duckdb_connection con) : db_(db), con_(con) {}
  // Runs a statement into `result` (caller destroys it).
  Status run(const std::string& sql, const std::vector<Value>& params, duckdb_result* result);

  duckdb_database db_;
  duckdb_connection con_;
};

// Appends rows to one table, much faster than INSERT. Values of a row are
// appended in column order, then end_row(). Errors are sticky: the first one
// is returned by end_row() or close(), and nothing after it is appended.
class Appender {
 public:
  static Result<std::unique_ptr<Appender>> create(Connection& con, const std::string& table);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  void append(std::string_view v);
  void append(const char* v) { append(std::string_view(v)); }
  void append(int64_t v);
  void append(double v);
  void append(bool v);
  void append_null();
  // A TIMESTAMP column, microseconds since the Unix epoch.
  void append_timestamp_micros(int64_t micros);
  void append(const Value& v);
  Status end_row();
  // Flushes and closes; returns the first error, if any.
  Status close();

 private:
  explicit Appender(duckdb_appender app) : app_(app) {}
  void check(duckdb_state state);

  duckdb_appender app_;
  Status status_;
};

// `text` quoted as an SQL string literal, for the few statements (COPY, ATTACH)
// whose file names cannot be bound as parameters.
std::string QuoteLiteral(std::string_view text);
// `items` quoted as SQL string literals and joined by ", " (for IN (...) and
// list literals).
std::string QuoteLiteralList(std::span<const std::string> items);

// `name` quoted as an SQL identifier.
std::string QuoteIdentifier(std::string_view name);

}  // namespace n4a::db
