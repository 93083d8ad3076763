// Filter: the factories and the text form of the tree (include/n4a/filter.h).
#include "n4a/filter.h"

#include <fmt/format.h>

namespace n4a {
namespace {

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Doubles keep a '.' or an exponent so that they parse back as doubles.
std::string LiteralText(const FilterValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return Quote(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  std::string text = fmt::format("{}", std::get<double>(v));
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

const char* OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

std::string Join(const std::vector<Filter>& operands, const char* separator) {
  std::string out = "(";
  for (size_t i = 0; i < operands.size(); ++i) {
    out += (i > 0 ? separator : "") + operands[i].ToString();
  }
  return out + ")";
}

struct TextOf {
  std::string operator()(const FilterAnd& n) const { return Join(n.operands, " and "); }
  std::string operator()(const FilterOr& n) const { return Join(n.operands, " or "); }
  std::string operator()(const FilterNot& n) const { return "not " + n.operand.ToString(); }
  std::string operator()(const FilterCompare& n) const {
    return n.field + " " + OpText(n.op) + " " + LiteralText(n.value);
  }
  std::string operator()(const FilterIn& n) const {
    std::string out = n.field + " in (";
    for (size_t i = 0; i < n.values.size(); ++i) {
      out += (i > 0 ? ", " : "") + LiteralText(n.values[i]);
    }
    return out + ")";
  }
  std::string operator()(const FilterLike& n) const {
    return n.field + " like " + Quote(n.pattern);
  }
  std::string operator()(const FilterRegex& n) const { return n.field + " ~ " + Quote(n.pattern); }
  std::string operator()(const FilterIsNull& n) const { return n.field + " is null"; }
};

}  // namespace

Filter Filter::And(std::vector<Filter> operands) {
  return Filter(std::make_shared<const FilterNode>(FilterNode{FilterAnd{std::move(operands)}}));
}

Filter Filter::Or(std::vector<Filter> operands) {
  return Filter(std::make_shared<const FilterNode>(FilterNode{FilterOr{std::move(operands)}}));
}

Filter Filter::Not(Filter operand) {
  return Filter(std::make_shared<const FilterNode>(FilterNode{FilterNot{std::move(operand)}}));
}

Filter Filter::Compare(std::string field, CompareOp op, FilterValue value) {
  return Filter(std::make_shared<const FilterNode>(
      FilterNode{FilterCompare{std::move(field), op, std::move(value)}}));
}

Filter Filter::In(std::string field, std::vector<FilterValue> values) {
  return Filter(std::make_shared<const FilterNode>(
      FilterNode{FilterIn{std::move(field), std::move(values)}}));
}

Filter Filter::Like(std::string field, std::string pattern) {
  return Filter(std::make_shared<const FilterNode>(
      FilterNode{FilterLike{std::move(field), std::move(pattern)}}));
}

Filter Filter::Regex(std::string field, std::string pattern) {
  return Filter(std::make_shared<const FilterNode>(
      FilterNode{FilterRegex{std::move(field), std::move(pattern)}}));
}

Filter Filter::IsNull(std::string field) {
  return Filter(std::make_shared<const FilterNode>(FilterNode{FilterIsNull{std::move(field)}}));
}

std::string Filter::ToString() const {
  return empty() ? std::string() : std::visit(TextOf{}, node_->expr);
}

}  // namespace n4a
