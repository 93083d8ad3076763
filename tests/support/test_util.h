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

}  // namespace n4a::testing
