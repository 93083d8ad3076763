#include "objects/in_flight.h"

#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/fair_lock.h"
#include "util/process_info.h"
#include "util/uuid.h"

namespace n4a::objects {
namespace {

constexpr char kFolder[] = "inflight";
constexpr char kSuffix[] = ".intents";
constexpr char kSweepLock[] = "sweep.lock";
constexpr int kFormatVersion = 1;
// The byte a writer locks in its own file.
constexpr uint64_t kOwnerByte = 0;
// A writer's file rewritten without its released lines once they are more
// than this many besides twice the live ones.
constexpr size_t kRewriteSlack = 1024;
// A writer that died between creating its file and publishing it leaves a
// temp file; a sweep removes it when it is this old.
constexpr int64_t kStaleTempMicros = int64_t{600} * 1'000'000;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Header(int64_t now_micros) {
  nlohmann::json j = {{"version", kFormatVersion},
                      {"pid", static_cast<int64_t>(::getpid())},
                      {"host", HostName()},
                      {"command", CurrentCommandLine()},
                      {"since_micros", now_micros}};
  return j.dump() + "\n";
}

// Adds what a live writer's file says to `out`.
Status ParseWriterFile(const std::string& path, const std::string& content, InFlightFiles& out) {
  size_t eol = content.find('\n');
  auto header = nlohmann::json::parse(content.substr(0, eol), nullptr, /*allow_exceptions=*/false);
  if (!header.is_object() || header.value("version", 0) != kFormatVersion ||
      !header.contains("pid") || !header["pid"].is_number_integer()) {
    return Status::Corruption("in-flight file " + path + " has no header of format version " +
                              std::to_string(kFormatVersion) +
                              " (a newer n4a writes this workspace?)");
  }
  out.pids.insert(header["pid"].get<int64_t>());
  std::unordered_set<std::string> paths;
  while (eol != std::string::npos && eol + 1 < content.size()) {
    const size_t next = content.find('\n', eol + 1);
    if (next == std::string::npos) break;  // an unfinished line: never under the sweep lock
    std::string line = content.substr(eol + 1, next - eol - 1);
    if (!line.empty() && line[0] == '-') {
      paths.erase(line.substr(1));
    } else {
      paths.insert(std::move(line));
    }
    eol = next;
  }
  out.paths.merge(paths);
  return Status::Ok();
}

}  // namespace

InFlight::InFlight(Env* env, std::string workspace_root, int64_t lock_timeout_micros)
    : env_(env), root_(std::move(workspace_root)), lock_timeout_micros_(lock_timeout_micros) {}

InFlight::~InFlight() {
  if (file_) (void)env_->remove_file(path_);  // a sweep removes it if this fails
}

InFlight::Hold::~Hold() {
  if (owner_ != nullptr) owner_->release_shared();
}

Status InFlight::register_writer() {
  std::lock_guard lock(mu_);
  if (file_) return Status::Ok();
  const std::string folder = root_ + "/" + kFolder;
  N4A_TRY(env_->create_dirs(folder).WithContext("register a writer of workspace " + root_));
  const std::string path = folder + "/" + std::to_string(::getpid()) + "-" + NewUuidV7() + kSuffix;
  // Locked under a temp name, then renamed: a sweep never finds the file
  // unlocked while its writer lives.
  const std::string temp = TempPathFor(path);
  N4A_ASSIGN_OR_RETURN(auto file, env_->open_lock_file(temp, Env::LockFileAccess::kReadWrite));
  Status s = file->try_lock(kOwnerByte, LockMode::kExclusive).status();
  if (s.ok()) s = file->write_content(Header(env_->now_micros()));
  if (s.ok()) s = env_->rename_file(temp, path);
  if (!s.ok()) {
    (void)env_->remove_file(temp);
    return s.WithContext("register a writer of workspace " + root_);
  }
  file_ = std::move(file);
  path_ = path;
  return Status::Ok();
}

Status InFlight::acquire_shared() {
  const int64_t deadline = env_->now_micros() + lock_timeout_micros_;
  int64_t backoff = 100;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (!sweep_lock_) {
        N4A_ASSIGN_OR_RETURN(sweep_lock_,
                             env_->open_lock_file(root_ + "/" + kFolder + "/" + kSweepLock,
                                                  Env::LockFileAccess::kReadWrite));
      }
      // Threads of this process share one lock; a thread joins the holders
      // only through a free gate, so that a waiting sweep is not starved.
      bool taken = false;
      if (holders_ > 0) {
        N4A_ASSIGN_OR_RETURN(taken, sweep_lock_->try_lock(kLockGateByte, LockMode::kExclusive));
        if (taken) N4A_TRY(sweep_lock_->unlock(kLockGateByte));
      } else {
        int64_t unused = 0;
        N4A_ASSIGN_OR_RETURN(taken, TakeFairLock(env_, *sweep_lock_, LockMode::kShared,
                                                 LockMode::kExclusive, 0, unused));
      }
      if (taken) {
        ++holders_;
        return Status::Ok();
      }
    }
    if (env_->now_micros() >= deadline) {
      return Status::LockTimeout("timed out waiting for a sweep of workspace " + root_ +
                                 " (n4a artifacts cleanup) to end; retry later or raise "
                                 "--wait-for-lock");
    }
    env_->sleep_micros(backoff);
    backoff = std::min<int64_t>(backoff * 2, kLockMaxBackoffMicros);
  }
}

void InFlight::release_shared() {
  std::lock_guard lock(mu_);
  if (--holders_ == 0) (void)sweep_lock_->unlock(kLockDataByte);  // closing the file would, too
}

Result<InFlight::Hold> InFlight::announce(std::span<const std::string> relative_paths) {
  N4A_TRY(register_writer());
  N4A_TRY(acquire_shared());
  Hold hold(this);
  N4A_TRY(record(relative_paths, Change::kAdd));
  return hold;
}

Status InFlight::release(std::span<const std::string> relative_paths) {
  {
    std::lock_guard lock(mu_);
    if (!file_) return Status::Ok();
  }
  N4A_TRY(acquire_shared());
  Hold hold(this);
  return record(relative_paths, Change::kDrop);
}

Status InFlight::record(std::span<const std::string> relative_paths, Change change) {
  std::lock_guard lock(mu_);
  std::string lines;
  size_t count = 0;
  for (const std::string& p : relative_paths) {
    const bool changed = change == Change::kAdd ? paths_.insert(p).second : paths_.erase(p) > 0;
    if (!changed) continue;
    lines += (change == Change::kAdd ? "" : "-") + p + "\n";
    ++count;
  }
  if (count == 0) return Status::Ok();
  if (lines_ + count <= 2 * paths_.size() + kRewriteSlack) {
    N4A_TRY(file_->append_content(lines).WithContext("record files in flight in " + path_));
    lines_ += count;
    return Status::Ok();
  }
  std::string content = Header(env_->now_micros());
  for (const std::string& p : paths_) content += p + "\n";
  N4A_TRY(file_->write_content(content).WithContext("record files in flight in " + path_));
  lines_ = paths_.size();
  return Status::Ok();
}

Result<std::unique_ptr<InFlight::SweepLock>> InFlight::LockForSweep(Env* env,
                                                                    const std::string& root,
                                                                    int64_t timeout_micros) {
  const std::string folder = root + "/" + kFolder;
  N4A_TRY(env->create_dirs(folder));
  N4A_ASSIGN_OR_RETURN(
      auto file, env->open_lock_file(folder + "/" + kSweepLock, Env::LockFileAccess::kReadWrite));
  int64_t backoff = 200;
  N4A_ASSIGN_OR_RETURN(bool taken,
                       TakeFairLock(env, *file, LockMode::kExclusive, LockMode::kExclusive,
                                    env->now_micros() + timeout_micros, backoff));
  if (!taken) {
    return Status::LockTimeout("timed out waiting for the writers of workspace " + root +
                               " to let a sweep begin (" + folder + "/" + kSweepLock +
                               "); retry later or raise --wait-for-lock");
  }
  return std::make_unique<SweepLock>(std::move(file));
}

Result<InFlightFiles> InFlight::ReadLive(Env* env, const std::string& root) {
  InFlightFiles out;
  const std::string folder = root + "/" + kFolder;
  auto entries = env->list_dir(folder);
  if (!entries.ok()) {
    if (entries.status().IsNotFound()) return out;
    return entries.status();
  }
  for (const DirEntry& e : *entries) {
    const std::string path = folder + "/" + e.name;
    const bool temp = IsTempFileName(e.name);
    if (e.is_dir || (!temp && !EndsWith(e.name, kSuffix))) continue;
    if (temp) {
      auto mtime = env->file_mtime_micros(path);
      if (!mtime.ok() || env->now_micros() - *mtime < kStaleTempMicros) continue;
    }
    N4A_ASSIGN_OR_RETURN(auto file, env->open_lock_file(path, Env::LockFileAccess::kReadWrite));
    N4A_ASSIGN_OR_RETURN(bool dead, file->try_lock(kOwnerByte, LockMode::kShared));
    if (dead) {
      Status removed = env->remove_file(path);
      if (!removed.ok() && !removed.IsNotFound()) {
        return removed.WithContext("remove the in-flight file of a dead writer");
      }
      continue;
    }
    if (temp) continue;
    N4A_ASSIGN_OR_RETURN(std::string content, env->read_file(path));
    N4A_TRY(ParseWriterFile(path, content, out));
  }
  return out;
}

}  // namespace n4a::objects
