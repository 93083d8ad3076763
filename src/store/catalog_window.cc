#include "store/catalog_window.h"

#include <algorithm>

#include "catalog/schema.h"
#include "store/catalog_undo.h"
#include "store/workspace_lock.h"
#include "util/atomic_file.h"

namespace n4a::store {
namespace {

// The name under which a window attaches store.duckdb.
constexpr char kAlias[] = "n4a_catalog";
// Waiting for another DuckDB client to close the catalog: said after this
// long, retried at most this far apart.
constexpr int64_t kAnnounceClientWaitMicros = 500'000;
constexpr int64_t kMaxClientBackoffMicros = 100'000;

// The instance's checkpoint settings. Every COMMIT of a write window
// checkpoints at once, unless deferred: DuckDB would otherwise write the
// transaction to store.duckdb.wal and fsync it, then write it all again in
// the checkpoint at detach; committing into the checkpoint skips the log for
// transactions over ~100 KB (a sweep's commit) and truncates it for smaller
// ones. Just as durable: a failed checkpoint fails the COMMIT, and the store
// keeps its buffer for a retry. ~5 ms less per sweep commit
// (docs/formats/catalog.md).
constexpr char kCheckpointAtCommit[] =
    "SET checkpoint_threshold = '0KB'; PRAGMA enable_checkpoint_on_shutdown";
// A deferred commit's: COMMIT and DETACH leave the transaction in the log.
constexpr char kCheckpointLater[] =
    "SET checkpoint_threshold = '1TB'; PRAGMA disable_checkpoint_on_shutdown";

bool LooksCorrupt(const std::string& message) {
  for (const char* hint :
       {"not a valid DuckDB", "Corrupt", "corrupt", "checksum", "Could not read enough bytes"}) {
    if (message.find(hint) != std::string::npos) return true;
  }
  return false;
}

// DuckDB's own lock on store.duckdb: another DuckDB client (a user's script,
// the DuckDB CLI) has the file open, read-write, or read-only while this
// window writes. Its message names the client: "Conflicting lock is held in
// <program> (PID <n>)".
bool IsClientLockConflict(const std::string& message) {
  return message.find("Could not set lock on file") != std::string::npos;
}

std::string ClientLockHolder(const std::string& message) {
  const std::string marker = "Conflicting lock is held in ";
  const size_t begin = message.find(marker);
  if (begin == std::string::npos) return "another DuckDB client";
  const size_t end = message.find(')', begin);
  return message.substr(begin + marker.size(), end == std::string::npos
                                                   ? std::string::npos
                                                   : end + 1 - begin - marker.size());
}

// What a checkpoint of the attached catalog may overwrite in place: its
// headers and its metadata blocks (catalog_undo.h).
Result<std::vector<FileRange>> InPlaceRanges(db::Connection& con) {
  N4A_ASSIGN_OR_RETURN(
      db::Table t,
      con.query("SELECT (SELECT block_size FROM pragma_database_size() WHERE database_name = "
                "current_database()), block_id FROM pragma_metadata_info() ORDER BY block_id"));
  std::vector<FileRange> ranges{{0, kDuckDbHeaderBytes}};
  for (const auto& row : t.rows) {
    const auto block_size = static_cast<uint64_t>(std::get<int64_t>(row[0]));
    const auto block = static_cast<uint64_t>(std::get<int64_t>(row[1]));
    ranges.push_back({kDuckDbHeaderBytes + block * block_size, block_size});
  }
  return ranges;
}

}  // namespace

CatalogWindow::CatalogWindow(std::string path, const StoreOptions& options)
    : path_(std::move(path)),
      env_(options.env),
      lock_timeout_micros_(options.lock_timeout_micros),
      on_lock_wait_(options.on_lock_wait) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
}

Status CatalogWindow::recover_interrupted_commit() {
  N4A_TRY(ApplyUndo(env_, catalog_path(), undo_path())
              .status()
              .WithContext("recover the catalog of workspace " + path_));
  // An undo file whose writer died before renaming it (no checkpoint had
  // begun), or a new catalog whose creator died before renaming it (and its
  // log). Under the exclusive lock, no one else is writing one.
  N4A_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, env_->list_dir(path_));
  for (const DirEntry& e : entries) {
    if (!e.is_dir && e.name.rfind("store.duckdb.", 0) == 0 && IsTempFileName(e.name))
      N4A_TRY(env_->remove_file(path_ + "/" + e.name));
  }
  return Status::Ok();
}

bool CatalogWindow::has_log() const {
  Result<uint64_t> size = env_->file_size(log_path());
  return size.ok() && *size > 0;
}

Status CatalogWindow::window(LockMode mode, const std::function<Status(db::Connection&)>& fn,
                             const std::function<Status()>& after_close, size_t rows,
                             Checkpoint checkpoint) {
  if (mode == LockMode::kShared && env_->file_exists(catalog_path())) {
    const bool interrupted = env_->file_exists(undo_path());
    if (interrupted || has_log()) {
      // A writer died inside a commit (or one is committing), or the last
      // commit was deferred to the log. Recovering and folding the log in
      // write, so a write window does both first. A log that cannot be
      // folded in (a read-only file system) is replayed by the read-only
      // attach below instead; an interrupted commit must be repaired.
      Status folded =
          window(LockMode::kExclusive, [](db::Connection& con) { return con.exec("CHECKPOINT"); });
      if (interrupted) N4A_TRY(folded);
    }
  }
  N4A_ASSIGN_OR_RETURN(auto lock, WorkspaceLock::acquire(env_, lock_path(), mode,
                                                         lock_timeout_micros_, on_lock_wait_));
  const bool writes_existing = mode == LockMode::kExclusive && env_->file_exists(catalog_path());
  // A new catalog is made under a temporary name and renamed into place once
  // its commits are durable: a process killed while DuckDB writes the new
  // file's headers or first checkpoint, which no undo file covers, leaves a
  // temporary file that the next writer removes, not a store.duckdb that
  // does not open.
  const bool creates = mode == LockMode::kExclusive && !writes_existing;
  const std::string file = creates ? TempPathFor(catalog_path()) : catalog_path();
  if (mode == LockMode::kExclusive) N4A_TRY(recover_interrupted_commit());
  if (!instance_) {
    N4A_ASSIGN_OR_RETURN(instance_, db::Connection::open(":memory:", db::AccessMode::kReadWrite));
    // A checkpoint re-analyzes every changed string column;
    // FSST's analysis was a third of that work, and our strings (ids,
    // hashes, short names, small JSON) gain little from it
    // (docs/formats/catalog.md).
    N4A_TRY(instance_->exec("SET disabled_compression_methods = 'fsst'"));
    N4A_TRY(instance_->exec(kCheckpointAtCommit));
  }
  // A deferred commit leaves its transaction in the log: its COMMIT and
  // DETACH do not checkpoint, so nothing in store.duckdb is written in place
  // and no undo file is needed. At most one deferred commit waits in the log:
  // a window that finds one checkpoints it with its own.
  const bool defer = checkpoint == Checkpoint::kDeferred && writes_existing && !has_log();
  // The instance's settings are put back however the window ends.
  struct RestoreSettings {
    std::unique_ptr<db::Connection>& instance;
    bool deferred;
    ~RestoreSettings() {
      if (deferred && instance && !instance->exec(kCheckpointAtCommit).ok()) instance.reset();
    }
  } restore{instance_, defer};
  if (defer) N4A_TRY(instance_->exec(kCheckpointLater));
  std::string options = " (READ_ONLY)";
  if (mode == LockMode::kExclusive) {
    // The exclusive lock keeps anyone else from creating it meanwhile.
    options = catalog::WriteAttachOptions(!writes_existing, rows);
  }
  Status attached = attach(file, options);
  if (!attached.ok()) {
    if (creates) (void)publish_created(file, attached);
    if (LooksCorrupt(attached.message())) return Damaged(attached.message());
    return attached.WithContext("open the catalog of workspace " + path_);
  }
  // Before anything in this window can checkpoint (the first COMMIT).
  // Attaching replays a log in memory without writing store.duckdb (pinned
  // by a test), so the blocks listed now are still the file's.
  Status s = creates ? Status::Ok() : check_whole();
  if (s.ok() && writes_existing && !defer) s = save_undo();
  if (s.ok()) s = fn(*instance_);
  // DuckDB reads blocks when a query needs them: damage found then is
  // damage all the same.
  if (!s.ok() && !creates && LooksCorrupt(s.message())) s = Damaged(s.message());
  if (!s.ok()) (void)instance_->exec("ROLLBACK");  // if fn left a transaction open
  // Only the new catalog's file is renamed into place, not a log beside it.
  if (creates && s.ok()) s = instance_->exec("CHECKPOINT");
  // Detaching closes the database file inside the window (and checkpoints
  // what a COMMIT could not).
  Status detached = detach_all();
  if (!detached.ok()) instance_.reset();  // closes it all; the next window starts afresh
  if (s.ok()) s = detached.WithContext("close the catalog of workspace " + path_);
  // DuckDB synced the log; its name in the folder may be new.
  if (defer && s.ok()) s = env_->sync_dir(path_);
  if (creates) s = publish_created(file, std::move(s));
  N4A_TRY(s);
  // The commit is durable. An undo file left behind (this remove failing, or
  // a crash before it) is harmless: the next window finds headers newer than
  // the saved ones and only removes it.
  if (writes_existing && !defer) (void)env_->remove_file(undo_path());
  return after_close ? after_close() : Status::Ok();
}

Status CatalogWindow::Damaged(const std::string& what) const {
  return Status::Corruption("the catalog " + catalog_path() + " is damaged: " + what +
                            "; restore it from a backup (n4a workspace restore)");
}

Status CatalogWindow::check_whole() {
  // A replayed log's blocks live in memory until the next checkpoint.
  if (has_log()) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(db::Table t, instance_->query("SELECT block_size, used_blocks FROM "
                                                     "pragma_database_size() WHERE "
                                                     "database_name = current_database()"));
  N4A_ASSIGN_OR_RETURN(uint64_t size, env_->file_size(catalog_path()));
  if (t.rows.empty() || db::IsNull(t.rows[0][0]) || db::IsNull(t.rows[0][1])) return Status::Ok();
  const auto block_size = static_cast<uint64_t>(std::get<int64_t>(t.rows[0][0]));
  const auto blocks = static_cast<uint64_t>(std::get<int64_t>(t.rows[0][1]));
  // Blocks in use have distinct ids, so an intact file holds at least as
  // many (trailing free blocks may be cut off by DuckDB).
  const uint64_t least = kDuckDbHeaderBytes + blocks * block_size;
  if (size >= least) return Status::Ok();
  return Damaged("it holds " + std::to_string(size) + " bytes, less than the " +
                 std::to_string(blocks) + " blocks in use that its header lists (" +
                 std::to_string(least) + " bytes): it was truncated");
}

Status CatalogWindow::attach(const std::string& file, const std::string& options) {
  const std::string sql =
      "ATTACH " + db::QuoteLiteral(file) + " AS " + kAlias + options + "; USE " + kAlias;
  const int64_t start = env_->now_micros();
  int64_t backoff = 1'000;
  bool announced = false;
  while (true) {
    Status attached = instance_->exec(sql);
    if (attached.ok()) return attached;
    (void)instance_->exec(std::string("USE memory; DETACH DATABASE IF EXISTS ") + kAlias);
    if (!IsClientLockConflict(attached.message())) return attached;
    // Another DuckDB client holds the file: wait for it as for the
    // workspace lock, keeping what this process has to commit.
    const std::string holder = ClientLockHolder(attached.message());
    const int64_t waited = env_->now_micros() - start;
    if (waited >= lock_timeout_micros_) {
      return Status::LockTimeout(
          "timed out after " + std::to_string(waited / 1'000'000) + " s waiting for " + holder +
          " to close " + catalog_path() +
          ", which it holds open with DuckDB; other clients should open it read-only and "
          "briefly, or query a copy (docs/formats/lock.md); retry later or raise "
          "--wait-for-lock");
    }
    if (!announced && on_lock_wait_ && waited >= kAnnounceClientWaitMicros) {
      on_lock_wait_("waiting for " + holder + " to close " + catalog_path() +
                    " (another DuckDB client holds it open)");
      announced = true;
    }
    env_->sleep_micros(backoff);
    backoff = std::min<int64_t>(backoff * 2, kMaxClientBackoffMicros);
  }
}

Status CatalogWindow::publish_created(const std::string& temp, Status outcome) {
  if (outcome.ok()) outcome = env_->sync_file(temp);
  if (outcome.ok()) outcome = env_->rename_file(temp, catalog_path());
  if (outcome.ok()) return env_->sync_dir(path_);
  for (const std::string& f : {temp, temp + ".wal"}) {
    if (env_->file_exists(f)) (void)env_->remove_file(f);
  }
  return outcome;
}

Status CatalogWindow::save_undo() {
  N4A_ASSIGN_OR_RETURN(std::vector<FileRange> ranges, InPlaceRanges(*instance_));
  return SaveUndo(env_, catalog_path(), undo_path(), ranges);
}

Status CatalogWindow::detach_all() {
  N4A_TRY(instance_->exec("USE memory"));
  // The catalog, and whatever `fn` attached (a merge's source, a check's copy).
  N4A_ASSIGN_OR_RETURN(db::Table attached,
                       instance_->query("SELECT database_name FROM duckdb_databases() "
                                        "WHERE NOT internal AND database_name <> 'memory'"));
  for (const auto& row : attached.rows) {
    N4A_TRY(instance_->exec("DETACH " + db::QuoteIdentifier(std::get<std::string>(row[0]))));
  }
  return Status::Ok();
}

Status CatalogWindow::write_then(const std::function<Status(db::Connection&)>& fn,
                                 const std::function<Status()>& after_close) {
  return window(LockMode::kExclusive, fn, after_close);
}

Status CatalogWindow::write(const std::function<Status(db::Connection&)>& fn, size_t rows,
                            Checkpoint checkpoint) {
  return window(LockMode::kExclusive, fn, nullptr, rows, checkpoint);
}

Status CatalogWindow::read(const std::function<Status(db::Connection&)>& fn) {
  return window(LockMode::kShared, fn);
}

Status CatalogWindow::read_confined(const std::vector<std::string>& readable_dirs,
                                    const std::function<Status(db::Connection&)>& fn) {
  return read([&](db::Connection&) -> Status {
    N4A_ASSIGN_OR_RETURN(auto con, db::Connection::open(":memory:", db::AccessMode::kReadWrite));
    std::vector<std::string> dirs;
    for (const std::string& d : readable_dirs) dirs.push_back(d.back() == '/' ? d : d + "/");
    N4A_TRY(con->exec("ATTACH " + db::QuoteLiteral(catalog_path()) + " AS " + kAlias +
                      " (READ_ONLY); USE " + kAlias));
    N4A_TRY(con->exec("SET allowed_directories = [" + db::QuoteLiteralList(dirs) +
                      "]; SET enable_external_access = false; SET lock_configuration = true"));
    return fn(*con);
  });
}

Status CatalogWindow::create_layout() {
  N4A_TRY(env_->create_dirs(path_).WithContext("create workspace"));
  for (const char* dir : kLayoutDirs) {
    N4A_TRY(env_->create_dirs(path_ + "/" + dir).WithContext("create workspace"));
  }
  return Status::Ok();
}

Status CatalogWindow::open_or_create(OpenMode mode) {
  bool exists = env_->file_exists(catalog_path());
  if (!exists && mode == OpenMode::kMustExist) {
    return Status::NotFound("not a workspace: " + path_ +
                            " has no store.duckdb (create one with `n4a workspace init " + path_ +
                            "`, or pass --workspace)");
  }
  if (!exists) N4A_TRY(create_layout());
  int64_t version = 0;
  if (exists) {
    N4A_TRY(read([&](db::Connection& con) -> Status {
      N4A_ASSIGN_OR_RETURN(version, catalog::ReadSchemaVersion(con));
      return Status::Ok();
    }));
    if (version > catalog::LatestSchemaVersion()) {
      return Status::FailedPrecondition("workspace " + path_ + " has schema version " +
                                        std::to_string(version) + ", newer than this n4a knows (" +
                                        std::to_string(catalog::LatestSchemaVersion()) +
                                        "): upgrade n4a to open it");
    }
  }
  if (version == catalog::LatestSchemaVersion()) return Status::Ok();
  return write([&](db::Connection& con) { return catalog::Migrate(con, env_->now_micros()); })
      .WithContext("open workspace " + path_);
}

}  // namespace n4a::store
