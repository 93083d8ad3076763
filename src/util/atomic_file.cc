#include "util/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <random>

namespace n4a {

std::string TempPathFor(const std::string& final_path) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return final_path + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(rng() % 1000000000);
}

bool IsTempFileName(std::string_view name) {
  return name.find(".tmp.") != std::string_view::npos;
}

int64_t TempFileOwnerPid(std::string_view name) {
  const size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string_view::npos) return -1;
  const size_t begin = tmp + 5;
  size_t end = begin;
  int64_t pid = 0;
  for (; end < name.size() && name[end] >= '0' && name[end] <= '9' && end - begin < 18; ++end)
    pid = pid * 10 + (name[end] - '0');
  return end > begin && end < name.size() && name[end] == '.' ? pid : -1;
}

AtomicFile::AtomicFile(Env* env, std::string final_path, std::string temp_path,
                       std::unique_ptr<WritableFile> file)
    : env_(env),
      final_path_(std::move(final_path)),
      temp_path_(std::move(temp_path)),
      file_(std::move(file)) {}

Result<std::unique_ptr<AtomicFile>> AtomicFile::create(Env* env, std::string final_path) {
  std::string temp = TempPathFor(final_path);
  N4A_ASSIGN_OR_RETURN(auto file, env->new_writable_file(temp));
  return std::unique_ptr<AtomicFile>(
      new AtomicFile(env, std::move(final_path), std::move(temp), std::move(file)));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  file_.reset();
  (void)env_->remove_file(temp_path_);  // best effort: GC sweeps stale temps
}

Status AtomicFile::append(std::string_view data) {
  return file_->append(data);
}

Status AtomicFile::commit() {
  N4A_TRY(file_->sync());
  N4A_TRY(file_->close());
  N4A_TRY(env_->rename_file(temp_path_, final_path_));
  committed_ = true;
  std::string dir = std::filesystem::path(final_path_).parent_path().string();
  return env_->sync_dir(dir.empty() ? "." : dir);
}

Status AtomicFile::commit_unsynced() {
  N4A_TRY(file_->start_sync());
  N4A_TRY(file_->close());
  N4A_TRY(env_->rename_file(temp_path_, final_path_));
  committed_ = true;
  return Status::Ok();
}

Status WriteFileAtomic(Env* env, const std::string& path, std::string_view data) {
  N4A_ASSIGN_OR_RETURN(auto file, AtomicFile::create(env, path));
  N4A_TRY(file->append(data));
  return file->commit();
}

}  // namespace n4a
