// Ctrl-C handling for long sweeps: the first SIGINT asks the sweep to stop
// cleanly (workers finish their current task, finished pipelines are
// committed); a second SIGINT ends the process at once (default action).
#pragma once

namespace n4a::pipeline {

// Installs the SIGINT handler while alive and restores the previous one on
// destruction. One guard at a time per process (not thread-safe to create).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // True once SIGINT was received. Async-signal-safe and thread-safe.
  static bool interrupted();
};

}  // namespace n4a::pipeline
