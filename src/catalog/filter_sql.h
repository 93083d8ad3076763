// Compiling a Filter (include/n4a/filter.h) into an SQL condition over the
// fields of one listing. Field names resolve only through a FilterFields
// whitelist whose SQL is fixed text of this layer; every literal of the
// filter, and every metric or parameter name, is a bound parameter.
// Functions here are pure except CheckLiterals, which asks DuckDB.
#pragma once

#include <string>
#include <vector>

#include "n4a/filter.h"
#include "util/database.h"

namespace n4a::catalog {

// What a field holds, which decides the literals and operators it accepts.
enum class FieldType {
  kText,    // strings: = != < ... in like ~
  kNumber,  // numbers: = != < ... in
  kTime,    // TIMESTAMP, compared with 'YYYY-MM-DD[ HH:MM:SS]' strings; like and ~ on its text
};

struct FilterField {
  std::string name;  // as written in a filter
  std::string sql;   // the SQL expression it stands for
  FieldType type = FieldType::kText;
};

// Where `params.<name>` of a row comes from: the parameters of its chain, or
// of its pipeline (both: chains.steps[*].params, falling back to
// pipelines.expanded_config for a pipeline without a chain).
enum class ParamsKey { kNone, kChain, kPipeline };

// The fields of one listing.
struct FilterFields {
  std::string listing;  // "predictions", for messages
  std::vector<FilterField> columns;
  bool scores = false;    // scores.<metric> of the predictions row below
  std::string qualifier;  // of the predictions row: "p." or "predictions."
  ParamsKey params_key = ParamsKey::kNone;
  std::string params_key_sql;  // SQL of the row's chain_id / pipeline_id
};

// The fields of each listing, over the aliases of catalog_reader.cc: runs `r`,
// pipelines `p`, chains `c` joined with their pipeline `p`, and predictions
// qualified by `qualifier` ("predictions." or "p."; never empty).
const FilterFields& RunFilterFields();
const FilterFields& PipelineFilterFields();
const FilterFields& ChainFilterFields();
FilterFields PredictionFilterFields(const std::string& qualifier);

// The value of metric `name` of a predictions row whose columns are named
// with `qualifier` ("" or "p."), binding `name` in `params`. A row's
// val/test/train score column holds its own metric on its own partition,
// equal to that entry of `scores`: reading the column skips parsing JSON for
// most rows.
std::string ScoreSql(const std::string& qualifier, const std::string& name,
                     std::vector<db::Value>& params);

struct CompiledFilter {
  std::string sql;  // a boolean SQL expression; "" for the empty filter
  // Literals DuckDB must accept, checked by CheckLiterals before the query
  // runs so that a bad one is a usage error rather than a failed query.
  std::vector<std::string> regexes;
  std::vector<std::string> timestamps;
};

// Compiles `filter` over `fields`, appending its bound values to `params`
// (referenced as $<index>). InvalidArgument for an unknown field (the message
// lists the known ones), a literal of the wrong type for its field, or a
// malformed tree (an and/or without operands, an empty operand).
Result<CompiledFilter> CompileFilter(const Filter& filter, const FilterFields& fields,
                                     std::vector<db::Value>& params);

// InvalidArgument when DuckDB rejects one of the regular expressions or
// timestamps of `compiled`.
Status CheckLiterals(db::Connection& con, const CompiledFilter& compiled);

// Compiles and checks `filter`, then appends it to `where` (" WHERE (...)" or
// " AND (...)"); nothing for the empty filter.
Status AppendFilter(db::Connection& con, const Filter& filter, const FilterFields& fields,
                    std::string& where, std::vector<db::Value>& params);

}  // namespace n4a::catalog
