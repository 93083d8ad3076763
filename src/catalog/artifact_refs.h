// Reference counting of artifacts by chains (DESIGN.md "Identity"): a chain
// references each artifact id in its fold_artifacts ({"fold_0": id, ...})
// and shared_artifacts ({"<step>": [id, ...]}) once per occurrence. Counts
// change in the transaction that saves or deletes the chain, never apart.
#pragma once

#include <map>
#include <string>

#include "n4a/records.h"
#include "util/database.h"

namespace n4a::catalog {

// artifact id -> number of references, from one chain's JSON columns.
using RefCounts = std::map<std::string, int64_t>;

void AddChainRefs(const Json& fold_artifacts, const Json& shared_artifacts, RefCounts& counts);

// Adds `sign` x counts to artifacts.ref_count inside the caller's transaction.
// NotFound if an id has no artifacts row; Corruption if a count would drop
// below zero (nothing is changed then: the caller rolls back).
enum class RefChange { kIncrement, kDecrement };
Status ApplyRefCounts(db::Connection& con, const RefCounts& counts, RefChange change);

}  // namespace n4a::catalog
