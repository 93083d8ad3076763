#include "cli/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace n4a::cli {
namespace {

nlohmann::json ToJson(const Value& v, ColumnKind kind) {
  if (IsNull(v)) return nullptr;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  const std::string& s = std::get<std::string>(v);
  if (kind == ColumnKind::kJson) {
    auto parsed = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return s;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool IsNumeric(ColumnKind k) {
  return k == ColumnKind::kInt || k == ColumnKind::kDouble;
}

void PrintAligned(std::ostream& out, const Table& t) {
  if (t.rows.empty()) {
    out << "(no rows)\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].size();
  for (const auto& row : t.rows) {
    auto& line = cells.emplace_back();
    for (size_t c = 0; c < row.size(); ++c) {
      line.push_back(ValueText(row[c], Format::kTable));
      width[c] = std::max(width[c], line.back().size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& line) {
    for (size_t c = 0; c < line.size(); ++c) {
      bool right = IsNumeric(t.kinds[c]);
      std::string cell = right ? fmt::format("{:>{}}", line[c], width[c])
                               : fmt::format("{:<{}}", line[c], width[c]);
      if (c + 1 == line.size() && !right) cell = line[c];  // no trailing blanks
      out << cell << (c + 1 == line.size() ? "\n" : "  ");
    }
  };
  print_row(t.columns);
  std::vector<std::string> rule;
  for (size_t w : width) rule.emplace_back(w, '-');
  print_row(rule);
  for (const auto& line : cells) print_row(line);
}

}  // namespace

Table SelectColumns(const Table& table, const std::vector<std::string>& names) {
  std::vector<int> keep;
  Table out;
  for (const std::string& name : names) {
    int i = table.column_index(name);
    if (i < 0) continue;
    keep.push_back(i);
    out.columns.push_back(name);
    out.kinds.push_back(table.kinds[static_cast<size_t>(i)]);
  }
  for (const auto& row : table.rows) {
    auto& line = out.rows.emplace_back();
    for (int i : keep) line.push_back(row[static_cast<size_t>(i)]);
  }
  return out;
}

std::string HumanBytes(uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (uint64_t{1} << 20)) return fmt::format("{:.1f} KiB", n / 1024.0);
  if (n < (uint64_t{1} << 30)) return fmt::format("{:.1f} MiB", n / 1048576.0);
  return fmt::format("{:.2f} GiB", n / 1073741824.0);
}

Result<Format> ParseFormat(const std::string& name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  return Status::InvalidArgument("unknown format '" + name + "': use table, json or csv");
}

std::string ValueText(const Value& v, Format format) {
  if (IsNull(v)) return "";
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    return format == Format::kTable ? fmt::format("{:.6g}", *d) : fmt::format("{}", *d);
  }
  return std::get<std::string>(v);
}

void PrintTable(std::ostream& out, const Table& t, Format format) {
  switch (format) {
    case Format::kTable: PrintAligned(out, t); return;
    case Format::kJson: {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : t.rows) {
        nlohmann::json obj = nlohmann::json::object();
        for (size_t c = 0; c < row.size(); ++c) obj[t.columns[c]] = ToJson(row[c], t.kinds[c]);
        rows.push_back(std::move(obj));
      }
      out << rows.dump(2) << "\n";
      return;
    }
    case Format::kCsv: {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        out << CsvField(t.columns[c]) << (c + 1 == t.columns.size() ? "\n" : ",");
      }
      for (const auto& row : t.rows) {
        for (size_t c = 0; c < row.size(); ++c) {
          out << CsvField(ValueText(row[c], Format::kCsv)) << (c + 1 == row.size() ? "\n" : ",");
        }
      }
      return;
    }
  }
}

}  // namespace n4a::cli
