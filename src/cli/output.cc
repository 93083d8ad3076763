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

// The escape of control byte `c` (C0 or DEL).
std::string ControlEscape(unsigned char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case 0x1b: return "\\e";
    default: return fmt::format("\\x{:02x}", c);
  }
}

bool IsNumeric(ColumnKind k) {
  return k == ColumnKind::kInt || k == ColumnKind::kDouble;
}

// The cells of `t` as escaped text, the header row first.
std::vector<std::vector<std::string>> TableCells(const Table& t) {
  std::vector<std::vector<std::string>> cells;
  auto& header = cells.emplace_back();
  for (const auto& name : t.columns) header.push_back(EscapeControl(name));
  for (const auto& row : t.rows) {
    auto& line = cells.emplace_back();
    for (const auto& v : row) line.push_back(EscapeControl(ValueText(v, Format::kTable)));
  }
  return cells;
}

void PrintAligned(std::ostream& out, const Table& t) {
  if (t.rows.empty()) {
    out << "(no rows)\n";
    return;
  }
  std::vector<std::vector<std::string>> cells = TableCells(t);
  std::vector<size_t> width(t.columns.size());
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
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
  print_row(cells[0]);
  std::vector<std::string> rule;
  for (size_t w : width) rule.emplace_back(w, '-');
  print_row(rule);
  for (size_t r = 1; r < cells.size(); ++r) print_row(cells[r]);
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

void TruncateColumn(Table& table, const std::string& name, size_t n) {
  const int c = table.column_index(name);
  if (c < 0) return;
  for (auto& row : table.rows) {
    if (auto* s = std::get_if<std::string>(&row[static_cast<size_t>(c)])) *s = s->substr(0, n);
  }
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

std::string EscapeControl(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c < 0x20 || c == 0x7f) {
      out += ControlEscape(c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {  // UTF-8 of U+0080-U+009F
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
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
