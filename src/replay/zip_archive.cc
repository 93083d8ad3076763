#include "replay/zip_archive.h"

#include <fmt/format.h>
#include <zip.h>

#include <memory>

namespace n4a::replay {
namespace {

constexpr zip_int64_t kMaxEntries = 100'000;
// Deflate expands at most ~1032:1; allow that plus slack, never more.
constexpr uint64_t kMaxExpansion = 1100;
constexpr uint64_t kSlackBytes = 1 << 20;
constexpr size_t kEndRecordBytes = 22;

struct ZipError {
  zip_error_t error;
  ZipError() { zip_error_init(&error); }
  ~ZipError() { zip_error_fini(&error); }
  std::string text() { return zip_error_strerror(&error); }
};

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

Status corrupt(std::string_view what) {
  return Status::Corruption(fmt::format("not a valid bundle archive: {}", what));
}

// The bytes libzip wrote into an in-memory source.
Result<std::string> source_bytes(zip_source_t* src) {
  if (zip_source_open(src) < 0) return Status::Internal("zip: cannot reopen the archive buffer");
  std::string out;
  char buf[1 << 16];
  zip_int64_t n = 0;
  while ((n = zip_source_read(src, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  zip_source_close(src);
  if (n < 0) return Status::Internal("zip: cannot read the archive buffer");
  return out;
}

Status add_entry(zip_t* za, const std::string& name, const std::string& data, time_t mtime) {
  zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
  if (s == nullptr) return Status::Internal("zip: " + std::string(zip_strerror(za)));
  const zip_int64_t idx = zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8);
  if (idx < 0) {
    zip_source_free(s);
    return Status::Internal(fmt::format("zip: adding {}: {}", name, zip_strerror(za)));
  }
  const auto i = static_cast<zip_uint64_t>(idx);
  if (zip_set_file_compression(za, i, ZIP_CM_DEFLATE, 0) < 0 ||
      zip_file_set_mtime(za, i, mtime, 0) < 0) {
    return Status::Internal(fmt::format("zip: {}: {}", name, zip_strerror(za)));
  }
  return Status::Ok();
}

// Reads entry `i` (at most `budget` bytes in total), checking its CRC.
Result<std::string> read_entry(zip_t* za, zip_uint64_t i, const std::string& name,
                               uint64_t& budget) {
  std::unique_ptr<zip_file_t, FileCloser> f(zip_fopen_index(za, i, 0));
  if (!f) return corrupt(fmt::format("entry '{}': {}", name, zip_strerror(za)));
  std::string out;
  char buf[1 << 16];
  zip_int64_t n = 0;
  while ((n = zip_fread(f.get(), buf, sizeof buf)) > 0) {
    if (static_cast<uint64_t>(n) > budget) return corrupt("entries larger than the archive allows");
    budget -= static_cast<uint64_t>(n);
    out.append(buf, static_cast<size_t>(n));
  }
  if (n < 0) {
    return corrupt(
        fmt::format("entry '{}': {}", name, zip_error_strerror(zip_file_get_error(f.get()))));
  }
  return out;
}

}  // namespace

bool is_safe_entry_name(std::string_view name) {
  if (name.empty() || name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\' || c == ':' || c == 0x7f) return false;
    }
    start = end + 1;
  }
  return true;
}

Result<std::string> write_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                              int64_t mtime_seconds) {
  ZipError error;
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &error.error);
  if (src == nullptr) return Status::Internal("zip: " + error.text());
  Archive za(zip_open_from_source(src, ZIP_TRUNCATE, &error.error));
  if (!za) {
    zip_source_free(src);
    return Status::Internal("zip: " + error.text());
  }
  // Our own reference keeps the buffer alive after zip_close.
  zip_source_keep(src);
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> owner(src, &zip_source_free);
  for (const auto& [name, data] : entries) {
    N4A_TRY(add_entry(za.get(), name, data, static_cast<time_t>(mtime_seconds)));
  }
  if (zip_close(za.get()) < 0)
    return Status::Internal(std::string("zip: ") + zip_strerror(za.get()));
  (void)za.release();  // zip_close freed it
  return source_bytes(src);
}

Result<ZipEntries> read_zip(std::string_view bytes) {
  // libzip opens an empty buffer as an empty archive; a real one has at
  // least its end-of-central-directory record.
  if (bytes.size() < kEndRecordBytes) {
    return corrupt(fmt::format("not a ZIP file or truncated ({} bytes)", bytes.size()));
  }
  ZipError error;
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error.error);
  if (src == nullptr) return Status::Internal("zip: " + error.text());
  Archive za(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error.error));
  if (!za) {
    zip_source_free(src);
    return corrupt(fmt::format("not a ZIP file or truncated ({})", error.text()));
  }
  const zip_int64_t n = zip_get_num_entries(za.get(), 0);
  if (n < 0 || n > kMaxEntries) return corrupt(fmt::format("{} entries", n));
  uint64_t budget = kMaxExpansion * bytes.size() + kSlackBytes;
  ZipEntries entries;
  for (zip_int64_t k = 0; k < n; ++k) {
    const auto i = static_cast<zip_uint64_t>(k);
    zip_stat_t st;
    if (zip_stat_index(za.get(), i, 0, &st) < 0 || (st.valid & ZIP_STAT_NAME) == 0) {
      return corrupt(fmt::format("entry {}: {}", k, zip_strerror(za.get())));
    }
    const std::string name = st.name;
    if (!is_safe_entry_name(name)) {
      return Status::Corruption(
          fmt::format("bundle entry path '{}' is not a safe relative path "
                      "(it could escape the folder it is extracted to)",
                      name));
    }
    if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 ||
        (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
      return corrupt(fmt::format("entry '{}': unsupported compression", name));
    }
    N4A_ASSIGN_OR_RETURN(std::string data, read_entry(za.get(), i, name, budget));
    if (!entries.emplace(name, std::move(data)).second) {
      return corrupt(fmt::format("duplicate entry '{}'", name));
    }
  }
  return entries;
}

}  // namespace n4a::replay
