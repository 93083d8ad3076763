#include "objects/object_files.h"

#include <algorithm>

#include "util/atomic_file.h"

namespace n4a::objects {
namespace {

std::string Join(const std::string& root, const std::string& relative) {
  return relative.empty() ? root : root + "/" + relative;
}

// Appends the files of `<root>/<folder>` (recursively) to `out`.
Status ListInto(Env* env, const std::string& root, const std::string& folder,
                std::vector<FileInfo>* out) {
  auto entries = env->list_dir(Join(root, folder));
  if (!entries.ok()) {
    // A folder removed under us is empty, not an error.
    return entries.status().IsNotFound() ? Status::Ok() : entries.status();
  }
  for (const DirEntry& e : *entries) {
    std::string rel = folder + "/" + e.name;
    if (e.is_dir) {
      N4A_TRY(ListInto(env, root, rel, out));
      continue;
    }
    auto size = env->file_size(Join(root, rel));
    auto mtime = env->file_mtime_micros(Join(root, rel));
    if (!size.ok() || !mtime.ok()) continue;  // vanished meanwhile
    out->push_back({rel, *size, *mtime, IsTempFileName(e.name)});
  }
  return Status::Ok();
}

bool IsGarbage(const FileInfo& f, const std::unordered_set<std::string>& live,
               const InFlightFiles* in_flight) {
  if (in_flight != nullptr) {
    if (in_flight->paths.count(f.relative_path) != 0) return false;
    if (f.is_temp && in_flight->pids.count(TempFileOwnerPid(f.relative_path)) != 0) return false;
  }
  return f.is_temp || live.count(f.relative_path) == 0;
}

}  // namespace

Result<std::vector<FileInfo>> ListFiles(Env* env, const std::string& root,
                                        const std::string& folder) {
  std::vector<FileInfo> out;
  N4A_TRY(ListInto(env, root, folder, &out));
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.relative_path < b.relative_path; });
  return out;
}

SweepReport SweepFiles(Env* env, const std::string& root, const std::vector<FileInfo>& files,
                       const std::unordered_set<std::string>& live_relative_paths,
                       int64_t grace_micros, DryRun dry_run, const InFlightFiles* in_flight) {
  SweepReport report;
  const int64_t cutoff = env->now_micros() - std::max<int64_t>(grace_micros, 0);
  for (const FileInfo& f : files) {
    ++report.files_scanned;
    if (!IsGarbage(f, live_relative_paths, in_flight)) continue;
    if (f.mtime_micros > cutoff) {
      ++report.files_too_young;
      continue;
    }
    if (dry_run == DryRun::kNo) {
      Status s = env->remove_file(Join(root, f.relative_path));
      if (!s.ok() && !s.IsNotFound()) {
        report.errors.push_back(f.relative_path + ": " + s.ToString());
        continue;
      }
    }
    ++report.files_removed;
    report.bytes_freed += f.size_bytes;
    report.removed_paths.push_back(f.relative_path);
  }
  return report;
}

Status CreateDirs(Env* env, const std::string& root, const std::string& relative_dir,
                  Publish publish) {
  if (relative_dir.empty() || env->file_exists(Join(root, relative_dir))) return Status::Ok();
  std::string parent = ParentOf(relative_dir);
  N4A_TRY(CreateDirs(env, root, parent, publish));
  N4A_TRY(env->create_dirs(Join(root, relative_dir)));
  return publish == Publish::kDurable ? env->sync_dir(Join(root, parent)) : Status::Ok();
}

std::string ParentOf(const std::string& relative_path) {
  size_t slash = relative_path.rfind('/');
  return slash == std::string::npos ? std::string() : relative_path.substr(0, slash);
}

}  // namespace n4a::objects
