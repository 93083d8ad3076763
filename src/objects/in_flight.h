// InFlight: the files a live writer has published (or is about to reuse)
// under artifacts/ and arrays/ and will reference from a catalog commit that
// has not happened yet. GC's live set is what the catalog references plus
// these (DESIGN.md "Commit protocol"); no grace period, 0 included, can
// delete them. Format and protocol: docs/formats/lock.md "In-flight files".
//
// Each writing process keeps one file, `inflight/<pid>-<random>.intents`: a
// JSON header line naming the process, then one line per path announced
// ("<path>") or released ("-<path>"), rewritten when released lines
// outnumber the others. The
// writer holds an exclusive lock on it for as long as it lives; the kernel
// drops that lock when the writer dies, and its intents stop counting.
// `inflight/sweep.lock` orders a writer's announce-then-check-existence
// against a sweep's read-intents, read-catalog, delete: writers hold it
// shared for an instant, a sweep exclusively (the gate protocol,
// util/fair_lock.h, so that writers do not starve a sweep).
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

#include "n4a/env.h"
#include "n4a/status.h"
#include "objects/object_files.h"

namespace n4a::objects {

class InFlight {
 public:
  // `env` must outlive this. Nothing is created until register_writer().
  InFlight(Env* env, std::string workspace_root, int64_t lock_timeout_micros);
  // Removes this writer's file: what it did not commit is garbage now.
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

  // Creates and locks this writer's file, once. A writer calls it before
  // it creates any file (temp files included) under artifacts/ or arrays/.
  Status register_writer();

  // A shared hold of the sweep lock: while it lives, no sweep runs.
  class Hold {
   public:
    explicit Hold(InFlight* owner) : owner_(owner) {}
    Hold(Hold&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Hold& operator=(Hold&&) = delete;
    Hold(const Hold&) = delete;
    ~Hold();

   private:
    InFlight* owner_;
  };
  // Records `relative_paths` as in flight (registering the writer first)
  // and returns a hold: a writer keeps it while it checks whether a file it
  // means to reuse exists, so that a sweep cannot delete the file between
  // that check and the commit. LockTimeout if a sweep holds the lock past
  // the timeout.
  Result<Hold> announce(std::span<const std::string> relative_paths);
  // Drops paths whose catalog rows are committed (or that will never be).
  // Unknown paths are ignored. On error (the file cannot be written) a sweep
  // keeps the paths until this writer ends: harmless, but said.
  Status release(std::span<const std::string> relative_paths);

  // An exclusive hold of the sweep lock, for a sweep (GC). While it lives,
  // writers cannot announce or check files.
  class SweepLock {
   public:
    explicit SweepLock(std::unique_ptr<LockFile> file) : file_(std::move(file)) {}

   private:
    std::unique_ptr<LockFile> file_;  // closing it releases the lock
  };
  // LockTimeout if writers keep it past `timeout_micros`.
  static Result<std::unique_ptr<SweepLock>> LockForSweep(Env* env, const std::string& root,
                                                         int64_t timeout_micros);
  // Reads the files of every live writer; removes those of dead writers.
  // Requires a SweepLock.
  static Result<InFlightFiles> ReadLive(Env* env, const std::string& root);

 private:
  Status acquire_shared();
  void release_shared();
  // Adds or drops paths, appending a line for each that changes to this
  // writer's file, or rewriting it with the paths in flight once it holds
  // many dropped ones. Requires a shared hold; takes mu_.
  enum class Change { kAdd, kDrop };
  Status record(std::span<const std::string> relative_paths, Change change);

  Env* env_;
  std::string root_;
  int64_t lock_timeout_micros_;
  std::mutex mu_;  // guards everything below
  std::unique_ptr<LockFile> sweep_lock_;
  int holders_ = 0;  // threads holding sweep_lock_ shared
  std::unique_ptr<LockFile> file_;
  std::string path_;  // of file_
  std::unordered_set<std::string> paths_;
  size_t lines_ = 0;  // path lines in file_, released ones included
};

}  // namespace n4a::objects
