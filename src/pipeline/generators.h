// Generators: the alternatives of a pipeline config, expanded into variants.
//
// A generator is a JSON object with exactly one of these keys:
//   {"_or_": [a, b, ...]}        one alternative at a time (null skips a step)
//   {"_range_": [from, to]}      from, from+1, ..., to (inclusive)
//   {"_range_": [from, to, step]}
//   {"_log_range_": [from, to, count]}  count values evenly spaced in log scale
// Generators may appear anywhere (a whole step, a parameter, inside an
// alternative); the variants are the cartesian product of every generator,
// in a fixed order: the first generator of the document varies slowest, so
// variants that share a prefix of steps are neighbours.
//
// The choice made at each generator is recorded under its JSON path, e.g.
// {"pipeline[0]": {"op": "SNV"}, "pipeline[2].n_components": 8}; for `_or_`
// the chosen alternative as written. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"

namespace n4a::pipeline {

// One concrete value of a document with generators.
struct Expansion {
  Json value;    // the document with every generator replaced by its choice
  Json choices;  // {"<json path>": chosen value}, an object (empty: no generator)
};

// The number of variants of `value`, or InvalidArgument naming the JSON path
// of a malformed generator (under `path`), of arrays and objects nested more
// than kMaxStrictJsonDepth levels (util/strict_json.h; the recursion over the
// document is bounded by it), or saying the count exceeds `limit`.
Result<size_t> count_variants(const Json& value, const std::string& path, size_t limit);

// Every variant of `value` in the order described above. `path` is the JSON
// path of `value` in its document ("pipeline"). InvalidArgument as above.
Result<std::vector<Expansion>> expand(const Json& value, const std::string& path, size_t limit);

// The default bound on the number of variants of one config.
constexpr size_t kMaxVariants = 100'000;

}  // namespace n4a::pipeline
