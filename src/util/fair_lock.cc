#include "util/fair_lock.h"

#include <algorithm>

namespace n4a {
namespace {

// Polls `byte` in `mode` until taken or the deadline passes.
Result<bool> PollLock(Env* env, LockFile& file, uint64_t byte, LockMode mode, int64_t deadline,
                      int64_t& backoff) {
  while (true) {
    N4A_ASSIGN_OR_RETURN(bool taken, file.try_lock(byte, mode));
    if (taken) return true;
    if (env->now_micros() >= deadline) return false;
    env->sleep_micros(backoff);
    backoff = std::min<int64_t>(backoff * 2, kLockMaxBackoffMicros);
  }
}

}  // namespace

Result<bool> TakeFairLock(Env* env, LockFile& file, LockMode mode, LockMode gate_mode,
                          int64_t deadline_micros, int64_t& backoff_micros) {
  N4A_ASSIGN_OR_RETURN(
      bool gate, PollLock(env, file, kLockGateByte, gate_mode, deadline_micros, backoff_micros));
  if (!gate) return false;
  Result<bool> data = PollLock(env, file, kLockDataByte, mode, deadline_micros, backoff_micros);
  N4A_TRY(file.unlock(kLockGateByte));
  return data;
}

}  // namespace n4a
