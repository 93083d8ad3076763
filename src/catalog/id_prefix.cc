#include "catalog/id_prefix.h"

#include <fmt/format.h>

#include "catalog/catalog_reader.h"

namespace n4a::catalog {
namespace {

constexpr int64_t kCandidatesShown = 5;

// InvalidArgument listing what `prefix` matches: `t` holds up to
// kCandidatesShown ids and, in every row, their total count.
Status Ambiguous(const IdColumn& ids, const std::string& prefix, const db::Table& t) {
  std::string list;
  for (const auto& row : t.rows) list += "\n  " + std::get<std::string>(row[0]);
  const int64_t count = std::get<int64_t>(t.rows[0][1]);
  return Status::InvalidArgument(fmt::format(
      "{} id prefix '{}' is ambiguous: {} {}s start with it{}{}\ngive more characters", ids.what,
      prefix, count, ids.what, list, count > kCandidatesShown ? "\n  ..." : ""));
}

}  // namespace

Result<std::string> ResolveIdPrefix(db::Connection& con, const IdColumn& ids,
                                    const std::string& prefix) {
  if (prefix.size() < kMinIdPrefix) {
    N4A_ASSIGN_OR_RETURN(bool whole, Exists(con, ids.table, ids.column, prefix));
    if (whole) return prefix;
    return Status::InvalidArgument(
        fmt::format("{} id '{}' is neither an id nor a prefix of one (at least {} characters)",
                    ids.what, prefix, kMinIdPrefix));
  }
  // `id >= prefix` lets DuckDB skip row groups by their min/max: UUIDv7 ids
  // grow with time, so a table's groups hold ranges of them.
  N4A_ASSIGN_OR_RETURN(
      db::Table t, con.query(fmt::format("SELECT {0}, count(*) OVER () FROM {1} WHERE {0} >= $1 "
                                         "AND starts_with({0}, $1) ORDER BY {0} LIMIT {2}",
                                         ids.column, ids.table, kCandidatesShown),
                             {prefix}));
  if (t.rows.empty()) return Status::NotFound(ids.what + " " + prefix + " does not exist");
  const std::string& first = std::get<std::string>(t.rows[0][0]);
  // A whole id sorts before the longer ids it is a prefix of.
  if (first == prefix || t.rows.size() == 1) return first;
  return Ambiguous(ids, prefix, t);
}

}  // namespace n4a::catalog
