// Helpers shared by the artifact and array stores: listing the files of an
// object folder, mark-and-sweep deletion with a grace period, and durable
// creation of folders. Paths handed in and out are relative to the workspace
// root and use '/' separators ("artifacts/ab/<h>.bin").
// Thread-safe (stateless functions over a thread-safe Env).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "n4a/env.h"
#include "n4a/status.h"

namespace n4a::objects {

// Whether a sweep deletes or only reports what it would delete.
enum class DryRun { kNo, kYes };

// How a store publishes a new file (DESIGN.md "Commit protocol", step 1).
enum class Publish {
  // Durable when the call returns: the temp file is fsynced before its
  // rename, the folders after.
  kDurable,
  // Renamed into place with its write-back started, not awaited: durable
  // only once Env::sync_filesystem() on the workspace has returned (or the
  // file and its folders were fsynced). For a writer that publishes a batch
  // of files before one catalog commit (WorkspaceStore's commit runs that
  // barrier first): one cache flush per batch instead of ~3 per file. Until
  // the barrier, a crash may leave such a file torn under its final name;
  // ArtifactStore's dedup check reads an existing object back for that
  // reason.
  kBatched,
};

// One file found under an object folder.
struct FileInfo {
  std::string relative_path;  // e.g. "artifacts/ab/<h>.bin"
  uint64_t size_bytes = 0;
  int64_t mtime_micros = 0;
  bool is_temp = false;  // an unfinished atomic write (".tmp." in the name)
};

// What the live writers of a workspace have in flight (InFlight::ReadLive):
// files that no sweep may remove, whatever their age.
struct InFlightFiles {
  std::unordered_set<std::string> paths;  // relative to the workspace root
  // The live writers: their temp files (util/atomic_file.h names the
  // writer's pid) are unfinished writes, not leftovers.
  std::unordered_set<int64_t> pids;
};

// What a sweep removed (or, in a dry run, would remove).
struct SweepReport {
  int64_t files_scanned = 0;
  int64_t files_removed = 0;
  uint64_t bytes_freed = 0;
  std::vector<std::string> removed_paths;  // relative paths
  // Garbage left in place because it is younger than the grace period.
  int64_t files_too_young = 0;
  // Files that could not be removed, "<path>: <error>". A sweep keeps going
  // past one failed removal; the caller decides how loud to be.
  std::vector<std::string> errors;
};

// Every regular file under `<root>/<folder>`, recursively, in sorted order of
// relative path. A missing folder gives an empty list. Files that vanish
// while listing (a concurrent sweep) are skipped.
Result<std::vector<FileInfo>> ListFiles(Env* env, const std::string& root,
                                        const std::string& folder);

// Mark and sweep over `files` (from ListFiles): removes each file that is not
// in `live_relative_paths`, or is a temp file, and whose mtime is older than
// `now - grace_micros` by the Env's clock; but never one in `in_flight`
// (if given), nor a temp file of a live writer. A file younger than the
// grace period is never removed either. With DryRun::kYes nothing is
// removed. The caller holds what keeps `in_flight` and the live set true
// until it returns (the store: its read window and InFlight's sweep lock).
SweepReport SweepFiles(Env* env, const std::string& root, const std::vector<FileInfo>& files,
                       const std::unordered_set<std::string>& live_relative_paths,
                       int64_t grace_micros, DryRun dry_run,
                       const InFlightFiles* in_flight = nullptr);

// Creates `<root>/<relative_dir>` and its missing parents. With
// Publish::kDurable, fsyncs each parent whose entries changed, so that a
// published file's folder survives a crash. Ok if it exists.
Status CreateDirs(Env* env, const std::string& root, const std::string& relative_dir,
                  Publish publish);

// The folder part of a relative path ("a/b/c" -> "a/b"; "c" -> "").
std::string ParentOf(const std::string& relative_path);

}  // namespace n4a::objects
