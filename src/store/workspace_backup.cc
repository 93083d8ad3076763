// WorkspaceStore::backup and restore (issue 7 "Backup and restore"; layout
// and manifest in docs/formats/backup.md). A backup is a workspace folder
// plus backup.json, which is written last and atomically: without it the
// folder is not a backup, so a half-written one is never restored.
#include <fmt/format.h>

#include <cerrno>
#include <filesystem>
#include <unordered_set>

#include "catalog/schema.h"
#include "objects/object_files.h"
#include "store/store_impl.h"
#include "store/workspace_lock.h"
#include "util/atomic_file.h"
#include "util/sha256.h"
#include "util/uuid.h"

namespace n4a {
namespace {

constexpr int kBackupFormatVersion = 1;
constexpr char kManifest[] = "backup.json";
constexpr char kCatalog[] = "store.duckdb";
constexpr size_t kCopyBufferBytes = size_t{1} << 20;

std::string Str(const db::Value& v) {
  return db::IsNull(v) ? std::string() : std::get<std::string>(v);
}

struct Copied {
  uint64_t bytes = 0;
  std::string sha256;
};

// Copies `from` to `to` atomically and durably (temp, fsync, rename, fsync
// of the folder), hashing on the way.
Result<Copied> CopyFile(Env* env, const std::string& from, const std::string& to) {
  N4A_ASSIGN_OR_RETURN(auto in, env->new_sequential_file(from));
  N4A_ASSIGN_OR_RETURN(auto out, AtomicFile::create(env, to));
  Sha256 sha;
  Copied copied;
  std::string buffer(kCopyBufferBytes, '\0');
  while (true) {
    N4A_ASSIGN_OR_RETURN(size_t n, in->read(buffer.size(), buffer.data()));
    if (n == 0) break;
    sha.Update(buffer.data(), n);
    N4A_TRY(out->append(std::string_view(buffer.data(), n)));
    copied.bytes += n;
  }
  N4A_TRY(out->commit());
  copied.sha256 = sha.FinishHex();
  return copied;
}

// Hard-links `from` as `to` (replacing nothing): false when the filesystem
// cannot (another device, no link support), so the caller copies instead.
Result<bool> TryLink(Env* env, const std::string& from, const std::string& to,
                     const std::string& to_dir) {
  N4A_ASSIGN_OR_RETURN(bool linked, env->link_file(from, to));
  if (linked) N4A_TRY(env->sync_dir(to_dir));
  return linked;
}

bool IsEmptyOrMissing(Env* env, const std::string& dir) {
  if (!env->file_exists(dir)) return true;
  auto entries = env->list_dir(dir);
  return entries.ok() && entries->empty();
}

// The files of a snapshot, relative to the workspace: live objects, array
// files and templates. Called inside the read window.
Result<std::vector<std::string>> SnapshotFiles(Env* env, const std::string& root,
                                               db::Connection& con) {
  std::vector<std::string> files;
  N4A_ASSIGN_OR_RETURN(db::Table a, con.query("SELECT artifact_path FROM artifacts WHERE "
                                              "ref_count > 0 ORDER BY 1"));
  N4A_ASSIGN_OR_RETURN(db::Table p, con.query("SELECT DISTINCT part_path FROM prediction_arrays "
                                              "ORDER BY 1"));
  for (const auto& row : a.rows) files.push_back(Str(row[0]));
  for (const auto& row : p.rows) files.push_back(Str(row[0]));
  N4A_ASSIGN_OR_RETURN(auto library, objects::ListFiles(env, root, "library"));
  for (const auto& f : library) {
    if (!f.is_temp) files.push_back(f.relative_path);
  }
  return files;
}

// Only content-addressed objects and array parts never change under their
// name; compacted array files and templates are rewritten in place.
bool NameFixesContent(const std::string& relative_path) {
  return relative_path.starts_with("artifacts/") ||
         relative_path.find("/part-") != std::string::npos;
}

// What happened to one file of the snapshot.
struct Placed {
  uint64_t size = 0;
  enum class How { kKept, kLinked, kCopied } how = How::kCopied;
};

// Places one file of the snapshot in the backup.
Result<Placed> BackupFile(Env* env, const std::string& root, const std::string& dest,
                          WorkspaceStore::Incremental incremental, const std::string& rel) {
  const std::string from = root + "/" + rel;
  const std::string to = dest + "/" + rel;
  Placed placed;
  N4A_ASSIGN_OR_RETURN(placed.size, env->file_size(from));
  const bool reuse = incremental == WorkspaceStore::Incremental::kYes && NameFixesContent(rel);
  if (reuse && env->file_exists(to)) {
    auto have = env->file_size(to);
    if (have.ok() && *have == placed.size) {
      placed.how = Placed::How::kKept;
      return placed;
    }
    N4A_TRY(env->remove_file(to));
  }
  N4A_TRY(objects::CreateDirs(env, dest, objects::ParentOf(rel), objects::Publish::kDurable));
  if (reuse) {
    N4A_ASSIGN_OR_RETURN(bool linked, TryLink(env, from, to, dest + "/" + objects::ParentOf(rel)));
    if (linked) {
      placed.how = Placed::How::kLinked;
      return placed;
    }
  }
  N4A_ASSIGN_OR_RETURN(Copied copied, CopyFile(env, from, to));
  if (copied.bytes != placed.size) {
    return Status::IOError(fmt::format("{} changed size while being backed up", from));
  }
  return placed;
}

// Places every file of the snapshot, several at a time, and lists them for
// the manifest.
Result<Json> BackupFiles(Env* env, const std::string& root, const std::string& dest,
                         WorkspaceStore::Incremental incremental,
                         const std::vector<std::string>& files,
                         WorkspaceStore::BackupReport& report) {
  std::vector<Placed> placed(files.size());
  N4A_TRY(ParallelForEach(files.size(), kFileThreads, [&](size_t i) -> Status {
    N4A_ASSIGN_OR_RETURN(placed[i], BackupFile(env, root, dest, incremental, files[i]));
    return Status::Ok();
  }));
  Json listed = Json::array();
  for (size_t i = 0; i < files.size(); ++i) {
    listed.push_back({{"path", files[i]}, {"size", placed[i].size}});
    report.total_bytes += placed[i].size;
    switch (placed[i].how) {
      case Placed::How::kKept: ++report.files_kept; break;
      case Placed::How::kLinked: ++report.files_linked; break;
      case Placed::How::kCopied:
        ++report.files_copied;
        report.bytes_copied += placed[i].size;
        break;
    }
  }
  return listed;
}

// Removes objects of an earlier backup that the new manifest does not list.
Status RemoveStale(Env* env, const std::string& dest, const Json& files,
                   WorkspaceStore::BackupReport& report) {
  std::unordered_set<std::string> live;
  for (const auto& f : files) live.insert(f["path"].get<std::string>());
  for (const char* folder : {"artifacts", "arrays", "library"}) {
    N4A_ASSIGN_OR_RETURN(auto present, objects::ListFiles(env, dest, folder));
    for (const auto& f : present) {
      if (live.count(f.relative_path) != 0) continue;
      N4A_TRY(env->remove_file(dest + "/" + f.relative_path));
      ++report.files_removed;
    }
  }
  return Status::Ok();
}

Result<Json> ReadManifest(Env* env, const std::string& backup) {
  const std::string path = backup + "/" + kManifest;
  if (!env->file_exists(path)) {
    return Status::Corruption(backup + " is not a complete backup: it has no " + kManifest +
                              " (written last by `n4a workspace backup`)");
  }
  N4A_ASSIGN_OR_RETURN(std::string text, env->read_file(path));
  Json m = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!m.is_object() || !m.contains("n4a_backup_format_version") || !m["files"].is_array() ||
      !m["catalog"].is_object() || !m["catalog"]["sha256"].is_string()) {
    return Status::Corruption(path + " is not a backup manifest");
  }
  if (m["n4a_backup_format_version"] != kBackupFormatVersion) {
    return Status::FailedPrecondition(
        fmt::format("{} has backup format version {}, this n4a reads {}: use a matching n4a", path,
                    m["n4a_backup_format_version"].dump(), kBackupFormatVersion));
  }
  return m;
}

// A listed path stays inside its workspace: under a known folder, no "..".
bool IsSafeRelativePath(const std::string& rel) {
  if (!rel.starts_with("artifacts/") && !rel.starts_with("arrays/") &&
      !rel.starts_with("library/")) {
    return false;
  }
  for (const auto& part : std::filesystem::path(rel)) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

// Every listed file is safe to restore and there with its size, and the
// catalog has its hash.
Status VerifyBackup(Env* env, const std::string& backup, const Json& manifest) {
  for (const auto& f : manifest["files"]) {
    if (!f.is_object() || !f["path"].is_string() || !f["size"].is_number_unsigned() ||
        !IsSafeRelativePath(f["path"].get<std::string>())) {
      return Status::Corruption("backup manifest " + backup + "/" + kManifest +
                                " lists a bad entry: " + f.dump());
    }
    const std::string path = backup + "/" + f["path"].get<std::string>();
    auto size = env->file_size(path);
    if (!size.ok() || *size != f["size"].get<uint64_t>()) {
      return Status::Corruption("backup file " + path + " is missing or has the wrong size");
    }
  }
  const Json& catalog = manifest["catalog"];
  N4A_ASSIGN_OR_RETURN(auto in, env->new_sequential_file(backup + "/" + kCatalog));
  Sha256 sha;
  std::string buffer(kCopyBufferBytes, '\0');
  while (true) {
    N4A_ASSIGN_OR_RETURN(size_t n, in->read(buffer.size(), buffer.data()));
    if (n == 0) break;
    sha.Update(buffer.data(), n);
  }
  if (sha.FinishHex() != catalog["sha256"].get<std::string>()) {
    return Status::Corruption("backup catalog " + backup + "/" + kCatalog +
                              " does not match the SHA-256 in " + kManifest);
  }
  return Status::Ok();
}

Status CreateLayout(Env* env, const std::string& root) {
  for (const char* dir : store::kLayoutDirs) {
    N4A_TRY(objects::CreateDirs(env, root, dir, objects::Publish::kDurable));
  }
  return Status::Ok();
}

// What a restore finds where it is to put the workspace.
enum class Target { kFree, kWorkspace };  // missing or empty; a workspace (--force)

std::string WithoutTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

Result<Target> CheckTarget(Env* env, const std::string& target, WorkspaceStore::Force force) {
  if (IsEmptyOrMissing(env, target)) return Target::kFree;
  if (force == WorkspaceStore::Force::kNo) {
    return Status::AlreadyExists("restore target " + target +
                                 " is not empty: choose an empty folder, or pass --force to "
                                 "replace the workspace there");
  }
  if (!env->file_exists(target + "/" + kCatalog)) {
    return Status::AlreadyExists("restore target " + target + " is not empty and holds no " +
                                 "workspace (no " + kCatalog +
                                 "): --force only replaces a workspace; choose an empty folder");
  }
  return Target::kWorkspace;
}

// Removes a folder this restore made (or moved aside), not following links.
void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

// Copies the backup's files, then its catalog last, into the new folder
// `root`, and checks the workspace they make.
Result<WorkspaceStore::RestoreReport> RestoreInto(Env* env, const std::string& backup,
                                                  const Json& manifest, const std::string& root,
                                                  StoreOptions options) {
  WorkspaceStore::RestoreReport report;
  N4A_TRY(env->create_dirs(root));
  N4A_TRY(CreateLayout(env, root));
  const Json& files = manifest["files"];
  N4A_TRY(ParallelForEach(files.size(), kFileThreads, [&](size_t i) -> Status {
    const std::string rel = files[i]["path"].get<std::string>();
    N4A_TRY(objects::CreateDirs(env, root, objects::ParentOf(rel), objects::Publish::kDurable));
    return CopyFile(env, backup + "/" + rel, root + "/" + rel).status();
  }));
  for (const auto& f : files) report.bytes_copied += f["size"].get<uint64_t>();
  report.files_copied = static_cast<int64_t>(files.size());
  N4A_ASSIGN_OR_RETURN(Copied c, CopyFile(env, backup + "/" + kCatalog, root + "/" + kCatalog));
  if (c.sha256 != manifest["catalog"]["sha256"].get<std::string>()) {
    return Status::Corruption("the catalog copied from " + backup +
                              " does not match the backup's SHA-256");
  }
  ++report.files_copied;
  report.bytes_copied += c.bytes;
  options.mode = OpenMode::kMustExist;
  N4A_ASSIGN_OR_RETURN(auto store, WorkspaceStore::open(root, options));
  N4A_ASSIGN_OR_RETURN(report.check, store->check());
  N4A_TRY(store->close());
  if (!report.check.ok()) {
    return Status::Corruption("the workspace restored from " + backup +
                              " fails its check: " + report.check.problems.front());
  }
  return report;
}

// Puts the restored workspace `staging` at `target`, the folder's parent
// entry made durable. An existing workspace there is replaced under its
// exclusive lock: moved aside, the new one renamed in, the old one removed.
// The new folder takes over the old lock file (a hard link), so a process
// waiting for that lock meets the new workspace under it. A crash between
// the two renames leaves both folders whole: nothing is lost.
Status Publish(Env* env, const std::string& staging, const std::string& target, Target kind,
               const StoreOptions& options) {
  std::string parent = std::filesystem::path(target).parent_path().string();
  if (parent.empty()) parent = ".";
  if (kind == Target::kFree) {
    N4A_TRY(env->rename_file(staging, target));
    return env->sync_dir(parent);
  }
  const std::string lock_path = target + "/store.lock";
  N4A_ASSIGN_OR_RETURN(
      auto lock, store::WorkspaceLock::acquire(env, lock_path, LockMode::kExclusive,
                                               options.lock_timeout_micros, options.on_lock_wait));
  const std::string new_lock = staging + "/store.lock";
  if (env->file_exists(new_lock)) N4A_TRY(env->remove_file(new_lock));
  N4A_ASSIGN_OR_RETURN(bool linked, env->link_file(lock_path, new_lock));
  (void)linked;  // without a link the new workspace makes its own lock file
  const std::string aside = target + ".replaced.tmp." + NewUuidV7();
  N4A_TRY(env->rename_file(target, aside));
  if (Status s = env->rename_file(staging, target); !s.ok()) {
    (void)env->rename_file(aside, target);
    return s;
  }
  N4A_TRY(env->sync_dir(parent));
  lock.reset();
  RemoveTree(aside);
  return Status::Ok();
}

}  // namespace

Result<WorkspaceStore::BackupReport> WorkspaceStore::backup(const std::string& dest,
                                                            const BackupOptions& options) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->flush_locked());
  Env* env = impl_->env();
  const std::string root = path();
  if (options.incremental == Incremental::kNo && !IsEmptyOrMissing(env, dest)) {
    return Status::AlreadyExists("backup destination " + dest +
                                 " is not empty: pass --incremental to update an earlier backup "
                                 "there, or choose an empty folder");
  }
  BackupReport report;
  report.path = dest;
  N4A_TRY(env->create_dirs(dest));
  // From here until the new manifest lands, `dest` is not a backup.
  if (env->file_exists(dest + "/" + kManifest)) N4A_TRY(env->remove_file(dest + "/" + kManifest));
  N4A_TRY(env->sync_dir(dest));
  Json catalog, files;
  int64_t version = 0;
  // Under the shared lock no commit can land, so the catalog and the files
  // it references are one consistent state. The read window first folds a
  // deferred commit's log into store.duckdb, whose copy is the backup's
  // catalog; a commit that another writer deferred in between (or a log that
  // could not be folded in) sends the backup round again.
  bool log_left = true;
  for (int attempt = 0; log_left && attempt < 3; ++attempt) {
    N4A_TRY(impl_->window_.read([&](db::Connection& con) -> Status {
      log_left = impl_->window_.has_log();
      if (log_left) return Status::Ok();
      N4A_ASSIGN_OR_RETURN(version, catalog::ReadSchemaVersion(con));
      N4A_ASSIGN_OR_RETURN(auto snapshot, SnapshotFiles(env, root, con));
      N4A_ASSIGN_OR_RETURN(files,
                           BackupFiles(env, root, dest, options.incremental, snapshot, report));
      N4A_ASSIGN_OR_RETURN(Copied copied,
                           CopyFile(env, root + "/" + kCatalog, dest + "/" + kCatalog));
      catalog = {{"path", kCatalog}, {"size", copied.bytes}, {"sha256", copied.sha256}};
      ++report.files_copied;
      report.bytes_copied += copied.bytes;
      report.total_bytes += copied.bytes;
      return Status::Ok();
    }));
  }
  if (log_left) {
    return Status::FailedPrecondition("the catalog of " + root +
                                      " has a write-ahead log that could not be checkpointed; "
                                      "retry the backup");
  }
  N4A_TRY(CreateLayout(env, dest));
  Json manifest = {{"n4a_backup_format_version", kBackupFormatVersion},
                   {"n4a_version", N4A_VERSION},
                   {"created_at_micros", env->now_micros()},
                   {"source", std::filesystem::absolute(root).string()},
                   {"schema_version", version},
                   {"catalog", catalog},
                   {"files", files}};
  N4A_TRY(WriteFileAtomic(env, dest + "/" + kManifest, manifest.dump(1) + "\n"));
  if (options.incremental == Incremental::kYes) {
    N4A_TRY(RemoveStale(env, dest, files, report));
  }
  return report;
}

Result<WorkspaceStore::RestoreReport> WorkspaceStore::restore(const std::string& backup_path,
                                                              const std::string& target,
                                                              Force force, StoreOptions options) {
  Env* env = options.env;
  N4A_ASSIGN_OR_RETURN(Json manifest, ReadManifest(env, backup_path));
  N4A_TRY(VerifyBackup(env, backup_path, manifest));
  const std::string dest = WithoutTrailingSlash(target);
  N4A_ASSIGN_OR_RETURN(Target kind, CheckTarget(env, dest, force));
  // Everything happens in a folder beside the target, which takes the
  // target's place only once it holds a checked workspace.
  const std::string staging = dest + ".restore.tmp." + NewUuidV7();
  auto report = RestoreInto(env, backup_path, manifest, staging, options);
  if (report.ok()) {
    Status published = Publish(env, staging, dest, kind, options);
    if (!published.ok()) report = published;
  }
  if (!report.ok()) {
    RemoveTree(staging);
    return report.status();
  }
  report->path = target;
  return report;
}

}  // namespace n4a
