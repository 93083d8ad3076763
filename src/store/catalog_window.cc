#include "store/catalog_window.h"

#include "catalog/schema.h"
#include "store/workspace_lock.h"

namespace n4a::store {
namespace {

bool LooksCorrupt(const std::string& message) {
  for (const char* hint :
       {"not a valid DuckDB", "Corrupt", "corrupt", "checksum", "Could not read enough bytes"}) {
    if (message.find(hint) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

CatalogWindow::CatalogWindow(std::string path, const StoreOptions& options)
    : path_(std::move(path)),
      env_(options.env),
      lock_timeout_micros_(options.lock_timeout_micros),
      on_lock_wait_(options.on_lock_wait) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
}

Status CatalogWindow::window(LockMode mode, const std::function<Status(db::Connection&)>& fn,
                             const std::function<Status()>& after_close) {
  N4A_ASSIGN_OR_RETURN(auto lock, WorkspaceLock::acquire(env_, lock_path(), mode,
                                                         lock_timeout_micros_, on_lock_wait_));
  auto access =
      mode == LockMode::kExclusive ? db::AccessMode::kReadWrite : db::AccessMode::kReadOnly;
  auto con = db::Connection::open(catalog_path(), access);
  if (!con.ok()) {
    const std::string& msg = con.status().message();
    if (LooksCorrupt(msg)) {
      return Status::Corruption("the catalog " + catalog_path() + " is damaged: " + msg +
                                "; restore it from a backup");
    }
    return con.status().WithContext("workspace " + path_);
  }
  if (mode == LockMode::kExclusive) {
    // The checkpoint at close re-analyzes every changed string column; FSST's
    // analysis was a third of that work, and our strings (ids, hashes, short
    // names, small JSON) gain little from it (docs/formats/catalog.md).
    N4A_TRY((*con)->exec("SET disabled_compression_methods = 'fsst'"));
  }
  N4A_TRY(fn(**con));
  con->reset();  // closes the database (and checkpoints) inside the window
  return after_close ? after_close() : Status::Ok();
}

Status CatalogWindow::write_then(const std::function<Status(db::Connection&)>& fn,
                                 const std::function<Status()>& after_close) {
  return window(LockMode::kExclusive, fn, after_close);
}

Status CatalogWindow::write(const std::function<Status(db::Connection&)>& fn) {
  return window(LockMode::kExclusive, fn);
}

Status CatalogWindow::read(const std::function<Status(db::Connection&)>& fn) {
  return window(LockMode::kShared, fn);
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
