#include "store/run_lock.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/process_info.h"

namespace n4a::store {
namespace {

constexpr char kFolder[] = "locks";
constexpr int kFormatVersion = 1;
constexpr uint64_t kRunByte = 0;

std::string PathFor(const std::string& workspace, const std::string& run_id) {
  return workspace + "/" + kFolder + "/run-" + run_id + ".lock";
}

std::string HolderRecord(const std::string& run_id, int64_t now_micros) {
  nlohmann::json j = {{"version", kFormatVersion},
                      {"run_id", run_id},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"host", HostName()},
                      {"command", CurrentCommandLine()},
                      {"since_micros", now_micros}};
  return j.dump() + "\n";
}

// "pid 42 on host h (n4a run x.json)", from a holder record.
std::string DescribeHolder(const std::string& content) {
  auto j = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("pid")) return "another process";
  std::string who = "pid " + j["pid"].dump();
  if (j.contains("host") && j["host"].is_string())
    who += " on host " + j["host"].get<std::string>();
  if (j.contains("command") && j["command"].is_string()) {
    who += " (" + j["command"].get<std::string>() + ")";
  }
  return who;
}

}  // namespace

Result<std::unique_ptr<RunLock>> RunLock::acquire(Env* env, const std::string& workspace,
                                                  const std::string& run_id) {
  N4A_TRY(env->create_dirs(workspace + "/" + kFolder));
  const std::string path = PathFor(workspace, run_id);
  N4A_ASSIGN_OR_RETURN(auto file, env->open_lock_file(path, Env::LockFileAccess::kReadWrite));
  N4A_ASSIGN_OR_RETURN(bool taken, file->try_lock(kRunByte, LockMode::kExclusive));
  if (!taken) {
    auto content = file->read_content();
    return Status::FailedPrecondition(
        "run " + run_id +
        " is still running: " + DescribeHolder(content.ok() ? *content : std::string()) +
        " holds it; wait for it to end, or stop it (Ctrl-C or kill -TERM) and resume it then");
  }
  N4A_TRY(file->write_content(HolderRecord(run_id, env->now_micros())));
  return std::unique_ptr<RunLock>(new RunLock(std::move(file)));
}

Result<bool> RunLock::IsHeld(Env* env, const std::string& workspace, const std::string& run_id) {
  const std::string path = PathFor(workspace, run_id);
  if (!env->file_exists(path)) return false;
  // Read-only: a reader never creates the file, and may lack the right to.
  auto file = env->open_lock_file(path, Env::LockFileAccess::kReadOnly);
  if (!file.ok()) return file.status().IsNotFound() ? Result<bool>(false) : file.status();
  N4A_ASSIGN_OR_RETURN(bool free, (*file)->try_lock(kRunByte, LockMode::kShared));
  return !free;
}

Status RunLock::Remove(Env* env, const std::string& workspace, const std::string& run_id) {
  Status s = env->remove_file(PathFor(workspace, run_id));
  return s.IsNotFound() ? Status::Ok() : s;
}

RunLock::~RunLock() = default;

}  // namespace n4a::store
