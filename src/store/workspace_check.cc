// WorkspaceStore: compaction of array files, vacuum of the catalog, and the
// consistency check.
#include <fmt/format.h>

#include <unordered_set>

#include "catalog/artifact_refs.h"
#include "catalog/schema.h"
#include "store/store_impl.h"
#include "util/atomic_file.h"

namespace n4a {
namespace {

std::string Str(const db::Value& v) {
  return db::IsNull(v) ? "" : std::get<std::string>(v);
}

// Compacts one dataset inside the caller's write window: the catalog cannot
// change meanwhile, so the live set and the inputs agree.
Result<CompactReport> CompactDataset(db::Connection& con, objects::ArrayStore& arrays,
                                     const std::string& dataset) {
  CompactReport report;
  report.dataset_name = dataset;
  N4A_ASSIGN_OR_RETURN(db::Table files, con.query("SELECT DISTINCT part_path FROM "
                                                  "prediction_arrays WHERE dataset_name = $1 "
                                                  "ORDER BY part_path",
                                                  {dataset}));
  N4A_ASSIGN_OR_RETURN(db::Table live, con.query("SELECT prediction_id FROM prediction_arrays "
                                                 "WHERE dataset_name = $1",
                                                 {dataset}));
  std::vector<std::string> inputs;
  for (const auto& row : files.rows) inputs.push_back(Str(row[0]));
  std::string target = objects::ArrayStore::CompactedPathFor(dataset);
  // The compacted file, if any, is read first so that newer parts win.
  auto at = std::find(inputs.begin(), inputs.end(), target);
  if (at != inputs.end()) std::rotate(inputs.begin(), at, at + 1);
  std::unordered_set<std::string> ids;
  for (const auto& row : live.rows) ids.insert(Str(row[0]));
  N4A_ASSIGN_OR_RETURN(objects::CompactResult done, arrays.compact(dataset, inputs, ids));
  N4A_TRY(con.exec("UPDATE prediction_arrays SET part_path = $1 WHERE dataset_name = $2",
                   {done.relative_path, dataset}));
  report.path = done.relative_path;
  report.files_folded = static_cast<int64_t>(inputs.size());
  report.rows_kept = done.rows_kept;
  report.rows_dropped = done.rows_dropped;
  return report;
}

Status CheckArtifacts(db::Connection& con, objects::ArtifactStore& store, CheckReport& report) {
  N4A_ASSIGN_OR_RETURN(db::Table rows, con.query("SELECT artifact_id, artifact_path, ref_count "
                                                 "FROM artifacts ORDER BY artifact_id"));
  N4A_ASSIGN_OR_RETURN(db::Table chains, con.query("SELECT fold_artifacts::VARCHAR, "
                                                   "shared_artifacts::VARCHAR FROM chains"));
  catalog::RefCounts expected;
  for (const auto& row : chains.rows) {
    catalog::AddChainRefs(Json::parse(Str(row[0]), nullptr, false),
                          Json::parse(Str(row[1]), nullptr, false), expected);
  }
  for (const auto& row : rows.rows) {
    std::string id = Str(row[0]);
    int64_t count = std::get<int64_t>(row[2]);
    ++report.artifacts_checked;
    int64_t want = expected.count(id) != 0 ? expected[id] : 0;
    if (count != want) {
      report.problems.push_back(
          fmt::format("artifact {}: ref_count is {} but {} chain "
                      "references exist",
                      id, count, want));
    }
    expected.erase(id);
    if (count == 0) continue;  // garbage for gc; its file may be gone
    Status s = store.verify(Str(row[1]), id);
    if (!s.ok()) report.problems.push_back("artifact " + id + ": " + s.message());
  }
  for (const auto& [id, n] : expected) {
    report.problems.push_back(
        fmt::format("{} chain references to artifact {}, which has no "
                    "catalog row",
                    n, id));
  }
  return Status::Ok();
}

Status CheckArrays(db::Connection& con, objects::ArrayStore& arrays, CheckReport& report) {
  N4A_ASSIGN_OR_RETURN(db::Table files, con.query("SELECT part_path, count(*) FROM "
                                                  "prediction_arrays GROUP BY part_path "
                                                  "ORDER BY part_path"));
  for (const auto& row : files.rows) {
    ++report.array_files_checked;
    report.predictions_with_arrays += std::get<int64_t>(row[1]);
    Status s = arrays.check_readable(Str(row[0]));
    if (!s.ok()) report.problems.push_back("arrays " + Str(row[0]) + ": " + s.message());
  }
  N4A_ASSIGN_OR_RETURN(db::Table orphans,
                       con.query("SELECT count(*) FROM prediction_arrays a "
                                 "ANTI JOIN predictions p USING (prediction_id)"));
  if (int64_t n = std::get<int64_t>(orphans.rows[0][0]); n > 0) {
    report.problems.push_back(fmt::format("{} arrays references point to no prediction", n));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<CompactReport>> WorkspaceStore::compact(const std::string& dataset_name) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  std::vector<CompactReport> reports;
  N4A_TRY(impl_->window_.write([&](db::Connection& con) -> Status {
    std::vector<std::string> datasets;
    if (!dataset_name.empty()) {
      datasets.push_back(dataset_name);
    } else {
      N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT DISTINCT dataset_name FROM "
                                                  "prediction_arrays ORDER BY 1"));
      for (const auto& row : t.rows) datasets.push_back(Str(row[0]));
    }
    for (size_t i = 0; i < datasets.size(); ++i) {
      // One commit, and so one checkpoint, per dataset.
      if (i > 0) N4A_TRY(impl_->window_.save_undo());
      N4A_TRY(con.exec("BEGIN TRANSACTION"));
      auto report = CompactDataset(con, impl_->arrays_, datasets[i]);
      if (!report.ok()) {
        (void)con.exec("ROLLBACK");
        return report.status();
      }
      N4A_TRY(con.exec("COMMIT"));
      if (report->files_folded > 0) reports.push_back(std::move(report).value());
    }
    return Status::Ok();
  }));
  return reports;
}

Result<VacuumReport> WorkspaceStore::vacuum() {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  Env* env = impl_->env();
  const std::string catalog = impl_->window_.catalog_path();
  const std::string fresh = TempPathFor(catalog);
  VacuumReport report;
  N4A_ASSIGN_OR_RETURN(report.bytes_before, env->file_size(catalog));
  auto copy = [&](db::Connection& con) -> Status {
    N4A_TRY(con.exec("CHECKPOINT"));
    N4A_ASSIGN_OR_RETURN(report.bytes_after_checkpoint, env->file_size(catalog));
    // DuckDB reuses freed blocks but does not shrink its file: copying the
    // database into a new file is what gives space back.
    N4A_ASSIGN_OR_RETURN(db::Table name, con.query("SELECT current_database()"));
    // DuckDB's default row groups: the copy is laid out for reading; the
    // commits after it append groups sized by what they commit
    // (catalog::RowGroupSizeFor).
    N4A_TRY(con.exec("ATTACH " + db::QuoteLiteral(fresh) + " AS n4a_fresh (" +
                     catalog::kStorageVersionOption + ")"));
    Status s = con.exec("COPY FROM DATABASE " + db::QuoteIdentifier(Str(name.rows[0][0])) +
                        " TO n4a_fresh");
    if (s.ok()) s = con.exec("DETACH n4a_fresh");
    if (!s.ok()) {
      (void)env->remove_file(fresh);
      return s.WithContext("vacuum");
    }
    return Status::Ok();
  };
  // The swap happens under the same exclusive lock as the copy, so no commit
  // can land in between and be lost.
  auto swap = [&]() -> Status {
    N4A_ASSIGN_OR_RETURN(uint64_t fresh_bytes, env->file_size(fresh));
    if (fresh_bytes >= report.bytes_after_checkpoint) {
      report.bytes_after = report.bytes_after_checkpoint;
      return env->remove_file(fresh);
    }
    N4A_TRY(env->sync_file(fresh));
    N4A_TRY(env->rename_file(fresh, catalog));
    N4A_TRY(env->sync_dir(impl_->window_.path()));
    report.rewritten = true;
    report.bytes_after = fresh_bytes;
    return Status::Ok();
  };
  N4A_TRY(impl_->window_.write_then(copy, swap));
  return report;
}

namespace {

// A variant recorded twice in one run (two pipelines with the same
// generator choices that are not retired) is a problem: rankings list it
// twice. Pipelines without choices (a library caller's, or a sweep of one
// variant) are not compared. Pipelines left running by a run whose process is gone are a
// warning: `n4a run --resume` retires and redoes them.
Status CheckRuns(db::Connection& con, const std::vector<std::string>& dead_runs,
                 CheckReport& report) {
  N4A_ASSIGN_OR_RETURN(db::Table runs, con.query("SELECT count(*) FROM runs"));
  report.runs_checked = std::get<int64_t>(runs.rows[0][0]);
  N4A_ASSIGN_OR_RETURN(
      db::Table twice,
      con.query("SELECT run_id, generator_choices::VARCHAR AS choices, count(*) FROM pipelines "
                "WHERE status <> 'retired' AND "
                "coalesce(generator_choices::VARCHAR, '{}') NOT IN ('{}', 'null') "
                "GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL"));
  for (const auto& row : twice.rows) {
    report.problems.push_back(
        fmt::format("run {} holds the variant {} {} times (n4a pipelines --run {})",
                    std::get<std::string>(row[0]), std::get<std::string>(row[1]),
                    std::get<int64_t>(row[2]), std::get<std::string>(row[0])));
  }
  if (dead_runs.empty()) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(
      db::Table left,
      con.query("SELECT run_id, count(*) FROM pipelines WHERE status = 'running' AND run_id IN (" +
                db::QuoteLiteralList(dead_runs) + ") GROUP BY ALL ORDER BY ALL"));
  for (const auto& row : left.rows) {
    const std::string& run = std::get<std::string>(row[0]);
    report.warnings.push_back(
        fmt::format("run {} is dead (its process ended without ending it) and left {} pipelines "
                    "running; finish it with `n4a run --resume {}`",
                    run, std::get<int64_t>(row[1]), run));
  }
  return Status::Ok();
}

}  // namespace

Result<CheckReport> WorkspaceStore::check() {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->flush_locked());
  CheckReport report;
  N4A_TRY(impl_->window_.read([&](db::Connection& con) -> Status {
    N4A_TRY(CheckArtifacts(con, impl_->artifacts_, report));
    N4A_TRY(CheckArrays(con, impl_->arrays_, report));
    N4A_ASSIGN_OR_RETURN(std::vector<std::string> dead, impl_->dead_runs(con));
    return CheckRuns(con, dead, report);
  }));
  return report;
}

}  // namespace n4a
