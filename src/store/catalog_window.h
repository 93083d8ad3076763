// CatalogWindow: the commit/read windows of DESIGN.md "Concurrency". A write
// window takes `store.lock` exclusively, attaches `store.duckdb` read-write
// to an in-memory DuckDB instance, runs one function, and detaches it and
// releases the lock; a read window does the same with a shared lock and a
// read-only attach. Nothing of the workspace stays open between windows, so
// other processes can use it in between; the instance itself lives as long
// as the window object, so that each window skips DuckDB's start-up (an
// attach costs ~2 ms where opening the file as a new database cost ~8-13).
// A write window's COMMIT checkpoints into store.duckdb or, when deferred,
// goes to DuckDB's log (store.duckdb.wal), which the next window folds in
// (docs/formats/catalog.md "The commit that ends a sweep: a deferred
// checkpoint"). Not thread-safe: the store serializes windows.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "n4a/workspace_store.h"
#include "util/database.h"

namespace n4a::store {

// How a write window's COMMIT reaches the disk.
enum class Checkpoint {
  // COMMIT checkpoints: store.duckdb alone holds the transaction.
  kNow,
  // COMMIT appends the transaction to store.duckdb.wal and syncs it, and the
  // next window (of any process) checkpoints it. For a small commit that a
  // user waits for: it skips the checkpoint's fixed cost (~13 ms) and the
  // undo file (~4 ms). Taken only when no log is there yet, so the log holds
  // at most one such commit; otherwise the window checkpoints as with kNow.
  kDeferred,
};

// The folders of a workspace besides its catalog (DESIGN.md "A workspace on
// disk").
inline constexpr const char* kLayoutDirs[] = {"artifacts", "arrays", "exports", "library"};

class CatalogWindow {
 public:
  CatalogWindow(std::string path, const StoreOptions& options);

  // Checks (kMustExist) or creates the layout and the catalog, and brings the
  // schema up to date.
  Status open_or_create(OpenMode mode);

  // `rows`: the most rows fn appends to one table, which sets the size of
  // the row groups they form (catalog::RowGroupSizeFor).
  Status write(const std::function<Status(db::Connection&)>& fn, size_t rows = 0,
               Checkpoint checkpoint = Checkpoint::kNow);
  // A write window that runs `after_close` once the database is closed but
  // before the lock is released: for replacing store.duckdb itself.
  Status write_then(const std::function<Status(db::Connection&)>& fn,
                    const std::function<Status()>& after_close);
  // A read window first folds a deferred commit's log into store.duckdb
  // (and repairs an interrupted commit) under the exclusive lock, once: then
  // neither it nor later readers replay the log at every attach.
  Status read(const std::function<Status(db::Connection&)>& fn);

  // A read window whose function runs on a DuckDB instance of its own, made
  // for it, that can read the catalog and the files under `readable_dirs`
  // (absolute folders, e.g. the workspace's arrays/) and nothing else:
  // DuckDB's external access is off (no other file, no network, no
  // extension, no ATTACH), and cannot be turned on again. For SQL that a
  // user writes (`n4a sql`).
  Status read_confined(const std::vector<std::string>& readable_dirs,
                       const std::function<Status(db::Connection&)>& fn);

  // Saves the attached catalog's headers and metadata blocks to the undo
  // file (catalog_undo.h). Each write window does so before it runs its
  // function; a function that commits more than once (every COMMIT
  // checkpoints) calls it before each COMMIT after the first.
  Status save_undo();

  const std::string& path() const { return path_; }
  std::string catalog_path() const { return path_ + "/store.duckdb"; }
  std::string lock_path() const { return path_ + "/store.lock"; }
  // The undo file of a commit in progress (catalog_undo.h).
  std::string undo_path() const { return path_ + "/store.duckdb.undo"; }
  // DuckDB's write-ahead log of the catalog.
  std::string log_path() const { return path_ + "/store.duckdb.wal"; }
  // Whether the log holds transactions (a deferred commit's, or another
  // DuckDB client's).
  bool has_log() const;

 private:
  Status window(LockMode mode, const std::function<Status(db::Connection&)>& fn,
                const std::function<Status()>& after_close = nullptr, size_t rows = 0,
                Checkpoint checkpoint = Checkpoint::kNow);

  // Attaches `file` (store.duckdb or a new catalog's temp name) with the
  // ATTACH `options`, and makes it the default database. While another
  // DuckDB client holds the file (DuckDB's own lock), retries with backoff
  // for up to the lock timeout, saying once for whom it waits; then
  // LockTimeout naming that client.
  Status attach(const std::string& file, const std::string& options);
  // Corruption when the attached catalog is shorter than the blocks in use
  // that its header lists (a truncated file, whose missing blocks DuckDB
  // would only notice when a query reads them). Skipped while a log waits
  // (its replay adds blocks in memory). Requires an attached catalog.
  Status check_whole();
  // The Corruption status of a damaged catalog, with `what` DuckDB said.
  Status Damaged(const std::string& what) const;
  Status create_layout();
  // Detaches every database the window attached. Requires instance_.
  Status detach_all();
  // Writes back what an interrupted commit's checkpoint may have torn, if
  // its undo file is there. Requires the exclusive lock.
  Status recover_interrupted_commit();
  // Ends a window that created the catalog as `temp`: if `outcome` is ok,
  // makes it durable and renames it to store.duckdb; otherwise removes it.
  // Returns `outcome`, or the error of publishing it.
  Status publish_created(const std::string& temp, Status outcome);

  std::string path_;
  Env* env_;
  std::unique_ptr<db::Connection> instance_;  // the in-memory DuckDB, made by the first window
  int64_t lock_timeout_micros_;
  std::function<void(const std::string&)> on_lock_wait_;
};

}  // namespace n4a::store
