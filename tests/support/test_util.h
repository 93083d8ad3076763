// Helpers shared by the unit tests.
#pragma once

#include <filesystem>
#include <string>

namespace n4a::testing {

// A fresh, empty directory under the system temp folder, removed with
// everything in it when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Path of a file in the source tree, e.g. SourcePath("data/gasoline.csv").
std::filesystem::path SourcePath(const std::string& relative);

// Reads a whole file; empty string when it cannot be read.
std::string ReadFileOrEmpty(const std::filesystem::path& path);

// Whether the DuckDB file at `path` is written with a storage version newer
// than `version` (e.g. "v1.2.0"): DuckDB refuses to attach a file at a lower
// storage version than its own, and attaching it at its own changes nothing.
bool StorageVersionAbove(const std::filesystem::path& path, const std::string& version);

}  // namespace n4a::testing
