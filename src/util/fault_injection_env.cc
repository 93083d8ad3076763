#include "util/fault_injection_env.h"

namespace n4a {
namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}

  Status append(std::string_view data) override {
    N4A_TRY(env_->check_write(path_));
    return base_->append(data);
  }
  Status sync() override {
    N4A_TRY(env_->check_sync(path_));
    return base_->sync();
  }
  Status start_sync() override { return base_->start_sync(); }
  Status close() override { return base_->close(); }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

Status ReadOnly(const std::string& op, const std::string& path) {
  return Status::IOError(op + " " + path + ": Read-only file system");
}

}  // namespace

void FaultInjectionEnv::set_now_micros(std::optional<int64_t> micros) {
  clock_frozen_ = micros.has_value();
  if (micros) fake_now_ = *micros;
}

int64_t FaultInjectionEnv::now_micros() {
  return clock_frozen_ ? fake_now_.load() : base_->now_micros();
}

Status FaultInjectionEnv::check_write(const std::string& path) {
  if (disk_full_) return Status::IOError("write " + path + ": No space left on device");
  if (fail_write_.exchange(false)) return Status::IOError("write " + path + ": injected fault");
  return Status::Ok();
}

Status FaultInjectionEnv::check_sync(const std::string& path) {
  if (fail_sync_.exchange(false)) return Status::IOError("fsync " + path + ": injected fault");
  return Status::Ok();
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::new_writable_file(
    const std::string& path) {
  if (read_only_) return ReadOnly("create", path);
  if (disk_full_) return Status::IOError("create " + path + ": No space left on device");
  N4A_ASSIGN_OR_RETURN(auto file, base_->new_writable_file(path));
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, path, std::move(file)));
}

Status FaultInjectionEnv::remove_file(const std::string& path) {
  if (read_only_) return ReadOnly("remove", path);
  if (fail_remove_.exchange(false)) return Status::IOError("remove " + path + ": injected fault");
  return base_->remove_file(path);
}

Result<std::unique_ptr<LockFile>> FaultInjectionEnv::open_lock_file(const std::string& path,
                                                                    LockFileAccess access) {
  if (read_only_ && access == LockFileAccess::kReadWrite) {
    return ReadOnly("open lock file", path);
  }
  return base_->open_lock_file(path, access);
}

Status FaultInjectionEnv::create_dirs(const std::string& path) {
  if (read_only_ && !base_->file_exists(path)) return ReadOnly("create directory", path);
  if (disk_full_ && !base_->file_exists(path)) {
    return Status::IOError("create directory " + path + ": No space left on device");
  }
  return base_->create_dirs(path);
}

Result<bool> FaultInjectionEnv::link_file(const std::string& from, const std::string& to) {
  if (read_only_) return ReadOnly("link", to);
  return base_->link_file(from, to);
}

Result<bool> FaultInjectionEnv::remove_dir_if_empty(const std::string& path) {
  if (read_only_) return ReadOnly("remove directory", path);
  return base_->remove_dir_if_empty(path);
}

Status FaultInjectionEnv::rename_file(const std::string& from, const std::string& to) {
  if (read_only_) return ReadOnly("rename", from);
  if (fail_rename_.exchange(false)) return Status::IOError("rename " + from + ": injected fault");
  return base_->rename_file(from, to);
}

Status FaultInjectionEnv::write_range(const std::string& path, uint64_t offset,
                                      std::string_view data) {
  if (read_only_) return ReadOnly("write", path);
  N4A_TRY(check_write(path));
  return base_->write_range(path, offset, data);
}

Status FaultInjectionEnv::sync_file(const std::string& path) {
  N4A_TRY(check_sync(path));
  log_sync("file " + path);
  return base_->sync_file(path);
}

Status FaultInjectionEnv::sync_dir(const std::string& path) {
  N4A_TRY(check_sync(path));
  log_sync("dir " + path);
  return base_->sync_dir(path);
}

Status FaultInjectionEnv::sync_filesystem(const std::string& path) {
  N4A_TRY(check_sync(path));
  log_sync("filesystem " + path);
  return base_->sync_filesystem(path);
}

void FaultInjectionEnv::set_unwritten_bytes(std::optional<uint64_t> bytes) {
  unwritten_ = bytes.value_or(0);
  unwritten_set_ = bytes.has_value();
}

std::optional<uint64_t> FaultInjectionEnv::unwritten_bytes() {
  return unwritten_set_ ? std::optional<uint64_t>(unwritten_.load()) : base_->unwritten_bytes();
}

void FaultInjectionEnv::log_sync(std::string entry) {
  std::lock_guard lock(log_mu_);
  sync_log_.push_back(std::move(entry));
}

std::vector<std::string> FaultInjectionEnv::sync_log() {
  std::lock_guard lock(log_mu_);
  return sync_log_;
}

void FaultInjectionEnv::clear_sync_log() {
  std::lock_guard lock(log_mu_);
  sync_log_.clear();
}

}  // namespace n4a
