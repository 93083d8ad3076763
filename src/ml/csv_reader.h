// Line and field splitting for the dataset CSV loader (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace n4a::ml {

// Splits one CSV line into fields: `sep`-separated, optional double quotes
// around a field ("" inside quotes is a quote). Leading and trailing spaces
// of unquoted fields are trimmed. Returns false for an unterminated quote.
bool split_csv_line(std::string_view line, char sep, std::vector<std::string>& fields);

// `text` without a leading UTF-8 byte-order mark (EF BB BF), which
// spreadsheet programs write at the start of "CSV UTF-8" files.
std::string_view strip_utf8_bom(std::string_view text);

// Parses a finite double from the whole of `field`; false otherwise.
bool parse_double(std::string_view field, double& value);

}  // namespace n4a::ml
