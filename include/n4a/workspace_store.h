// WorkspaceStore: the one facade over a workspace (DESIGN.md "store" layer).
//
// It owns consistency: writes are buffered in memory and committed in batches,
// each batch in one short commit window (exclusive `store.lock`, open
// `store.duckdb`, one transaction, close). Reads first commit the buffer
// (read-your-writes), then open the database read-only under a shared lock.
// Many processes may use one workspace at once; none holds the database open
// between windows.
//
// A batch is durable once flush() (or close()) returns ok; writes still in the
// buffer are lost if the process dies. The store flushes by itself when the
// buffer holds `flush_rows` rows or `flush_interval_micros` have passed since
// the last commit.
//
// Thread-safety: every method may be called from any thread; calls are
// serialized by an internal mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n4a/env.h"
#include "n4a/queries.h"
#include "n4a/records.h"
#include "n4a/status.h"
#include "n4a/table.h"
#include "n4a/templates.h"

namespace n4a {

enum class OpenMode {
  kCreateIfMissing,  // creates the layout and the catalog when absent
  kMustExist,        // NotFound when the folder is not a workspace
};

struct StoreOptions {
  Env* env = Env::Default();
  OpenMode mode = OpenMode::kCreateIfMissing;
  // How long to wait for the workspace lock before LockTimeout.
  int64_t lock_timeout_micros = 60'000'000;
  // Told once per wait when another process holds the lock for a while.
  std::function<void(const std::string&)> on_lock_wait;
  size_t flush_rows = 200'000;
  int64_t flush_interval_micros = 2'000'000;
};

// Size and content of a workspace, for `n4a workspace info`.
struct WorkspaceInfo {
  std::string path;
  int64_t schema_version = 0;
  uint64_t catalog_bytes = 0;
  uint64_t artifact_bytes = 0;
  uint64_t array_bytes = 0;
  Table table_counts;  // table_name, rows
};

// The records that resolve_id finds by a prefix of their id.
enum class IdKind { kRun, kPipeline, kChain };

// Whether a cleanup deletes or only reports what it would delete.
enum class DryRun { kNo, kYes };

// What a delete removed from the catalog (files stay until gc_artifacts).
struct DeleteReport {
  int64_t runs = 0;
  int64_t pipelines = 0;
  int64_t chains = 0;
  int64_t predictions = 0;
  int64_t logs = 0;
  int64_t artifact_refs_released = 0;
};

// What gc_artifacts removed (or, with DryRun::kYes, would remove).
struct GcReport {
  int64_t files_scanned = 0;
  int64_t files_removed = 0;
  uint64_t bytes_freed = 0;
  int64_t files_too_young = 0;  // garbage kept because of the grace period
  int64_t catalog_rows_removed = 0;
  std::vector<std::string> removed_paths;
  std::vector<std::string> errors;
};

struct VacuumReport {
  uint64_t bytes_before = 0;
  uint64_t bytes_after_checkpoint = 0;
  uint64_t bytes_after = 0;
  bool rewritten = false;  // the catalog was copied into a fresh file
};

struct CompactReport {
  std::string dataset_name;
  std::string path;
  int64_t files_folded = 0;
  int64_t rows_kept = 0;
  int64_t rows_dropped = 0;
};

// What check() found; it changes nothing.
struct CheckReport {
  int64_t artifacts_checked = 0;
  int64_t array_files_checked = 0;
  int64_t predictions_with_arrays = 0;
  int64_t runs_checked = 0;
  std::vector<std::string> problems;
  // What a crash leaves and a resume repairs (runs whose process died with
  // pipelines unfinished): said, but not damage.
  std::vector<std::string> warnings;
  bool ok() const { return problems.empty(); }
};

// Resolves the workspace folder: `explicit_path` if not empty, else the
// NIRS4ALL_WORKSPACE environment variable, else "./workspace".
std::string ResolveWorkspacePath(const std::string& explicit_path);

class WorkspaceStore {
 public:
  // Opens (and with kCreateIfMissing creates) the workspace at `path`.
  // Errors: NotFound for a folder that is not a workspace (kMustExist),
  // Corruption for a store.duckdb that DuckDB cannot read, FailedPrecondition
  // for a schema newer than this binary, LockTimeout, IOError.
  static Result<std::unique_ptr<WorkspaceStore>> open(const std::string& path,
                                                      StoreOptions options = {});
  // Flushes what is buffered; an error here can only be printed to stderr,
  // so call close() first when the outcome matters.
  ~WorkspaceStore();
  WorkspaceStore(const WorkspaceStore&) = delete;
  WorkspaceStore& operator=(const WorkspaceStore&) = delete;

  const std::string& path() const;

  // Commits everything buffered in one window. On error the buffer is kept,
  // so a later flush can retry.
  Status flush();
  // Flushes; the store accepts no writes afterwards, even when the flush
  // fails (its error is returned, and what it held is lost: call flush()
  // first to retry).
  Status close();
  // Says that a flush follows soon (a sweep has computed its last variant and
  // its recorder is draining): until it, buffered arrays wait for that commit,
  // which writes them while it opens the catalog, rather than starting an
  // early part file that the commit would wait for, and then write the rest
  // after it. Up to twice the usual early-part size; beyond that a part starts.
  // That flush, when it is small (at most 4,096 rows in any table), commits
  // to DuckDB's log and leaves the checkpoint to the next window of any
  // process (docs/formats/catalog.md "The commit that ends a sweep").
  void expect_flush();

  // --- Runs and pipelines (buffered). Ids are UUIDv7 made here.
  // A run that this store begins or claims holds its liveness lock
  // (docs/formats/lock.md "Run locks") until complete_run, fail_run or
  // interrupt_run commits, or the process ends: other processes then see it
  // as alive. A run left "running" by a process that is gone reads as
  // status "dead" (get_run, list_runs).
  Result<std::string> begin_run(const std::string& name, const Json& config, const Json& datasets);
  Status complete_run(const std::string& run_id, const Json& summary);
  Status fail_run(const std::string& run_id, const std::string& error);
  // Marks a run stopped by the user: status "interrupted".
  Status interrupt_run(const std::string& run_id);
  // Takes the liveness lock of an existing run for this process and marks
  // it running again, to resume it. FailedPrecondition naming the process
  // (pid, host, command) if a live one holds it; NotFound for an unknown run.
  Status resume_run(const std::string& run_id);
  // Retires the pipelines of a claimed run that did not complete (status
  // running: their process died; or failed), before a resume redoes them:
  // each becomes "retired" and loses its chains, predictions (with their
  // arrays references) and logs, releasing its artifact references, all in
  // one transaction. Returns how many were retired. FailedPrecondition
  // unless this store holds the run (begin_run or resume_run).
  Result<int64_t> retire_unfinished_pipelines(const std::string& run_id);
  Result<std::string> begin_pipeline(const std::string& run_id, const std::string& name,
                                     const Json& expanded_config, const Json& generator_choices,
                                     const std::string& dataset_name,
                                     const std::string& dataset_hash);
  Status complete_pipeline(const std::string& pipeline_id, std::optional<double> best_val,
                           std::optional<double> best_test, const std::string& metric,
                           int64_t duration_ms);
  Status fail_pipeline(const std::string& pipeline_id, const std::string& error);

  // Returns the chain id (given or new). The pipeline must exist.
  Result<std::string> save_chain(ChainRecord chain);
  // Upserts on the natural key (pipeline_id, chain_id, fold_id, partition,
  // model_name, branch_id): a later save replaces the earlier row at commit.
  Result<std::string> save_prediction(PredictionRecord prediction);
  // As above, with the prediction's dense arrays. The arrays are written to a
  // new Parquet part file before the commit that references them.
  Result<std::string> save_prediction(PredictionRecord prediction, PredictionArrays arrays);
  Result<std::string> log_step(LogRecord log);

  // --- Artifacts (content-addressed files, DESIGN.md "Identity").
  // Writes `bytes` to artifacts/<h[:2]>/<h>.<format> at once (atomic publish)
  // and returns the artifact id (the SHA-256 hex of the bytes). The catalog
  // row is buffered; the file becomes durable with the other files of its
  // batch, in one filesystem sync just before that commit. Identical bytes
  // give the same id and one file. The reference count rises when a chain
  // referencing the id is saved.
  Result<std::string> save_artifact(std::string_view bytes, const std::string& operator_class,
                                    const std::string& artifact_type, const std::string& format);
  // Reads an artifact and verifies its hash (Corruption on mismatch).
  Result<std::string> load_artifact(const std::string& artifact_id);
  // The bytes of each id, in order, hash-verified, with one catalog read for
  // all of them (a chain's steps and folds). NotFound names a missing id.
  Result<std::vector<std::string>> load_artifacts(const std::vector<std::string>& artifact_ids);
  // Absolute path of an artifact's file.
  Result<std::string> get_artifact_path(const std::string& artifact_id);
  // The arrays of one prediction.
  Result<PredictionArrays> load_prediction_arrays(const std::string& prediction_id);
  // The arrays of every prediction of a pipeline, by prediction id.
  Result<std::vector<std::pair<std::string, PredictionArrays>>> load_pipeline_arrays(
      const std::string& pipeline_id);
  Result<ArtifactRecord> get_artifact(const std::string& artifact_id);
  Result<Table> list_artifacts(int64_t limit = 1000);
  // Count, bytes on disk, references and what deduplication saved.
  Result<Table> artifact_stats();

  // Writes the predictions matching `filter` (its limit and offset ignored)
  // to a Parquet file at `path` (ZSTD; published atomically), with the
  // arrays columns of docs/formats/arrays.md when `with_arrays` is kYes.
  // Returns the number of rows written.
  enum class WithArrays { kNo, kYes };
  Result<int64_t> export_predictions_parquet(const std::string& path,
                                             const PredictionFilter& filter,
                                             WithArrays with_arrays);

  // --- Cleanup (DESIGN.md "Commit protocol", step 3).
  // Removes a run and everything under it in one transaction, releasing
  // artifact references; files stay until gc_artifacts(). FailedPrecondition
  // for a run whose process is alive.
  Result<DeleteReport> delete_run(const std::string& run_id);
  Result<DeleteReport> delete_prediction(const std::string& prediction_id);
  Result<DeleteReport> delete_dataset_predictions(const std::string& dataset_name);
  // Mark and sweep of artifacts/ and arrays/: live = what the catalog
  // references; files younger than `grace_micros` are never removed (they may
  // belong to a writer whose commit is in flight), stale temp files are.
  Result<GcReport> gc_artifacts(int64_t grace_micros = 3'600'000'000, DryRun dry_run = DryRun::kNo);
  // Folds the array part files of one dataset (all when empty) into
  // arrays/<dataset>.parquet, dropping rows of deleted predictions.
  Result<std::vector<CompactReport>> compact(const std::string& dataset_name = "");
  // Reclaims space in store.duckdb: CHECKPOINT, then a rewrite into a fresh
  // file when that makes it smaller.
  Result<VacuumReport> vacuum();
  // Verifies every artifact (exists, hash) and reference count, every array
  // file (readable) and arrays reference, and that no run holds a variant
  // twice (problems); warns of runs whose process died with pipelines
  // unfinished. Reports; changes nothing.
  Result<CheckReport> check();

  // --- Merge, backup and restore (issue 7; docs/formats/backup.md).
  // What a merge does with a source row whose id (or, for predictions, natural
  // key) is already in this workspace. kKeepBest keeps the chain or prediction
  // with the better score (cv_val_score / val_score, by HigherIsBetter of its
  // metric; a missing score loses, a tie keeps the existing row); for other
  // tables it keeps the existing row. kOverwrite replaces rows that differ.
  enum class OnConflict { kKeepExisting, kOverwrite, kKeepBest };
  struct MergeOptions {
    OnConflict on_conflict = OnConflict::kKeepExisting;
    // Only pipelines of this dataset (with their runs, chains, predictions,
    // logs, arrays, artifacts and projects); empty: everything.
    std::string dataset_name;
    DryRun dry_run = DryRun::kNo;
  };
  struct MergeTableCounts {
    std::string table;
    int64_t added = 0;
    int64_t skipped = 0;  // present already (identical, kept, or not better)
    int64_t replaced = 0;
  };
  struct MergeReport {
    std::string source;
    bool same_workspace = false;  // source and target are one folder: nothing done
    bool dry_run = false;
    // projects, runs, pipelines, artifacts, chains, predictions,
    // prediction_arrays, logs (in that order).
    std::vector<MergeTableCounts> tables;
    int64_t artifact_files_copied = 0;  // or, in a dry run, to copy
    int64_t artifact_files_present = 0;
    uint64_t artifact_bytes_copied = 0;
    int64_t array_rows_copied = 0;
    int64_t array_parts_written = 0;
  };
  // Copies the workspace at `source_path` into this one, preserving ids, so a
  // second identical merge changes nothing. The source is opened read-only,
  // checked first (Corruption if check() finds problems; FailedPrecondition
  // if its schema version differs from this one's) and never modified.
  // Artifact files are copied only when missing here and array rows are
  // rewritten into new part files, both before the one catalog transaction
  // that references them; reference counts are adjusted in it. With
  // DryRun::kYes nothing is written and the report says what would happen.
  // FailedPrecondition when this workspace changed in a way the copied files
  // do not cover (run the merge again).
  Result<MergeReport> merge_from(const std::string& source_path, const MergeOptions& options);

  enum class Incremental { kNo, kYes };
  struct BackupOptions {
    // kNo: `dest` must be absent or empty. kYes: `dest` may hold an earlier
    // backup; objects it has are kept, the others are hard-linked from the
    // workspace when on the same filesystem, else copied.
    Incremental incremental = Incremental::kNo;
  };
  struct BackupReport {
    std::string path;
    int64_t files_copied = 0;
    int64_t files_linked = 0;
    int64_t files_kept = 0;     // already in an incremental backup
    int64_t files_removed = 0;  // stale objects of an earlier backup
    uint64_t bytes_copied = 0;
    uint64_t total_bytes = 0;
  };
  // Writes a consistent snapshot of the workspace to `dest` (a workspace
  // folder plus backup.json, written last and atomically: a folder without it
  // is not a backup). Taken under the shared workspace lock after committing
  // this store's buffer and checkpointing the catalog, so writers wait (their
  // lock timeout applies) but never land half in the snapshot.
  Result<BackupReport> backup(const std::string& dest, const BackupOptions& options);

  enum class Force { kNo, kYes };
  struct RestoreReport {
    std::string path;
    int64_t files_copied = 0;
    uint64_t bytes_copied = 0;
    CheckReport check;
  };
  // Copies the backup at `backup_path` into `target`: verifies backup.json (format version,
  // every file's size, the catalog's SHA-256), copies the objects and then the catalog into a
  // temporary folder beside `target`, runs check() there, then renames it to `target`.
  // AlreadyExists for a non-empty `target` unless Force::kYes, which replaces a workspace there,
  // whole, under its lock (docs/formats/backup.md); Corruption for an incomplete or damaged
  // backup or a failed check. On any error `target` is left as it was.
  static Result<RestoreReport> restore(const std::string& backup_path, const std::string& target,
                                       Force force = Force::kNo, StoreOptions options = {});

  // --- Projects (committed at once).
  Result<std::string> create_project(const std::string& name, const std::string& description,
                                     const std::string& color);
  Result<std::vector<ProjectRecord>> list_projects();
  Result<ProjectRecord> get_project_by_name(const std::string& name);
  Result<std::string> get_or_create_project(const std::string& name);
  Status set_run_project(const std::string& run_id, const std::string& project_id);
  // Deletes the project; its runs stay, with no project.
  Status delete_project(const std::string& project_id);

  // --- Templates: library/<category>/<name>/ (docs/formats/template.md).
  // Plain files published atomically, outside the catalog and its lock; of two
  // concurrent saves of one name the last wins. Names and categories must
  // pass ValidateTemplateName (InvalidArgument).
  // Saves `config` (already validated by the caller, pipeline/config.h) with
  // `metadata` (category "general" when empty; times set here). A template of
  // the same name in any category is replaced only with Overwrite::kYes
  // (AlreadyExists otherwise), keeping its created_at. Returns what was saved.
  Result<TemplateMetadata> save_template(TemplateMetadata metadata, const Json& config,
                                         Overwrite overwrite);
  // Templates matching `filter`, by category then name. Unreadable entries
  // are errors (Corruption), not skipped.
  Result<std::vector<TemplateMetadata>> list_templates(const TemplateFilter& filter = {});
  // NotFound for an unknown name; Corruption for unreadable files;
  // FailedPrecondition for a format newer than this binary.
  Result<PipelineTemplate> get_template(const std::string& name);
  // Removes the template's files and folder. NotFound for an unknown name.
  Status delete_template(const std::string& name);

  // --- Provenance and lineage.
  // Records who ran `run_id` and where (RunRecord::provenance); buffered and
  // committed with the run's next batch. The run must exist or be buffered.
  Status set_run_provenance(const std::string& run_id, const Json& provenance);
  // One row per dataset version (name, role, content hash) that a run used:
  // dataset_name, role, hash, path (the latest), n_samples, n_features,
  // first_used, last_used, runs (count), run_ids (JSON array, oldest first).
  // Sorted by dataset_name, then first use.
  Result<Table> list_datasets();
  // Everything about one chain, for `n4a show`.
  struct ChainDetails {
    ChainRecord chain;
    PipelineRecord pipeline;
    RunRecord run;
    // The runs.datasets entry with the pipeline's dataset hash (the data the
    // chain was trained on); null when the run did not record it.
    Json dataset;
    // One row per prediction of the chain: fold_id, partition, metric, score
    // (of `metric` on that partition), n_samples, scores (JSON), prediction_id.
    Table fold_scores;
    // One row per artifact reference, by step then fold: step (index in
    // chain.steps), fold ("fold_0", ..., "fold_final"), artifact_id,
    // operator_class, artifact_type, format, size_bytes.
    Table artifacts;
  };
  // NotFound for an unknown chain.
  Result<ChainDetails> describe_chain(const std::string& chain_id);

  // --- Queries.
  Result<RunRecord> get_run(const std::string& run_id);
  // Newest first: run_id, name, status, created_at, completed_at, pipelines
  // (count), user, host, git_commit (from the run's provenance; null when
  // not recorded), project_id, error.
  Result<Table> list_runs(const RunFilter& filter = {});
  Result<PipelineRecord> get_pipeline(const std::string& pipeline_id);
  Result<Table> list_pipelines(const PipelineFilter& filter = {});
  Result<ChainRecord> get_chain(const std::string& chain_id);
  Result<Table> list_chains(const ChainFilter& filter = {});
  Result<PredictionRecord> get_prediction(const std::string& prediction_id);
  Result<Table> query_predictions(const PredictionFilter& filter = {});
  Result<Table> top_predictions(const TopQuery& query = {});
  // The full id of the run, pipeline or chain whose id is `id` or, failing
  // that, starts with it: a unique prefix of at least 4 characters, as git
  // takes commits (UUIDv7 ids share their leading, time, characters with
  // ids made about the same time). NotFound when none matches;
  // InvalidArgument when several do (the message names a few) or for a
  // shorter prefix that is not a whole id.
  Result<std::string> resolve_id(IdKind kind, const std::string& id);
  // Runs one read-only SQL statement on the catalog; statements that write
  // are refused. It reads the catalog and the workspace's own files under
  // arrays/ and exports/ (read_parquet('<workspace>/arrays/...'), absolute
  // or relative to the current folder) and nothing else: no other file, URL,
  // extension or ATTACH (DuckDB's external access is off for it).
  Result<Table> sql(const std::string& query);
  Result<WorkspaceInfo> info();

 private:
  class Impl;
  explicit WorkspaceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace n4a
