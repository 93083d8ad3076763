// WorkspaceStore's private state, shared by its .cc files.
#pragma once

#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "catalog/catalog_reader.h"
#include "catalog/catalog_writer.h"
#include "n4a/workspace_store.h"
#include "objects/array_store.h"
#include "objects/artifact_store.h"
#include "store/catalog_window.h"
#include "store/run_lock.h"
#include "util/uuid.h"

namespace n4a {

// Runs fn(0) ... fn(n - 1) on up to `threads` threads and returns the first
// error (the other calls still run). For many small durable file writes,
// whose fsyncs the filesystem commits together when they overlap.
// Defined in workspace_merge.cc.
Status ParallelForEach(size_t n, int threads, const std::function<Status(size_t)>& fn);
// Files synced or copied at once: overlapping fsyncs share the filesystem's
// commits.
inline constexpr int kFileThreads = 8;

class WorkspaceStore::Impl {
 public:
  // Buffered arrays of one dataset worth a part file before the commit.
  static constexpr size_t kEarlyArrayPartBytes = size_t{4} << 20;
  // Unwritten data of others beyond which a commit's sync goes file by file
  // (sync_batch).
  static constexpr uint64_t kBusyUnwrittenBytes = uint64_t{16} << 20;
  // The most rows in one table of an expected flush whose checkpoint is
  // deferred (store::Checkpoint::kDeferred): one row group's worth, so that
  // the next window's replay of the log stays a few milliseconds.
  static constexpr size_t kDeferredCheckpointRows = 4'096;

  Impl(std::string path, StoreOptions options)
      : window_(std::move(path), options),
        options_(std::move(options)),
        in_flight_(options_.env, window_.path(), options_.lock_timeout_micros),
        artifacts_(options_.env, window_.path(), &in_flight_),
        arrays_(options_.env, window_.path(), &in_flight_) {}

  store::CatalogWindow window_;
  StoreOptions options_;
  std::mutex mu_;
  // What this process published and has not yet referenced from a
  // committed row (objects/in_flight.h): GC keeps it.
  objects::InFlight in_flight_;
  // The path of each artifact saved here whose referencing chain is not
  // committed yet: released from in_flight_ when one is.
  std::unordered_map<std::string, std::string> artifact_paths_;
  objects::ArtifactStore artifacts_;
  objects::ArrayStore arrays_;
  catalog::PendingWrites pending_;
  // Arrays waiting for their part file, by dataset name, and their bytes.
  std::map<std::string, std::vector<objects::ArrayRow>> pending_arrays_;
  std::map<std::string, size_t> pending_array_bytes_;
  // arrays_.prepare(), started with the first buffered arrays (its error, if
  // any, comes again from write_part). Joined before arrays_ goes.
  std::future<Status> arrays_prepared_;
  // An early array part (buffer_prediction): rows taken from
  // pending_arrays_ and written durably on a second thread, so that the
  // writers go on meanwhile, until take_early_part() takes its refs (or,
  // if it failed, gives its rows back). At most one is in flight; joined,
  // like arrays_prepared_, before arrays_ goes.
  // Its fields are the writing thread's until early_part_written_ is got.
  struct EarlyPart {
    std::string dataset;
    std::vector<objects::ArrayRow> rows;
    std::string relative_path;  // set by the thread that writes it
  };
  EarlyPart early_part_;
  std::future<Status> early_part_written_;  // valid while one is in flight
  int64_t last_flush_micros_ = 0;
  // Set by expect_flush(), cleared by the next flush: early parts start at
  // twice kEarlyArrayPartBytes.
  bool flush_expected_ = false;
  // Files of the buffer published with Publish::kBatched (artifacts) and
  // not yet made durable by sync_files().
  bool unsynced_files_ = false;
  // The liveness locks of the runs this store began or claimed and has not
  // ended (store/run_lock.h).
  std::map<std::string, std::unique_ptr<store::RunLock>> run_locks_;
  std::unordered_set<std::string> known_runs_;
  std::unordered_set<std::string> known_pipelines_;
  bool closed_ = false;

  Env* env() const { return options_.env; }
  int64_t now() const { return options_.env->now_micros(); }

  // Commit protocol step 1 for a batch: waits for the early part in
  // flight, writes the pending arrays of each dataset to a part file,
  // appending their refs to `refs` (the next catalog transaction's), then
  // makes them and the batch's artifact files durable (sync_batch). A
  // dataset whose part fails stays pending for the next flush.
  // Requires mu_ (held by the flushing thread, which waits for this one).
  Status sync_files(std::vector<catalog::PendingWrites::ArrayRef>* refs) {
    take_early_part(refs);
    uint64_t part_bytes = 0;
    while (!pending_arrays_.empty()) {
      auto it = pending_arrays_.begin();
      N4A_ASSIGN_OR_RETURN(std::string part,
                           arrays_.write_part(it->first, it->second, objects::Publish::kBatched));
      unsynced_files_ = true;
      for (const objects::ArrayRow& row : it->second) {
        refs->push_back({row.prediction_id, it->first, part});
      }
      part_bytes += pending_array_bytes_[it->first];
      pending_array_bytes_.erase(it->first);
      pending_arrays_.erase(it);
    }
    if (!unsynced_files_) return Status::Ok();
    N4A_TRY(sync_batch(*refs, part_bytes));
    unsynced_files_ = false;
    return Status::Ok();
  }

  // Makes the batch's files durable: its artifacts (dedup hits too: the file
  // may be another writer's, not yet synced), the parts that `refs` and the
  // buffer name, and the folders above them. One syncfs does it when the
  // filesystem holds little else to write; but syncfs writes back every
  // process's data, and behind a 2.5 GB copy a sweep's commit waited
  // 0.3-0.9 s for it instead of 1-4 ms. So when more than
  // kBusyUnwrittenBytes besides the batch (~`part_bytes` and its artifacts)
  // is unwritten, each file and folder is fsynced instead, on several
  // threads (~4 ms for the 40-variant bench sweep when the disk is quiet,
  // which is why syncfs stays the default). Requires mu_ (as sync_files).
  Status sync_batch(const std::vector<catalog::PendingWrites::ArrayRef>& refs,
                    uint64_t part_bytes) {
    uint64_t batch_bytes = part_bytes;
    for (const ArtifactRecord& a : pending_.artifacts)
      batch_bytes += static_cast<uint64_t>(a.size_bytes);
    const std::optional<uint64_t> unwritten = env()->unwritten_bytes();
    if (!unwritten || *unwritten <= batch_bytes + kBusyUnwrittenBytes)
      return env()->sync_filesystem(window_.path());
    std::set<std::string> files;
    for (const ArtifactRecord& a : pending_.artifacts) files.insert(a.artifact_path);
    for (const catalog::PendingWrites::ArrayRef& r : refs) files.insert(r.part_path);
    for (const catalog::PendingWrites::ArrayRef& r : pending_.array_refs) files.insert(r.part_path);
    std::set<std::string> folders;
    for (const std::string& file : files)
      for (std::string f = objects::ParentOf(file); !f.empty(); f = objects::ParentOf(f))
        folders.insert(f);
    std::vector<std::string> paths(files.begin(), files.end());  // the files, then the folders
    paths.insert(paths.end(), folders.begin(), folders.end());
    return ParallelForEach(paths.size(), kFileThreads, [&](size_t i) {
      const std::string path = window_.path() + "/" + paths[i];
      return i < files.size() ? env()->sync_file(path) : env()->sync_dir(path);
    });
  }

  // Starts writing the pending arrays of `dataset` to a durable part on a
  // second thread (after waiting for the part in flight, if any).
  // Requires mu_.
  void start_early_part(const std::string& dataset) {
    take_early_part(&pending_.array_refs);
    early_part_ = {dataset, std::move(pending_arrays_[dataset]), ""};
    pending_arrays_.erase(dataset);
    pending_array_bytes_.erase(dataset);
    early_part_written_ = run_async([this]() -> Status {
      EarlyPart& part = early_part_;
      N4A_ASSIGN_OR_RETURN(part.relative_path,
                           arrays_.write_part(part.dataset, part.rows, objects::Publish::kDurable));
      return Status::Ok();
    });
  }

  // Waits for the early part in flight, if any, and appends its rows' refs
  // to `refs`. A failure is not final: its rows are pending again, for the
  // commit (which reports the error if it persists). Requires mu_ (held by
  // this thread or, in a commit, by the thread that waits for this one).
  void take_early_part(std::vector<catalog::PendingWrites::ArrayRef>* refs) {
    if (!early_part_written_.valid()) return;
    const bool written = early_part_written_.get().ok();
    EarlyPart part = std::move(early_part_);
    if (written) {
      for (const objects::ArrayRow& row : part.rows) {
        refs->push_back({row.prediction_id, part.dataset, part.relative_path});
      }
      return;
    }
    std::vector<objects::ArrayRow>& pending = pending_arrays_[part.dataset];
    pending.insert(pending.end(), std::make_move_iterator(part.rows.begin()),
                   std::make_move_iterator(part.rows.end()));
  }

  // fn() on a second thread (on this one if no thread can be started).
  static std::future<Status> run_async(const std::function<Status()>& fn) {
    try {
      return std::async(std::launch::async, fn);
    } catch (const std::system_error&) {
      std::promise<Status> done;
      done.set_value(fn());
      return done.get_future();
    }
  }

  // Commits the buffer. The array parts are written and the batch's files
  // synced (sync_files) on a second thread while the window opens the
  // catalog and applies the other rows (at the end of a sweep nothing else
  // runs); the transaction commits only once every file is durable. An
  // expected flush (the end of a sweep, which the user waits for) of a small
  // batch leaves its checkpoint to the next window. Requires mu_.
  Status flush_locked() {
    const bool expected = std::exchange(flush_expected_, false);
    if (pending_.empty()) return Status::Ok();
    std::vector<catalog::PendingWrites::ArrayRef> refs;
    std::future<Status> files;
    if (!pending_arrays_.empty() || unsynced_files_ || early_part_written_.valid())
      files = run_async([this, &refs] { return sync_files(&refs); });
    Status s = window_.write(
        [&](db::Connection& con) {
          if (!files.valid()) return catalog::ApplyWrites(con, pending_);
          return catalog::ApplyWrites(
              con, pending_, [&]() -> Result<std::vector<catalog::PendingWrites::ArrayRef>> {
                N4A_TRY(files.get());
                return refs;
              });
        },
        pending_.largest_table(),
        expected && pending_.largest_table() <= kDeferredCheckpointRows
            ? store::Checkpoint::kDeferred
            : store::Checkpoint::kNow);
    if (files.valid()) (void)files.get();  // the window failed before it asked for them
    if (!s.ok()) {
      // Parts that were written stay referenced by the buffer for the retry.
      pending_.array_refs.insert(pending_.array_refs.end(), refs.begin(), refs.end());
      return s;
    }
    release_committed(refs);
    // Pipelines whose predictions are now in the catalog are no longer fresh.
    std::unordered_set<std::string> fresh = std::move(pending_.fresh_pipelines);
    for (const catalog::PendingPrediction& p : pending_.predictions)
      fresh.erase(p.record.pipeline_id);
    pending_.clear();
    pending_.fresh_pipelines = std::move(fresh);
    last_flush_micros_ = now();
    return Status::Ok();
  }

  // After a commit: the files its rows reference are live in the catalog,
  // no longer only in flight. The artifacts of its chains (an artifact saved
  // but referenced by a later chain stays in flight until that one commits)
  // and its array parts (`refs`, the commit's late ones, and the buffer's).
  // Requires mu_.
  void release_committed(const std::vector<catalog::PendingWrites::ArrayRef>& refs) {
    std::vector<std::string> paths;
    for (const catalog::PendingChain& c : pending_.chains) {
      for (const auto& [id, n] : c.refs) {
        auto it = artifact_paths_.find(id);
        if (it == artifact_paths_.end()) continue;
        paths.push_back(std::move(it->second));
        artifact_paths_.erase(it);
      }
    }
    for (const catalog::PendingWrites::ArrayRef& r : refs) paths.push_back(r.part_path);
    for (const catalog::PendingWrites::ArrayRef& r : pending_.array_refs)
      paths.push_back(r.part_path);
    // A failure only makes a sweep keep these files until this process ends.
    (void)in_flight_.release(paths);
  }

  // Commits the buffer, whose last change ends run `run_id`, then lets the
  // run's liveness lock go. Requires mu_.
  Status end_run_locked(const std::string& run_id) {
    N4A_TRY(flush_locked());
    run_locks_.erase(run_id);
    return Status::Ok();
  }

  // Run `run_id` as the catalog `con` holds it, but with status "dead" when
  // it says "running" and its process is gone.
  Result<RunRecord> get_run(db::Connection& con, const std::string& run_id) {
    N4A_ASSIGN_OR_RETURN(RunRecord run, catalog::GetRun(con, run_id));
    if (run.status != "running") return run;
    N4A_ASSIGN_OR_RETURN(bool live, store::RunLock::IsHeld(env(), window_.path(), run_id));
    if (!live) run.status = "dead";
    return run;
  }

  // The runs of the catalog `con` whose status reads "running" but whose
  // process is gone (their liveness lock is free).
  Result<std::vector<std::string>> dead_runs(db::Connection& con) {
    N4A_ASSIGN_OR_RETURN(db::Table running,
                         con.query("SELECT run_id FROM runs WHERE status = 'running'"));
    std::vector<std::string> dead;
    for (const auto& row : running.rows) {
      const std::string& id = std::get<std::string>(row[0]);
      N4A_ASSIGN_OR_RETURN(bool live, store::RunLock::IsHeld(env(), window_.path(), id));
      if (!live) dead.push_back(id);
    }
    return dead;
  }

  Status maybe_flush_locked() {
    if (pending_.row_count() >= options_.flush_rows ||
        now() - last_flush_micros_ >= options_.flush_interval_micros) {
      return flush_locked();
    }
    return Status::Ok();
  }

  Status check_writable() const {
    if (closed_) return Status::FailedPrecondition("the workspace store is closed");
    return Status::Ok();
  }

  // Ok when `id` was made here or exists in `table`; NotFound otherwise.
  Status require_known(std::unordered_set<std::string>& known, const std::string& table,
                       const std::string& column, const std::string& what, const std::string& id) {
    if (known.count(id) != 0) return Status::Ok();
    N4A_TRY(flush_locked());
    bool exists = false;
    N4A_TRY(window_.read([&](db::Connection& con) -> Status {
      N4A_ASSIGN_OR_RETURN(exists, catalog::Exists(con, table, column, id));
      return Status::Ok();
    }));
    if (!exists) {
      return Status::NotFound(what + " " + id + " does not exist in workspace " + window_.path());
    }
    known.insert(id);
    return Status::Ok();
  }

  Status require_run(const std::string& id) {
    return require_known(known_runs_, "runs", "run_id", "run", id);
  }
  Status require_pipeline(const std::string& id) {
    return require_known(known_pipelines_, "pipelines", "pipeline_id", "pipeline", id);
  }

  // Buffers a prediction and, if given, its arrays row (both or neither
  // reach the next commit). Requires mu_.
  Result<std::string> buffer_prediction(catalog::PendingPrediction pending,
                                        objects::ArrayRow* arrays) {
    PredictionRecord& prediction = pending.record;
    N4A_TRY(check_writable());
    N4A_TRY(require_pipeline(prediction.pipeline_id));
    if (prediction.prediction_id.empty()) prediction.prediction_id = NewUuidV7();
    if (prediction.created_at == 0) prediction.created_at = now();
    std::string id = prediction.prediction_id;
    const std::string dataset = prediction.dataset_name;
    pending_.predictions.push_back(std::move(pending));
    if (arrays != nullptr) {
      if (!arrays_prepared_.valid())
        arrays_prepared_ = run_async([this] { return arrays_.prepare(); });
      arrays->prediction_id = id;
      const size_t bytes = pending_array_bytes_[dataset] += objects::ArrayBytes(*arrays);
      pending_arrays_[dataset].push_back(std::move(*arrays));
      // Parts are written as arrays accumulate, while a sweep goes on, not
      // all in the commit window that ends it; durably at once, since this
      // is off the commit's path (its sync then has less to write); and on
      // a second thread, so that the writers go on meanwhile. Once a flush
      // is expected (the sweep has ended), the threshold doubles: what the
      // recorder still buffers goes into the commit's own part, written
      // while the commit opens the catalog.
      if (bytes >= kEarlyArrayPartBytes * (flush_expected_ ? 2 : 1)) start_early_part(dataset);
    }
    N4A_TRY(maybe_flush_locked());
    return id;
  }

  // Buffers an UPDATE of one row, which must exist at commit.
  Status update(std::string sql, std::vector<db::Value> params, std::string what) {
    pending_.statements.push_back({std::move(sql), std::move(params), std::move(what)});
    return maybe_flush_locked();
  }

  // Runs `fn` in a read window after committing the buffer.
  template <typename T, typename Fn>
  Result<T> read(Fn fn) {
    N4A_TRY(flush_locked());
    std::optional<T> out;
    N4A_TRY(window_.read([&](db::Connection& con) -> Status {
      N4A_ASSIGN_OR_RETURN(T value, fn(con));
      out = std::move(value);
      return Status::Ok();
    }));
    return std::move(*out);
  }
};

}  // namespace n4a
