// The workspace lock (DESIGN.md "Concurrency"): `store.lock` carries
// open-file-description locks, exclusive for a writer's commit window, shared
// for readers. Waiting is fair: a waiter first takes the "gate" byte, then the
// "data" byte in its mode, then lets the gate go; while a writer waits at the
// data byte holding the gate, new readers queue at the gate instead of
// starving it. The holder writes who it is into the file (docs/formats/lock.md)
// so that a waiter can say for whom it waits.
// A WorkspaceLock object is not thread-safe; the store serializes its use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "n4a/env.h"

namespace n4a::store {

// Called once when a wait has lasted long enough to tell the user, with a
// message such as "waiting for the workspace lock held by pid 42 (n4a run x.json)".
using LockWaitCallback = std::function<void(const std::string& message)>;

class WorkspaceLock {
 public:
  // Takes the lock in `mode`, waiting up to `timeout_micros`. On timeout
  // returns LockTimeout naming the holder.
  static Result<std::unique_ptr<WorkspaceLock>> acquire(Env* env, const std::string& path,
                                                        LockMode mode, int64_t timeout_micros,
                                                        const LockWaitCallback& on_wait);
  ~WorkspaceLock();  // releases the lock
  WorkspaceLock(const WorkspaceLock&) = delete;
  WorkspaceLock& operator=(const WorkspaceLock&) = delete;

 private:
  explicit WorkspaceLock(std::unique_ptr<LockFile> file) : file_(std::move(file)) {}
  std::unique_ptr<LockFile> file_;
};

// Describes the holder recorded in a lock file, for messages.
std::string DescribeLockHolder(const std::string& content);

}  // namespace n4a::store
