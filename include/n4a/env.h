// Env: the operating system as n4a sees it (files, directories, clock, locks).
//
// The store takes an Env* so tests can substitute one that injects faults or a
// fake clock (FaultInjectionEnv). Env::Default() is the POSIX implementation;
// it lives for the whole process. All Env methods are thread-safe; a file
// object returned by an Env is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/status.h"

namespace n4a {

// A file being written sequentially. Destroying it closes it (without sync).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  // Flushes data to stable storage (fsync).
  virtual Status sync() = 0;
  // Starts writing the data written so far to storage without waiting for it
  // (Linux: sync_file_range WRITE). Durable only after sync() or
  // Env::sync_filesystem(); this only lets that barrier find less to do.
  virtual Status start_sync() = 0;
  virtual Status close() = 0;
};

// A file read from start to end.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns how many (0 at end of file).
  virtual Result<size_t> read(size_t n, char* scratch) = 0;
};

enum class LockMode { kShared, kExclusive };

// An open lock file carrying open-file-description byte-range locks
// (fcntl F_OFD_*): they conflict between any two LockFile objects, even in one
// process, and are released when the object is destroyed.
class LockFile {
 public:
  virtual ~LockFile() = default;
  // Takes the lock on `byte` in `mode` without waiting: true if taken, false
  // if another holder conflicts.
  virtual Result<bool> try_lock(uint64_t byte, LockMode mode) = 0;
  virtual Status unlock(uint64_t byte) = 0;
  // Replaces the file's content (holder information for waiters to read).
  virtual Status write_content(std::string_view content) = 0;
  // Appends to the file's content (a list that grows, read whole by others).
  virtual Status append_content(std::string_view content) = 0;
  virtual Result<std::string> read_content() = 0;
};

// One directory entry from Env::list_dir.
struct DirEntry {
  std::string name;
  bool is_dir = false;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  // Creates or truncates `path` for writing.
  virtual Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> new_sequential_file(const std::string& path) = 0;
  // Reads a whole file into memory.
  virtual Result<std::string> read_file(const std::string& path) = 0;
  // Up to `n` bytes of a file from `offset` (fewer at its end).
  virtual Result<std::string> read_range(const std::string& path, uint64_t offset, size_t n) = 0;
  // Writes `data` at `offset` of an existing file, in place; not synced.
  virtual Status write_range(const std::string& path, uint64_t offset, std::string_view data) = 0;

  virtual bool file_exists(const std::string& path) = 0;
  virtual Result<uint64_t> file_size(const std::string& path) = 0;
  // Modification time in microseconds since the Unix epoch.
  virtual Result<int64_t> file_mtime_micros(const std::string& path) = 0;
  // Entries of a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<DirEntry>> list_dir(const std::string& path) = 0;

  // Creates a directory and its missing parents (ok if it exists).
  virtual Status create_dirs(const std::string& path) = 0;
  virtual Status remove_file(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (POSIX rename).
  virtual Status rename_file(const std::string& from, const std::string& to) = 0;
  // Hard-links `from` as `to` (which must not exist): false, creating
  // nothing, when the filesystem cannot (another device, no link support).
  virtual Result<bool> link_file(const std::string& from, const std::string& to) = 0;
  // Removes a directory if it is empty: false when it is not empty or absent.
  virtual Result<bool> remove_dir_if_empty(const std::string& path) = 0;
  // Sets a file's modification time to now (GC grace periods start over).
  virtual Status touch_file(const std::string& path) = 0;
  // Makes an existing file's content durable (fsync), e.g. one that DuckDB wrote.
  virtual Status sync_file(const std::string& path) = 0;
  // Makes a directory's entries durable (fsync on the directory).
  virtual Status sync_dir(const std::string& path) = 0;
  // Makes everything written so far to the filesystem holding `path` durable
  // (file data, inodes, folder entries) with one cache flush (syncfs). One
  // call replaces an fsync per file and per folder for a batch of files; it
  // also writes back other processes' unwritten data on that filesystem.
  virtual Status sync_filesystem(const std::string& path) = 0;
  // Bytes of file data written but not yet on disk, machine-wide (Linux:
  // Dirty + Writeback of /proc/meminfo): about what a sync_filesystem()
  // would wait for besides the caller's own files. nullopt where unknown.
  virtual std::optional<uint64_t> unwritten_bytes() { return std::nullopt; }

  // Opens (creating if needed and writable) a lock file. With
  // `read_only`, opens it read-only: only shared locks can be taken.
  enum class LockFileAccess { kReadWrite, kReadOnly };
  virtual Result<std::unique_ptr<LockFile>> open_lock_file(const std::string& path,
                                                           LockFileAccess access) = 0;

  // Wall clock, microseconds since the Unix epoch.
  virtual int64_t now_micros() = 0;
  virtual void sleep_micros(int64_t micros) = 0;
};

}  // namespace n4a
