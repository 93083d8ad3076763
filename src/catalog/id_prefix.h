// Ids by a unique prefix, as git takes commits: `n4a show 0199a3b4-5c6d-7`
// for the one chain whose id starts so. Reads only; not thread-safe (the
// store serializes access).
#pragma once

#include <string>

#include "n4a/status.h"
#include "util/database.h"

namespace n4a::catalog {

// The shortest prefix taken for an id (a full id of any length always is).
inline constexpr size_t kMinIdPrefix = 4;

// The ids of one kind: their table, id column, and name in messages.
struct IdColumn {
  std::string table;   // "runs"
  std::string column;  // "run_id"
  std::string what;    // "run"
};

// The full id in `ids` that is `prefix` or, failing that, the only one that
// starts with `prefix`. NotFound when none does; InvalidArgument when several
// do (naming the first few and their count), or for a prefix shorter than
// kMinIdPrefix that is not a whole id.
Result<std::string> ResolveIdPrefix(db::Connection& con, const IdColumn& ids,
                                    const std::string& prefix);

}  // namespace n4a::catalog
