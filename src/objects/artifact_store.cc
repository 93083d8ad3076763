#include "objects/artifact_store.h"

#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "util/atomic_file.h"
#include "util/sha256.h"

namespace n4a::objects {
namespace {

constexpr char kFolder[] = "artifacts";
constexpr size_t kMaxFormatLength = 16;
constexpr size_t kStreamBufferBytes = size_t{1} << 20;
constexpr size_t kOverlapMinBytes = size_t{8} << 20;
// verify() reads through a small buffer: a dedup hit on a model of ~100 KB
// then costs no fresh 1 MB allocation (and no page faults).
constexpr size_t kVerifyBufferBytes = size_t{64} << 10;

// Removes a temp file when it goes out of scope, unless released.
class TempFileGuard {
 public:
  TempFileGuard(Env* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) (void)env_->remove_file(path_);  // GC sweeps stale temps
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void release() { path_.clear(); }

 private:
  Env* env_;
  std::string path_;
};

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Status HashMismatch(const std::string& path, std::string_view expected, const std::string& got) {
  return Status::Corruption("artifact file " + path + " is corrupt: its SHA-256 is " + got +
                            ", expected " + std::string(expected) +
                            " (restore it or delete what references it)");
}

// Splits "artifacts/ab/<h>.<ext>" into hash and format.
Status ParseRelativePath(std::string_view rel, std::string* hash, std::string* format) {
  size_t slash = rel.rfind('/');
  std::string_view name = slash == std::string_view::npos ? rel : rel.substr(slash + 1);
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument("not an artifact path: " + std::string(rel));
  }
  *hash = std::string(name.substr(0, dot));
  *format = std::string(name.substr(dot + 1));
  N4A_ASSIGN_OR_RETURN(std::string expected, ArtifactStore::RelativePathFor(*hash, *format));
  if (expected != rel) return Status::InvalidArgument("not an artifact path: " + std::string(rel));
  return Status::Ok();
}

// Appends `bytes` to `file` in chunks until done or `cancel` is set.
Status WriteChunks(WritableFile& file, std::string_view bytes, const std::atomic<bool>& cancel) {
  while (!bytes.empty() && !cancel.load(std::memory_order_relaxed)) {
    std::string_view chunk = bytes.substr(0, kStreamBufferBytes);
    N4A_TRY(file.append(chunk));
    bytes.remove_prefix(chunk.size());
  }
  return Status::Ok();
}

// Writes `bytes` to a temp file beside `path` and renames it to `path`, as
// `publish` says.
Status WriteObjectFile(Env* env, const std::string& path, std::string_view bytes, Publish publish) {
  N4A_ASSIGN_OR_RETURN(auto file, AtomicFile::create(env, path));
  N4A_TRY(file->append(bytes));
  return publish == Publish::kDurable ? file->commit() : file->commit_unsynced();
}

}  // namespace

ArtifactStore::ArtifactStore(Env* env, std::string workspace_root, InFlight* in_flight)
    : env_(env), root_(std::move(workspace_root)), in_flight_(in_flight) {}

Status ArtifactStore::ValidateFormat(std::string_view format) {
  bool ok = !format.empty() && format.size() <= kMaxFormatLength;
  for (char c : format) ok = ok && IsLowerAlnum(c);
  if (ok) return Status::Ok();
  return Status::InvalidArgument("artifact format '" + std::string(format) +
                                 "' must be 1-16 characters of [a-z0-9] (e.g. bin, json, n4aop)");
}

bool ArtifactStore::IsValidHash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::string> ArtifactStore::RelativePathFor(std::string_view hash, std::string_view format) {
  if (!IsValidHash(hash)) {
    return Status::InvalidArgument("artifact id '" + std::string(hash) +
                                   "' is not a SHA-256 hex digest");
  }
  N4A_TRY(ValidateFormat(format));
  return std::string(kFolder) + "/" + std::string(hash.substr(0, 2)) + "/" + std::string(hash) +
         "." + std::string(format);
}

Result<std::string> ArtifactStore::path_for(std::string_view hash, std::string_view format) const {
  N4A_ASSIGN_OR_RETURN(std::string rel, RelativePathFor(hash, format));
  return absolute(rel);
}

std::string ArtifactStore::absolute(std::string_view relative_path) const {
  return root_ + "/" + std::string(relative_path);
}

bool ArtifactStore::has_object(const std::string& relative_path, std::string_view hash,
                               uint64_t size) {
  auto existing = env_->file_size(absolute(relative_path));
  if (!existing.ok() || *existing != size) return false;
  // Read back: a batched put that a crash interrupted before its barrier can
  // leave a file of the right size and the wrong content (Publish::kBatched).
  return verify(relative_path, hash).ok();
}

Status ArtifactStore::register_writer() {
  return in_flight_ != nullptr ? in_flight_->register_writer() : Status::Ok();
}

Result<bool> ArtifactStore::announce_and_check(const std::string& relative_path,
                                               std::string_view hash, uint64_t size) {
  if (in_flight_ == nullptr) return has_object(relative_path, hash, size);
  N4A_ASSIGN_OR_RETURN(InFlight::Hold hold, in_flight_->announce({&relative_path, 1}));
  return has_object(relative_path, hash, size);
}

Result<bool> ArtifactStore::claim(const std::string& relative_path) {
  if (in_flight_ == nullptr) return env_->file_exists(absolute(relative_path));
  N4A_ASSIGN_OR_RETURN(InFlight::Hold hold, in_flight_->announce({&relative_path, 1}));
  return env_->file_exists(absolute(relative_path));
}

Result<PutResult> ArtifactStore::put(std::string_view bytes, std::string_view format,
                                     Publish publish) {
  N4A_TRY(ValidateFormat(format));
  if (bytes.size() >= kOverlapMinBytes) return put_overlapped(bytes, format, publish);
  PutResult out;
  out.hash = Sha256Hex(bytes);
  out.size_bytes = bytes.size();
  N4A_ASSIGN_OR_RETURN(out.relative_path, RelativePathFor(out.hash, format));
  N4A_ASSIGN_OR_RETURN(bool exists,
                       announce_and_check(out.relative_path, out.hash, out.size_bytes));
  if (exists) return out;
  N4A_TRY(CreateDirs(env_, root_, ParentOf(out.relative_path), publish));
  Status s = WriteObjectFile(env_, absolute(out.relative_path), bytes, publish);
  if (!s.ok()) return s.WithContext("save artifact " + out.hash + " in " + root_);
  out.newly_written = true;
  return out;
}

Result<PutResult> ArtifactStore::put_overlapped(std::string_view bytes, std::string_view format,
                                                Publish publish) {
  N4A_TRY(register_writer());
  N4A_TRY(CreateDirs(env_, root_, kFolder, publish));
  std::string temp = TempPathFor(absolute(std::string(kFolder) + "/put"));
  TempFileGuard guard(env_, temp);
  N4A_ASSIGN_OR_RETURN(auto file, env_->new_writable_file(temp));
  std::atomic<bool> cancel{false};
  Status written;
  std::thread writer;
  try {
    writer = std::thread([&] { written = WriteChunks(*file, bytes, cancel); });
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot start a writer thread: ") + e.what());
  }
  PutResult out;
  out.hash = Sha256Hex(bytes);
  out.size_bytes = bytes.size();
  out.relative_path = *RelativePathFor(out.hash, format);  // both parts validated
  Result<bool> exists = announce_and_check(out.relative_path, out.hash, out.size_bytes);
  if (!exists.ok() || *exists) cancel = true;
  writer.join();
  N4A_TRY(exists.status());
  if (*exists) return out;  // guard drops the temp
  N4A_TRY(written);
  N4A_TRY(publish == Publish::kDurable ? file->sync() : file->start_sync());
  N4A_TRY(file->close());
  N4A_TRY(CreateDirs(env_, root_, ParentOf(out.relative_path), publish));
  N4A_TRY(publish_temp(temp, out.relative_path, publish));
  guard.release();
  out.newly_written = true;
  return out;
}

Result<PutResult> ArtifactStore::put_stream(SequentialFile& source, std::string_view format) {
  N4A_TRY(ValidateFormat(format));
  N4A_TRY(register_writer());
  N4A_TRY(CreateDirs(env_, root_, kFolder, Publish::kDurable));
  std::string temp = TempPathFor(absolute(std::string(kFolder) + "/stream"));
  TempFileGuard guard(env_, temp);
  N4A_ASSIGN_OR_RETURN(auto file, env_->new_writable_file(temp));
  Sha256 sha;
  PutResult out;
  std::string buffer(kStreamBufferBytes, '\0');
  while (true) {
    N4A_ASSIGN_OR_RETURN(size_t n, source.read(buffer.size(), buffer.data()));
    if (n == 0) break;
    sha.Update(buffer.data(), n);
    N4A_TRY(file->append(std::string_view(buffer.data(), n)));
    out.size_bytes += n;
  }
  N4A_TRY(file->sync());
  N4A_TRY(file->close());
  out.hash = sha.FinishHex();
  N4A_ASSIGN_OR_RETURN(out.relative_path, RelativePathFor(out.hash, format));
  N4A_ASSIGN_OR_RETURN(bool exists,
                       announce_and_check(out.relative_path, out.hash, out.size_bytes));
  if (exists) return out;  // guard drops the temp
  N4A_TRY(CreateDirs(env_, root_, ParentOf(out.relative_path), Publish::kDurable));
  N4A_TRY(publish_temp(temp, out.relative_path, Publish::kDurable));
  guard.release();
  out.newly_written = true;
  return out;
}

Status ArtifactStore::publish_temp(const std::string& temp_path, const std::string& relative_path,
                                   Publish publish) {
  N4A_TRY(env_->rename_file(temp_path, absolute(relative_path)));
  if (publish == Publish::kBatched) return Status::Ok();
  N4A_TRY(env_->sync_dir(absolute(ParentOf(relative_path))));
  return env_->sync_dir(absolute(kFolder));
}

Result<std::string> ArtifactStore::read_verified(std::string_view hash, std::string_view format) {
  N4A_ASSIGN_OR_RETURN(std::string rel, RelativePathFor(hash, format));
  std::string path = absolute(rel);
  N4A_ASSIGN_OR_RETURN(std::string bytes, env_->read_file(path));
  std::string got = Sha256Hex(bytes);
  if (got != hash) return HashMismatch(path, hash, got);
  return bytes;
}

Result<std::string> ArtifactStore::read_verified_path(std::string_view relative_path) {
  std::string hash, format;
  N4A_TRY(ParseRelativePath(relative_path, &hash, &format));
  return read_verified(hash, format);
}

Status ArtifactStore::verify(std::string_view relative_path, std::string_view expected_hash) {
  std::string path = absolute(relative_path);
  N4A_ASSIGN_OR_RETURN(auto file, env_->new_sequential_file(path));
  Sha256 sha;
  std::string buffer(kVerifyBufferBytes, '\0');
  while (true) {
    N4A_ASSIGN_OR_RETURN(size_t n, file->read(buffer.size(), buffer.data()));
    if (n == 0) break;
    sha.Update(buffer.data(), n);
  }
  std::string got = sha.FinishHex();
  if (got != expected_hash) return HashMismatch(path, expected_hash, got);
  return Status::Ok();
}

Result<std::vector<FileInfo>> ArtifactStore::list_files() {
  return ListFiles(env_, root_, kFolder);
}

Result<SweepReport> ArtifactStore::sweep(const std::unordered_set<std::string>& live_relative_paths,
                                         int64_t grace_micros, DryRun dry_run,
                                         const InFlightFiles* in_flight) {
  N4A_ASSIGN_OR_RETURN(auto files, list_files());
  return SweepFiles(env_, root_, files, live_relative_paths, grace_micros, dry_run, in_flight);
}

}  // namespace n4a::objects
