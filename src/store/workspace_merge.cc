// WorkspaceStore::merge_from: copies another workspace into this one
// (issue 7 "Merge"). The plan is made in a read window, the files it needs
// are written (artifacts copied, array rows rewritten into new parts), and
// one write transaction re-plans against the then-current catalog and applies
// it (DESIGN.md "Commit protocol": files first, catalog last).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <span>
#include <system_error>
#include <thread>

#include "catalog/merge_sql.h"
#include "catalog/schema.h"
#include "store/store_impl.h"
#include "store/workspace_lock.h"

namespace n4a {
namespace {

// Array rows read and rewritten per part: bounds the memory of a merge.
constexpr int64_t kArrayChunkBytes = int64_t{64} << 20;

catalog::MergePolicy PolicyOf(WorkspaceStore::OnConflict c) {
  switch (c) {
    case WorkspaceStore::OnConflict::kOverwrite: return catalog::MergePolicy::kOverwrite;
    case WorkspaceStore::OnConflict::kKeepBest: return catalog::MergePolicy::kKeepBest;
    case WorkspaceStore::OnConflict::kKeepExisting: break;
  }
  return catalog::MergePolicy::kKeepExisting;
}

bool SameFolder(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

// What the plan needs on disk.
struct FilePlan {
  std::vector<catalog::PlannedArtifact> artifacts;
  std::vector<catalog::PlannedArrayRow> arrays;
};

// The files placed in the target for the commit.
struct PlacedFiles {
  std::unordered_set<std::string> artifacts;
  std::vector<catalog::PendingWrites::ArrayRef> arrays;
};

void SetCounts(WorkspaceStore::MergeReport& report, const std::vector<catalog::PlanCount>& counts) {
  report.tables.clear();
  for (const auto& c : counts) report.tables.push_back({c.table, c.added, c.skipped, c.replaced});
}

// Copies each planned artifact the target lacks (hash verified on the way),
// several at a time; claims those it has (ArtifactStore::claim), so that no
// sweep removes them before the commit.
Status PlaceArtifacts(Env* env, const std::string& source, objects::ArtifactStore& target,
                      const FilePlan& plan, DryRun dry_run, PlacedFiles& placed,
                      WorkspaceStore::MergeReport& report) {
  const size_t n = plan.artifacts.size();
  std::vector<char> present(n, 0);
  std::vector<uint64_t> bytes(n, 0);
  N4A_TRY(ParallelForEach(n, kFileThreads, [&](size_t i) -> Status {
    const catalog::PlannedArtifact& a = plan.artifacts[i];
    if (dry_run == DryRun::kYes) {
      present[i] = env->file_exists(target.root() + "/" + a.target_path);
      return Status::Ok();
    }
    N4A_ASSIGN_OR_RETURN(bool exists, target.claim(a.target_path));
    present[i] = exists;
    if (exists) return Status::Ok();
    N4A_ASSIGN_OR_RETURN(auto in, env->new_sequential_file(source + "/" + a.source_path));
    N4A_ASSIGN_OR_RETURN(objects::PutResult put, target.put_stream(*in, a.format));
    if (put.hash != a.artifact_id || put.relative_path != a.target_path) {
      return Status::Corruption("source artifact " + source + "/" + a.source_path +
                                " does not hold the bytes of " + a.artifact_id);
    }
    bytes[i] = put.size_bytes;
    return Status::Ok();
  }));
  for (size_t i = 0; i < n; ++i) {
    ++(present[i] ? report.artifact_files_present : report.artifact_files_copied);
    report.artifact_bytes_copied += bytes[i];
    placed.artifacts.insert(plan.artifacts[i].artifact_id);
  }
  return Status::Ok();
}

// Rewrites one chunk of one dataset's planned rows into a new target part.
Status PlaceArrayChunk(objects::ArrayStore& source, objects::ArrayStore& target,
                       std::span<const catalog::PlannedArrayRow> chunk, PlacedFiles& placed,
                       WorkspaceStore::MergeReport& report) {
  std::vector<std::string> files;
  std::unordered_set<std::string> ids;
  for (const auto& r : chunk) {
    if (files.empty() || files.back() != r.part_path) files.push_back(r.part_path);
    ids.insert(r.prediction_id);
  }
  N4A_ASSIGN_OR_RETURN(auto rows, source.read_all(files, &ids));
  if (rows.size() != ids.size()) {
    return Status::Corruption(
        fmt::format("the source's arrays files lack {} of the {} predictions they are said to "
                    "hold (dataset {})",
                    ids.size() - rows.size(), ids.size(), chunk.front().dataset_name));
  }
  const std::string& dataset = chunk.front().dataset_name;
  N4A_ASSIGN_OR_RETURN(std::string part, target.write_part(dataset, rows));
  for (const auto& r : rows) placed.arrays.push_back({r.prediction_id, dataset, part});
  report.array_rows_copied += static_cast<int64_t>(rows.size());
  ++report.array_parts_written;
  return Status::Ok();
}

Status PlaceArrays(Env* env, const std::string& source, objects::ArrayStore& target,
                   const FilePlan& plan, PlacedFiles& placed, WorkspaceStore::MergeReport& report) {
  objects::ArrayStore source_arrays(env, source);
  std::span<const catalog::PlannedArrayRow> rows(plan.arrays);
  size_t begin = 0;
  int64_t bytes = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    bytes += 256 + 24 * rows[i].n_samples;  // y_true, y_pred, sample_indices
    bool last = i + 1 == rows.size() || rows[i + 1].dataset_name != rows[i].dataset_name;
    if (!last && bytes < kArrayChunkBytes) continue;
    N4A_TRY(
        PlaceArrayChunk(source_arrays, target, rows.subspan(begin, i + 1 - begin), placed, report));
    begin = i + 1;
    bytes = 0;
  }
  return Status::Ok();
}

// A corrupt source is refused before anything is copied.
Status CheckSource(WorkspaceStore& source) {
  N4A_ASSIGN_OR_RETURN(CheckReport checked, source.check());
  if (checked.ok()) return Status::Ok();
  return Status::Corruption("merge source " + source.path() + " fails `n4a workspace check` (" +
                            checked.problems.front() + "); repair it first");
}

// Plans again against the catalog as it is now and applies the plan, in one
// transaction of the write window `con`.
Status CommitMerge(db::Connection& con, const std::string& source_catalog,
                   catalog::MergePolicy policy, const std::string& dataset_name,
                   const PlacedFiles& placed, WorkspaceStore::MergeReport& report) {
  N4A_TRY(catalog::AttachSource(con, source_catalog));
  N4A_TRY(con.exec("BEGIN TRANSACTION"));
  Status s = catalog::PlanMerge(con, policy, dataset_name);
  auto counts = s.ok() ? catalog::PlanCounts(con) : Result<std::vector<catalog::PlanCount>>(s);
  if (counts.ok()) s = catalog::ApplyMerge(con, placed.arrays, placed.artifacts);
  if (!counts.ok() || !s.ok()) {
    (void)con.exec("ROLLBACK");
    return counts.ok() ? s : counts.status();
  }
  SetCounts(report, *counts);
  return con.exec("COMMIT");
}

}  // namespace

Status ParallelForEach(size_t n, int threads, const std::function<Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  auto work = [&] {
    for (size_t i; (i = next++) < n;) {
      Status s = fn(i);
      if (s.ok()) continue;
      std::lock_guard lock(mu);
      if (first.ok()) first = std::move(s);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min<size_t>(static_cast<size_t>(threads), n); ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer threads: the ones running (and this one) do the rest
    }
  }
  work();
  for (auto& t : pool) t.join();
  return first;
}

Result<WorkspaceStore::MergeReport> WorkspaceStore::merge_from(const std::string& source_path,
                                                               const MergeOptions& options) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  MergeReport report;
  report.source = source_path;
  report.dry_run = options.dry_run == DryRun::kYes;
  if (SameFolder(source_path, path())) {
    report.same_workspace = true;
    return report;
  }
  N4A_TRY(impl_->flush_locked());
  Env* env = impl_->env();
  // The source is read without migrating it: its schema must be this one's.
  WorkspaceStore source(std::make_unique<Impl>(source_path, impl_->options_));
  const std::string source_catalog = source.impl_->window_.catalog_path();
  if (!env->file_exists(source_catalog)) {
    return Status::NotFound("merge source " + source_path +
                            " is not a workspace (no store.duckdb)");
  }
  int64_t version = 0;
  N4A_TRY(source.impl_->window_.read([&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(version, catalog::ReadSchemaVersion(con));
    return Status::Ok();
  }));
  if (version != catalog::LatestSchemaVersion()) {
    return Status::FailedPrecondition(fmt::format(
        "merge source {} has schema version {}, this n4a writes {}: open the source with this n4a "
        "(e.g. `n4a workspace info -w {}`) to upgrade it, then merge",
        source_path, version, catalog::LatestSchemaVersion(), source_path));
  }
  N4A_TRY(CheckSource(source));
  // Held to the end: the source cannot change between plan and commit.
  N4A_ASSIGN_OR_RETURN(auto source_lock,
                       store::WorkspaceLock::acquire(
                           env, source.impl_->window_.lock_path(), LockMode::kShared,
                           impl_->options_.lock_timeout_micros, impl_->options_.on_lock_wait));
  const catalog::MergePolicy policy = PolicyOf(options.on_conflict);
  FilePlan plan;
  N4A_TRY(impl_->window_.read([&](db::Connection& con) -> Status {
    N4A_TRY(catalog::AttachSource(con, source_catalog));
    N4A_TRY(catalog::PlanMerge(con, policy, options.dataset_name));
    N4A_ASSIGN_OR_RETURN(auto counts, catalog::PlanCounts(con));
    SetCounts(report, counts);
    N4A_ASSIGN_OR_RETURN(plan.artifacts, catalog::PlannedArtifacts(con));
    N4A_ASSIGN_OR_RETURN(plan.arrays, catalog::PlannedArrayRows(con));
    return Status::Ok();
  }));
  PlacedFiles placed;
  if (options.dry_run == DryRun::kYes) {
    N4A_TRY(
        PlaceArtifacts(env, source_path, impl_->artifacts_, plan, DryRun::kYes, placed, report));
    report.array_rows_copied = static_cast<int64_t>(plan.arrays.size());
    return report;
  }
  // Array rows are re-encoded (CPU) while artifacts are copied (fsync waits);
  // the two touch disjoint fields of `placed` and `report`.
  N4A_TRY(ParallelForEach(2, 2, [&](size_t i) {
    return i == 0 ? PlaceArtifacts(env, source_path, impl_->artifacts_, plan, DryRun::kNo, placed,
                                   report)
                  : PlaceArrays(env, source_path, impl_->arrays_, plan, placed, report);
  }));
  int64_t rows = 0;  // the most rows the commit appends to one table
  for (const auto& t : report.tables) rows = std::max(rows, t.added + t.replaced);
  N4A_TRY(impl_->window_.write(
      [&](db::Connection& con) {
        return CommitMerge(con, source_catalog, policy, options.dataset_name, placed, report);
      },
      static_cast<size_t>(rows)));
  std::vector<std::string> committed;  // no longer only in flight
  for (const catalog::PlannedArtifact& a : plan.artifacts) committed.push_back(a.target_path);
  for (const catalog::PendingWrites::ArrayRef& r : placed.arrays) committed.push_back(r.part_path);
  (void)impl_->in_flight_.release(committed);  // on failure, kept until this process ends
  return report;
}

}  // namespace n4a
