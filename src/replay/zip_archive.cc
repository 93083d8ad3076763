#include "replay/zip_archive.h"

#include <fmt/format.h>
#include <zip.h>

#include <memory>

namespace n4a::replay {
namespace {

constexpr zip_int64_t kMaxEntries = 100'000;
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

// Reads entry `i`, which the directory says is `size` bytes, checking its
// CRC; stops as soon as it inflates past `size`.
Result<std::string> read_entry(zip_t* za, zip_uint64_t i, const std::string& name, uint64_t size) {
  std::unique_ptr<zip_file_t, FileCloser> f(zip_fopen_index(za, i, 0));
  if (!f) return corrupt(fmt::format("entry '{}': {}", name, zip_strerror(za)));
  std::string out;
  out.reserve(static_cast<size_t>(size));
  char buf[1 << 16];
  zip_int64_t n = 0;
  while ((n = zip_fread(f.get(), buf, sizeof buf)) > 0) {
    if (static_cast<uint64_t>(n) > size - out.size()) {
      return corrupt(
          fmt::format("entry '{}' inflates beyond the {} bytes its directory records", name, size));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  if (n < 0) {
    return corrupt(
        fmt::format("entry '{}': {}", name, zip_error_strerror(zip_file_get_error(f.get()))));
  }
  if (out.size() != size) {
    return corrupt(
        fmt::format("entry '{}' holds {} bytes, its directory records {}", name, out.size(), size));
  }
  return out;
}

// Entry `i` of the directory, checked: a safe path, store or deflate.
struct EntryInfo {
  std::string name;
  zip_uint64_t index = 0;
  uint64_t size = 0;  // uncompressed, as the directory records it
};

Result<EntryInfo> stat_entry(zip_t* za, zip_uint64_t i) {
  zip_stat_t st;
  if (zip_stat_index(za, i, 0, &st) < 0 || (st.valid & ZIP_STAT_NAME) == 0 ||
      (st.valid & ZIP_STAT_SIZE) == 0) {
    return corrupt(fmt::format("entry {}: {}", i, zip_strerror(za)));
  }
  EntryInfo e{st.name, i, st.size};
  if (!is_safe_entry_name(e.name)) {
    return Status::Corruption(
        fmt::format("bundle entry path '{}' is not a safe relative path "
                    "(it could escape the folder it is extracted to)",
                    e.name));
  }
  if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 ||
      (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
    return corrupt(fmt::format("entry '{}': unsupported compression", e.name));
  }
  return e;
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

struct ZipReader::Impl {
  Archive archive;
  std::map<std::string, EntryInfo> entries;
};

ZipReader::ZipReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipReader::~ZipReader() = default;

Result<std::unique_ptr<ZipReader>> ZipReader::open(std::string_view bytes) {
  // libzip opens an empty buffer as an empty archive; a real one has at
  // least its end-of-central-directory record.
  if (bytes.size() < kEndRecordBytes) {
    return corrupt(fmt::format("not a ZIP file or truncated ({} bytes)", bytes.size()));
  }
  ZipError error;
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error.error);
  if (src == nullptr) return Status::Internal("zip: " + error.text());
  auto impl = std::make_unique<Impl>();
  impl->archive.reset(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error.error));
  if (!impl->archive) {
    zip_source_free(src);
    return corrupt(fmt::format("not a ZIP file or truncated ({})", error.text()));
  }
  zip_t* za = impl->archive.get();
  const zip_int64_t n = zip_get_num_entries(za, 0);
  if (n < 0 || n > kMaxEntries) return corrupt(fmt::format("{} entries", n));
  for (zip_int64_t k = 0; k < n; ++k) {
    N4A_ASSIGN_OR_RETURN(EntryInfo e, stat_entry(za, static_cast<zip_uint64_t>(k)));
    const std::string name = e.name;
    if (!impl->entries.emplace(name, std::move(e)).second) {
      return corrupt(fmt::format("duplicate entry '{}'", name));
    }
  }
  return std::unique_ptr<ZipReader>(new ZipReader(std::move(impl)));
}

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : impl_->entries) out.push_back(name);
  return out;
}

bool ZipReader::contains(const std::string& name) const {
  return impl_->entries.contains(name);
}

Result<std::string> ZipReader::read(const std::string& name, uint64_t max_bytes) const {
  auto it = impl_->entries.find(name);
  if (it == impl_->entries.end()) return corrupt(fmt::format("entry '{}' is missing", name));
  const EntryInfo& e = it->second;
  if (e.size > max_bytes) {
    return corrupt(fmt::format("entry '{}' is {} bytes once inflated, more than the {} it may hold",
                               name, e.size, max_bytes));
  }
  return read_entry(impl_->archive.get(), e.index, name, e.size);
}

Result<ZipEntries> read_zip(std::string_view bytes, uint64_t max_total_bytes) {
  N4A_ASSIGN_OR_RETURN(auto reader, ZipReader::open(bytes));
  ZipEntries entries;
  uint64_t budget = max_total_bytes;
  for (const std::string& name : reader->names()) {
    N4A_ASSIGN_OR_RETURN(std::string data, reader->read(name, budget));
    budget -= data.size();
    entries.emplace(name, std::move(data));
  }
  return entries;
}

}  // namespace n4a::replay
