// Atomic publish of a file (DESIGN.md "Commit protocol", step 1): data goes to
// a temporary file in the target's folder, with ".tmp." in its name, is
// fsynced, renamed over the target, and the folder is fsynced. Readers see the
// old file or the new one, never a torn one. If the AtomicFile is destroyed
// before commit(), the temporary file is removed.
// Not thread-safe: one writer thread per AtomicFile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "n4a/env.h"

namespace n4a {

class AtomicFile {
 public:
  // Opens a temporary file next to `final_path`.
  static Result<std::unique_ptr<AtomicFile>> create(Env* env, std::string final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status append(std::string_view data);
  // Syncs, closes and renames the temporary file to the final path, then
  // syncs the folder. On failure the temporary file is removed and the final
  // path is untouched (or holds what it held before).
  Status commit();
  // As commit(), but only starts the write-back and syncs nothing: durable
  // once Env::sync_filesystem() has returned (or the file and its folder
  // were fsynced), for a writer that publishes a batch of files before one
  // barrier. Until then a crash may leave the final path torn.
  Status commit_unsynced();

  const std::string& temp_path() const { return temp_path_; }

 private:
  AtomicFile(Env* env, std::string final_path, std::string temp_path,
             std::unique_ptr<WritableFile> file);

  Env* env_;
  std::string final_path_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;
  bool committed_ = false;
};

// The temporary name used for `final_path`: "<final_path>.tmp.<pid>.<random>".
std::string TempPathFor(const std::string& final_path);

// True when a file name marks an unfinished atomic write (contains ".tmp.").
bool IsTempFileName(std::string_view name);

// The process id in a temp name made by TempPathFor; -1 for other names.
int64_t TempFileOwnerPid(std::string_view name);

// Writes `data` to `path` atomically.
Status WriteFileAtomic(Env* env, const std::string& path, std::string_view data);

}  // namespace n4a
