// The gate protocol of docs/formats/lock.md on an open LockFile: a waiter
// takes the gate byte, then the data byte in its mode, then lets the gate go.
// A writer that waits at the data byte holds the gate, so new readers queue at
// the gate instead of starving it. Used for `store.lock` (the workspace lock)
// and `inflight/sweep.lock` (objects/in_flight.h).
// Thread-safe as the LockFile is (one thread at a time per LockFile).
#pragma once

#include <cstdint>

#include "n4a/env.h"

namespace n4a {

// Byte offsets of the gate and the data byte: far beyond any content the
// file holds, so that content never overlaps a lock.
inline constexpr uint64_t kLockGateByte = uint64_t{1} << 30;
inline constexpr uint64_t kLockDataByte = kLockGateByte + 1;
// The longest pause between two attempts.
inline constexpr int64_t kLockMaxBackoffMicros = 20'000;

// Takes the data byte of `file` in `mode` through the gate (taken in
// `gate_mode`: exclusive, or shared where the file is read-only), polling
// with a backoff that doubles from `backoff_micros` (updated, so a caller can
// carry it over several calls) up to kLockMaxBackoffMicros. Returns true once
// taken, false when `deadline_micros` (Env clock) passed first; a deadline in
// the past makes it one attempt. The gate is released in every case.
Result<bool> TakeFairLock(Env* env, LockFile& file, LockMode mode, LockMode gate_mode,
                          int64_t deadline_micros, int64_t& backoff_micros);

}  // namespace n4a
