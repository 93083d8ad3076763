// Filters over listings (runs, pipelines, chains, predictions, top): a small
// boolean language, docs/filters.md. A Filter is an expression tree that
// programs build with the factories below and people write as text
// (ParseFilter). The catalog compiles it to parameterized SQL over a fixed
// list of fields per listing: no text of a filter ever becomes SQL text.
//
// Fields are the listing's columns, `scores.<metric>` (a prediction's
// `scores` JSON) and `params.<name>` (the variant's parameters). Which fields
// exist is only known per listing: an unknown field is reported when the
// filter is used (InvalidArgument listing the known ones), not when built.
//
// A comparison with a missing (null) value is false, and `not` is plain
// negation: `not val_score > 1` includes the rows without a val_score.
//
// Filters are immutable values; copies share their tree, so they are cheap to
// copy and safe to read from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "n4a/status.h"

namespace n4a {

// A literal: an integer, a real number or a string.
using FilterValue = std::variant<int64_t, double, std::string>;

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct FilterNode;

class Filter {
 public:
  // The empty filter: matches every row.
  Filter() = default;
  bool empty() const { return node_ == nullptr; }
  // The root of the tree. Precondition: !empty().
  const FilterNode& node() const { return *node_; }

  // Every operand must match (And) / at least one (Or). Operands must not be
  // empty filters and there must be at least one (else InvalidArgument when
  // the filter is used).
  static Filter And(std::vector<Filter> operands);
  static Filter Or(std::vector<Filter> operands);
  static Filter Not(Filter operand);
  // `field op value`; false when the field is null.
  static Filter Compare(std::string field, CompareOp op, FilterValue value);
  // `field in (values...)`.
  static Filter In(std::string field, std::vector<FilterValue> values);
  // SQL LIKE: `%` any run of characters, `_` one character, whole value.
  static Filter Like(std::string field, std::string pattern);
  // A regular expression (RE2 syntax) found anywhere in the value.
  static Filter Regex(std::string field, std::string pattern);
  static Filter IsNull(std::string field);

  // The filter as text in the language, each and/or in parentheses, so that
  // ParseFilter(f.ToString()) builds the same tree. "" for the empty filter.
  std::string ToString() const;

 private:
  explicit Filter(std::shared_ptr<const FilterNode> node) : node_(std::move(node)) {}
  std::shared_ptr<const FilterNode> node_;
};

struct FilterAnd {
  std::vector<Filter> operands;
};
struct FilterOr {
  std::vector<Filter> operands;
};
struct FilterNot {
  Filter operand;
};
struct FilterCompare {
  std::string field;
  CompareOp op = CompareOp::kEq;
  FilterValue value;
};
struct FilterIn {
  std::string field;
  std::vector<FilterValue> values;
};
struct FilterLike {
  std::string field;
  std::string pattern;
};
struct FilterRegex {
  std::string field;
  std::string pattern;
};
struct FilterIsNull {
  std::string field;
};

struct FilterNode {
  std::variant<FilterAnd, FilterOr, FilterNot, FilterCompare, FilterIn, FilterLike, FilterRegex,
               FilterIsNull>
      expr;
};

// Parses the text language (docs/filters.md), e.g.
//   model_class = 'PLSRegression' and (scores.r2 > 0.95 or params.n_components < 4)
// Blank text gives the empty filter. On a syntax error: InvalidArgument whose
// message names the 1-based column and shows the text with a caret under it.
// Field names are not checked here (see above).
Result<Filter> ParseFilter(std::string_view text);

}  // namespace n4a
