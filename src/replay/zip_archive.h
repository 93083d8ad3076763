// ZIP archives in memory through libzip, for .n4a bundles. The reader is
// defensive: it takes untrusted bytes and refuses entry paths that could
// escape a folder, duplicate entries, compression methods other than store
// and deflate, and more output than deflate could produce from the input.
// Functions are thread-safe (no shared state).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "n4a/status.h"

namespace n4a::replay {

// Entry name -> content.
using ZipEntries = std::map<std::string, std::string>;

// A ZIP archive holding `entries` (deflated), in the order given, each with
// modification time `mtime_seconds`. Internal on a libzip failure.
Result<std::string> write_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                              int64_t mtime_seconds);

// Every entry of the ZIP archive `bytes`. Corruption for anything that is
// not a sound archive (message says what), including unsafe entry paths.
Result<ZipEntries> read_zip(std::string_view bytes);

// True for a relative path of plain components: no "..", ".", empty or
// absolute parts, backslashes or control characters.
bool is_safe_entry_name(std::string_view name);

}  // namespace n4a::replay
