// FaultInjectionEnv: an Env for tests that forwards to a real Env but can be
// told to fail (the next write, fsync, rename or remove, every write
// as if the disk were full), whose clock and unwritten bytes can be set by
// hand, and which logs the syncs it forwards.
// Thread-safe: the switches are atomics and may be flipped from any thread.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>

#include "n4a/env.h"

namespace n4a {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base = Env::Default()) : base_(base) {}

  // Each arms a one-shot failure of the next such operation.
  void fail_next_write() { fail_write_ = true; }
  void fail_next_sync() { fail_sync_ = true; }
  void fail_next_rename() { fail_rename_ = true; }
  // Whether the failure fail_next_rename() armed is still to come.
  bool rename_fault_armed() const { return fail_rename_; }
  void fail_next_remove() { fail_remove_ = true; }
  // While on, every write fails with "No space left on device".
  void set_disk_full(bool full) { disk_full_ = full; }

  // While on, everything that would modify the filesystem fails with
  // "Read-only file system", as on a read-only mount.
  void set_read_only(bool read_only) { read_only_ = read_only; }

  // Freezes the clock at `micros` (and returns to the real one with nullopt).
  void set_now_micros(std::optional<int64_t> micros);
  void advance_clock_micros(int64_t delta) { fake_now_ += delta; }

  // What unwritten_bytes() reports (and the base Env's figure with nullopt).
  void set_unwritten_bytes(std::optional<uint64_t> bytes);

  // The syncs forwarded since the last clear, in order: "file <path>",
  // "dir <path>" or "filesystem <path>".
  std::vector<std::string> sync_log();
  void clear_sync_log();

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> new_sequential_file(const std::string& path) override {
    return base_->new_sequential_file(path);
  }
  Result<std::string> read_file(const std::string& path) override { return base_->read_file(path); }
  Result<std::string> read_range(const std::string& path, uint64_t offset, size_t n) override {
    return base_->read_range(path, offset, n);
  }
  Status write_range(const std::string& path, uint64_t offset, std::string_view data) override;
  bool file_exists(const std::string& path) override { return base_->file_exists(path); }
  Result<uint64_t> file_size(const std::string& path) override { return base_->file_size(path); }
  Result<int64_t> file_mtime_micros(const std::string& path) override {
    return base_->file_mtime_micros(path);
  }
  Result<std::vector<DirEntry>> list_dir(const std::string& path) override {
    return base_->list_dir(path);
  }
  Status create_dirs(const std::string& path) override;
  Status remove_file(const std::string& path) override;
  Status rename_file(const std::string& from, const std::string& to) override;
  Result<bool> link_file(const std::string& from, const std::string& to) override;
  Result<bool> remove_dir_if_empty(const std::string& path) override;
  Status touch_file(const std::string& path) override { return base_->touch_file(path); }
  Status sync_file(const std::string& path) override;
  Status sync_dir(const std::string& path) override;
  Status sync_filesystem(const std::string& path) override;
  std::optional<uint64_t> unwritten_bytes() override;
  Result<std::unique_ptr<LockFile>> open_lock_file(const std::string& path,
                                                   LockFileAccess access) override;
  int64_t now_micros() override;
  void sleep_micros(int64_t micros) override { base_->sleep_micros(micros); }

  // Used by the wrapped files: consume a one-shot failure if armed.
  Status check_write(const std::string& path);
  Status check_sync(const std::string& path);

 private:
  void log_sync(std::string entry);

  Env* base_;
  std::atomic<bool> fail_write_{false};
  std::atomic<bool> fail_sync_{false};
  std::atomic<bool> fail_rename_{false};
  std::atomic<bool> fail_remove_{false};
  std::atomic<bool> disk_full_{false};
  std::atomic<bool> read_only_{false};
  std::atomic<bool> clock_frozen_{false};
  std::atomic<int64_t> fake_now_{0};
  std::atomic<bool> unwritten_set_{false};
  std::atomic<uint64_t> unwritten_{0};
  std::mutex log_mu_;
  std::vector<std::string> sync_log_;
};

}  // namespace n4a
