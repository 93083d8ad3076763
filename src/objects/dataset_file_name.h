// File names for dataset names (arrays/<name>/ and arrays/<name>.parquet).
// Thread-safe (pure function).
#pragma once

#include <string>
#include <string_view>

namespace n4a::objects {

// A file-name-safe form of `dataset_name`: characters outside [A-Za-z0-9._-]
// become '_'. If that changed the name, or the name would be empty, "." or
// "..", would look like a temp file (".tmp."), would end in ".parquet"
// (clashing with a compacted file), or is longer than 100 characters, the
// result gets a suffix "~<first 8 hex of SHA-256(dataset_name)>"; '~' never
// occurs in an unchanged name, so two different dataset names never map to
// the same file name (up to a 32-bit hash collision among changed names).
std::string DatasetFileName(std::string_view dataset_name);

}  // namespace n4a::objects
