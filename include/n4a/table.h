// Table: a small materialized result set (column names, kinds, rows of
// values), what listings and `n4a sql` return. A plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace n4a {

// One cell. Timestamps and every type without a natural C++ match are text.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

inline bool IsNull(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// What a column holds, so that printers can render JSON columns as JSON.
enum class ColumnKind { kBool, kInt, kDouble, kString, kJson };

struct Table {
  std::vector<std::string> columns;
  std::vector<ColumnKind> kinds;
  std::vector<std::vector<Value>> rows;

  // Index of a column by name, or -1.
  int column_index(std::string_view name) const;
};

}  // namespace n4a
