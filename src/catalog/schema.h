// The catalog schema and its numbered migrations. Migration N takes a
// database from version N-1 to N; each is idempotent (CREATE ... IF NOT
// EXISTS) and runs in the caller's transaction together with the bump of
// `schema_version`, so a crash leaves the old version or the new one.
#pragma once

#include <cstdint>
#include <string>

#include "util/database.h"

namespace n4a::catalog {

// What follows `ATTACH 'path' AS name` when n4a attaches a catalog to write
// it (docs/formats/catalog.md): the rows per row group of what it appends
// and, for a file that does not exist yet (`new_file`), the DuckDB storage
// version it is written with (readers need DuckDB 1.3 or newer). Attaching
// an existing file keeps the version that file has.
std::string WriteAttachOptions(bool new_file);

// The newest schema version this binary knows.
int64_t LatestSchemaVersion();

// The version recorded in `con` (0 for a database without schema_version).
Result<int64_t> ReadSchemaVersion(db::Connection& con);

// Applies every migration above the current version, in one transaction.
// A database newer than this binary is refused (FailedPrecondition).
Status Migrate(db::Connection& con, int64_t now_micros);

}  // namespace n4a::catalog
