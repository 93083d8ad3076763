// Printing Tables for people (aligned text) and for scripts (JSON, CSV).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/status.h"
#include "n4a/table.h"

namespace n4a::cli {

enum class Format { kTable, kJson, kCsv };

// Parses "table", "json" or "csv".
Result<Format> ParseFormat(const std::string& name);

// JSON: an array of objects keyed by column name (JSON columns nested as
// JSON). CSV: a header row, then RFC 4180 quoted rows. Table: aligned
// columns, numbers right-aligned, "(no rows)" when empty.
void PrintTable(std::ostream& out, const Table& table, Format format);

// The columns of `table` named in `names`, in that order (unknown names are
// skipped).
Table SelectColumns(const Table& table, const std::vector<std::string>& names);

// Cuts the text values of column `name` to their first `n` characters (for
// people: short hashes); nothing when `table` has no such column.
void TruncateColumn(Table& table, const std::string& name, size_t n);

// A byte count for people: "512 B", "1.5 KiB", "3.2 MiB", "1.25 GiB".
std::string HumanBytes(uint64_t n);

// A value as plain text (doubles with up to 6 significant digits in tables).
std::string ValueText(const Value& v, Format format);

// `text` safe to print to a terminal: C0 control characters, DEL and the C1
// controls U+0080-U+009F become visible escapes (\n, \r, \t, \e, \xNN,
// \u0085), so user text cannot break a table's layout or send the terminal
// commands. Other bytes, including UTF-8, pass unchanged. For text output
// only; JSON and CSV stay exact.
std::string EscapeControl(std::string_view text);

}  // namespace n4a::cli
