// Stop requests for long sweeps: Ctrl-C (SIGINT) and SIGTERM (what SLURM,
// docker and process managers send) both ask the sweep to stop cleanly
// (workers finish their current task, finished pipelines are committed, the
// run is marked interrupted); a second signal of either kind ends the process
// at once (its default action).
#pragma once

namespace n4a::pipeline {

// Installs the SIGINT and SIGTERM handlers while alive and restores the
// previous ones on destruction. One guard at a time per process (not
// thread-safe to create).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // True once SIGINT or SIGTERM was received. Async-signal-safe and
  // thread-safe.
  static bool interrupted();
  // The first signal received (SIGINT or SIGTERM), 0 if none: a process
  // that stops on it exits with 128 + its number, as shells report it.
  static int signal_number();
};

}  // namespace n4a::pipeline
