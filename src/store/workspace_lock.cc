#include "store/workspace_lock.h"

#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/fair_lock.h"
#include "util/process_info.h"

namespace n4a::store {
namespace {

constexpr int kLockFormatVersion = 1;
constexpr int64_t kAnnounceAfterMicros = 500'000;

std::string HolderRecord(LockMode mode, int64_t now_micros) {
  nlohmann::json j = {{"version", kLockFormatVersion},
                      {"pid", ::getpid()},
                      {"command", CurrentCommandLine()},
                      {"mode", mode == LockMode::kExclusive ? "exclusive" : "shared"},
                      {"since_micros", now_micros}};
  return j.dump() + "\n";
}

}  // namespace

std::string DescribeLockHolder(const std::string& content) {
  auto j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("pid")) return "another process";
  std::string who = "pid " + j["pid"].dump();
  if (j.contains("command") && j["command"].is_string()) {
    who += " (" + j["command"].get<std::string>() + ")";
  }
  return who;
}

Result<std::unique_ptr<WorkspaceLock>> WorkspaceLock::acquire(Env* env, const std::string& path,
                                                              LockMode mode, int64_t timeout_micros,
                                                              const LockWaitCallback& on_wait) {
  auto access = Env::LockFileAccess::kReadWrite;
  auto opened = env->open_lock_file(path, access);
  if (!opened.ok() && mode == LockMode::kShared && !opened.status().IsNotFound()) {
    // A read-only workspace (e.g. a read-only mount) can still be read.
    access = Env::LockFileAccess::kReadOnly;
    opened = env->open_lock_file(path, access);
  }
  if (!opened.ok()) return opened.status();
  std::unique_ptr<LockFile> file = std::move(opened).value();

  const int64_t start = env->now_micros();
  const int64_t deadline = start + timeout_micros;
  const LockMode gate_mode =
      access == Env::LockFileAccess::kReadOnly ? LockMode::kShared : LockMode::kExclusive;
  bool announced = false;
  int64_t backoff = 200;
  while (true) {
    int64_t step_deadline = std::min(deadline, env->now_micros() + kAnnounceAfterMicros);
    N4A_ASSIGN_OR_RETURN(bool taken,
                         TakeFairLock(env, *file, mode, gate_mode, step_deadline, backoff));
    if (taken) break;
    std::string holder =
        DescribeLockHolder(file->read_content().ok() ? *file->read_content() : std::string());
    if (env->now_micros() >= deadline) {
      return Status::LockTimeout("timed out after " +
                                 std::to_string((env->now_micros() - start) / 1000000) +
                                 " s waiting for the workspace lock " + path + ", held by " +
                                 holder + "; retry later or raise --wait-for-lock");
    }
    if (!announced && on_wait) {
      on_wait("waiting for the workspace lock held by " + holder);
      announced = true;
    }
  }
  if (access == Env::LockFileAccess::kReadWrite) {
    (void)file->write_content(HolderRecord(mode, env->now_micros()));  // advisory only
  }
  return std::unique_ptr<WorkspaceLock>(new WorkspaceLock(std::move(file)));
}

WorkspaceLock::~WorkspaceLock() = default;

}  // namespace n4a::store
