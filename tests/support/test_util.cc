#include "support/test_util.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/database.h"

namespace n4a::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "n4a-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path SourcePath(const std::string& relative) {
  return std::filesystem::path(N4A_SOURCE_DIR) / relative;
}

std::string ReadFileOrEmpty(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool StorageVersionAbove(const std::filesystem::path& path, const std::string& version) {
  auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  if (!con.ok()) return false;
  Status attached =
      (*con)->exec("ATTACH " + db::QuoteLiteral(path.string()) +
                   " AS f (READ_ONLY, STORAGE_VERSION " + db::QuoteLiteral(version) + ")");
  return !attached.ok() &&
         attached.message().find("lower than what the database itself uses") != std::string::npos;
}

}  // namespace n4a::testing
