// ZIP archives in memory through libzip, for .n4a bundles. The reader is
// defensive: it takes untrusted bytes and refuses entry paths that could
// escape a folder, duplicate entries and compression methods other than
// store and deflate (all from the directory, before inflating anything), and
// inflates an entry only on request, within a bound the caller gives and
// within the size the directory records for it (a ZIP bomb is stopped before
// its output exceeds either). Functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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

// A ZIP archive opened from untrusted bytes, read one entry at a time.
// Not thread-safe (one libzip handle); the bytes must outlive the reader.
class ZipReader {
 public:
  // Opens `bytes` and checks its directory: Corruption for anything that is
  // not a sound archive (message says what), including unsafe entry paths,
  // duplicate entries and unsupported compression. Inflates nothing.
  static Result<std::unique_ptr<ZipReader>> open(std::string_view bytes);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  // Every entry name, sorted.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const;

  // The content of entry `name`. Corruption when it is missing; when the
  // size its directory records exceeds `max_bytes` (then nothing is
  // inflated); when its data inflates beyond that recorded size (inflating
  // stops there) or falls short of it; on a CRC mismatch.
  Result<std::string> read(const std::string& name, uint64_t max_bytes) const;

 private:
  struct Impl;
  explicit ZipReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every entry of the ZIP archive `bytes` (ZipReader::open, then each entry
// read within its recorded size), for tools and tests: it inflates
// everything the archive holds, up to `max_total_bytes` in all (Corruption
// beyond).
Result<ZipEntries> read_zip(std::string_view bytes, uint64_t max_total_bytes);

// True for a relative path of plain components: no "..", ".", empty or
// absolute parts, backslashes or control characters.
bool is_safe_entry_name(std::string_view name);

}  // namespace n4a::replay
