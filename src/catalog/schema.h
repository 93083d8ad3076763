// The catalog schema and its numbered migrations. Migration N takes a
// database from version N-1 to N; each is idempotent (CREATE ... IF NOT
// EXISTS) and runs in the caller's transaction together with the bump of
// `schema_version`, so a crash leaves the old version or the new one.
#pragma once

#include <cstdint>
#include <string>

#include "util/database.h"

namespace n4a::catalog {

// The ATTACH option that gives a new catalog file the DuckDB storage version
// n4a writes (docs/formats/catalog.md; readers need DuckDB 1.3 or newer):
// older versions' checkpoints convert every column's distinct statistics to
// the pre-1.1 format, a quarter of a small window's checkpoint.
// Attaching an existing file without it keeps the version that file has.
inline constexpr char kStorageVersionOption[] = "STORAGE_VERSION 'v1.3.0'";

// Rows per row group of what a write window appends, when the table it
// appends most to gets `rows` (docs/formats/catalog.md). A small commit gets
// 4,096: its checkpoint rewrites the last, partly filled group of each table
// it appends to, merged with the new rows, so the group size bounds that
// work, whatever the workspace holds. A larger commit gets groups of its own
// size (the power of two at or above `rows`, at most DuckDB's default
// 122,880): in groups of 4,096 it would pay for a new set of column
// segments, statistics and compression every 4,096 rows.
int64_t RowGroupSizeFor(size_t rows);

// What follows `ATTACH 'path' AS name` in a window that writes the catalog:
// the rows per row group of what it appends (RowGroupSizeFor(`rows`)) and,
// for a file that does not exist yet (`new_file`), kStorageVersionOption.
std::string WriteAttachOptions(bool new_file, size_t rows);

// The newest schema version this binary knows.
int64_t LatestSchemaVersion();

// The version recorded in `con` (0 for a database without schema_version).
Result<int64_t> ReadSchemaVersion(db::Connection& con);

// Applies every migration above the current version, in one transaction.
// A database newer than this binary is refused (FailedPrecondition).
Status Migrate(db::Connection& con, int64_t now_micros);

}  // namespace n4a::catalog
