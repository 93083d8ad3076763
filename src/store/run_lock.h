// RunLock: the liveness lock of a run (docs/formats/lock.md "Run locks").
// The process that runs or resumes a run holds an exclusive lock on
// `locks/run-<run_id>.lock` until it ends the run (completed, failed,
// interrupted) or dies; the kernel drops the lock with the process. So any
// process on the machine tells a run whose process is alive from one whose
// process is gone by trying the lock, never by a pid alone (pids are reused).
// The file holds who took it last (pid, host, command, since), for messages.
// A RunLock object is not thread-safe; the store serializes its use.
#pragma once

#include <memory>
#include <string>

#include "n4a/env.h"

namespace n4a::store {

class RunLock {
 public:
  // Takes the lock of `run_id` in the workspace at `workspace`. If a live
  // process holds it: FailedPrecondition naming that process.
  static Result<std::unique_ptr<RunLock>> acquire(Env* env, const std::string& workspace,
                                                  const std::string& run_id);
  // Whether a live process holds the lock of `run_id`: false when no lock
  // file exists (a run that ended, or one an older n4a began).
  static Result<bool> IsHeld(Env* env, const std::string& workspace, const std::string& run_id);
  // Removes the lock file of a run that is gone from the catalog.
  static Status Remove(Env* env, const std::string& workspace, const std::string& run_id);

  ~RunLock();  // releases the lock; the file stays
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(std::unique_ptr<LockFile> file) : file_(std::move(file)) {}
  std::unique_ptr<LockFile> file_;
};

}  // namespace n4a::store
