// WorkspaceStore: deletes, garbage collection, compaction, vacuum and check
// (DESIGN.md "Commit protocol" step 3; leveldb's RemoveObsoleteFiles).
#include <unordered_set>

#include "catalog/artifact_refs.h"
#include "store/store_impl.h"

namespace n4a {
namespace {

// Runs `fn` in a transaction; rolls back on error.
Status InTransaction(db::Connection& con, const std::function<Status()>& fn) {
  N4A_TRY(con.exec("BEGIN TRANSACTION"));
  Status s = fn();
  if (!s.ok()) {
    (void)con.exec("ROLLBACK");
    return s;
  }
  return con.exec("COMMIT");
}

// Releases the artifact references of the chains selected by `chain_where`
// (a condition on table alias c, with $1 bound to `id`).
Result<int64_t> ReleaseChainRefs(db::Connection& con, const std::string& chain_where,
                                 const std::string& id) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT c.fold_artifacts::VARCHAR, "
                                              "c.shared_artifacts::VARCHAR FROM chains c WHERE " +
                                                  chain_where,
                                              {id}));
  catalog::RefCounts refs;
  for (const auto& row : t.rows) {
    auto parse = [](const db::Value& v) {
      return db::IsNull(v) ? Json() : Json::parse(std::get<std::string>(v), nullptr, false);
    };
    catalog::AddChainRefs(parse(row[0]), parse(row[1]), refs);
  }
  N4A_TRY(catalog::ApplyRefCounts(con, refs, catalog::RefChange::kDecrement));
  int64_t released = 0;
  for (const auto& [artifact, n] : refs) released += n;
  return released;
}

Result<int64_t> Delete(db::Connection& con, const std::string& sql, const std::string& id) {
  return con.exec_count(sql, {id});
}

// Deletes the predictions selected by `where` (on alias p, $1 = id) with
// their arrays references.
Status DeletePredictions(db::Connection& con, const std::string& where, const std::string& id,
                         DeleteReport& report) {
  N4A_TRY(Delete(con,
                 "DELETE FROM prediction_arrays WHERE prediction_id IN "
                 "(SELECT p.prediction_id FROM predictions p WHERE " +
                     where + ")",
                 id));
  N4A_ASSIGN_OR_RETURN(report.predictions,
                       Delete(con, "DELETE FROM predictions p WHERE " + where, id));
  return Status::Ok();
}

Status DeleteRunRows(db::Connection& con, const std::string& run_id, DeleteReport& report) {
  N4A_ASSIGN_OR_RETURN(bool exists, catalog::Exists(con, "runs", "run_id", run_id));
  if (!exists) return Status::NotFound("run " + run_id + " does not exist");
  const std::string in_run = "pipeline_id IN (SELECT pipeline_id FROM pipelines WHERE run_id = $1)";
  N4A_ASSIGN_OR_RETURN(report.artifact_refs_released, ReleaseChainRefs(con, "c." + in_run, run_id));
  N4A_TRY(DeletePredictions(con, "p." + in_run, run_id, report));
  N4A_ASSIGN_OR_RETURN(report.chains, Delete(con, "DELETE FROM chains WHERE " + in_run, run_id));
  N4A_ASSIGN_OR_RETURN(report.logs, Delete(con, "DELETE FROM logs WHERE " + in_run, run_id));
  N4A_ASSIGN_OR_RETURN(report.pipelines,
                       Delete(con, "DELETE FROM pipelines WHERE run_id = $1", run_id));
  N4A_ASSIGN_OR_RETURN(report.runs, Delete(con, "DELETE FROM runs WHERE run_id = $1", run_id));
  return Status::Ok();
}

std::unordered_set<std::string> Column(const db::Table& t) {
  std::unordered_set<std::string> out;
  for (const auto& row : t.rows) out.insert(std::get<std::string>(row[0]));
  return out;
}

void AddSweep(GcReport& report, const objects::SweepReport& sweep) {
  report.files_scanned += sweep.files_scanned;
  report.files_removed += sweep.files_removed;
  report.bytes_freed += sweep.bytes_freed;
  report.files_too_young += sweep.files_too_young;
  report.removed_paths.insert(report.removed_paths.end(), sweep.removed_paths.begin(),
                              sweep.removed_paths.end());
  report.errors.insert(report.errors.end(), sweep.errors.begin(), sweep.errors.end());
}

}  // namespace

Result<DeleteReport> WorkspaceStore::delete_run(const std::string& run_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  // Taking the run's liveness lock fails while its process lives; held
  // through the delete, it keeps a resume from starting meanwhile.
  std::unique_ptr<store::RunLock> live;
  if (impl_->run_locks_.count(run_id) == 0) {
    N4A_ASSIGN_OR_RETURN(live, store::RunLock::acquire(impl_->env(), path(), run_id));
  }
  DeleteReport report;
  N4A_TRY(impl_->window_.write([&](db::Connection& con) {
    return InTransaction(con, [&] { return DeleteRunRows(con, run_id, report); });
  }));
  impl_->run_locks_.erase(run_id);
  N4A_TRY(store::RunLock::Remove(impl_->env(), path(), run_id));
  return report;
}

Result<int64_t> WorkspaceStore::retire_unfinished_pipelines(const std::string& run_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  if (impl_->run_locks_.count(run_id) == 0) {
    return Status::FailedPrecondition("retire the pipelines of run " + run_id +
                                      ": this process does not hold the run (resume_run first)");
  }
  N4A_TRY(impl_->flush_locked());
  int64_t retired = 0;
  const std::string unfinished =
      "pipeline_id IN (SELECT pipeline_id FROM pipelines WHERE run_id = $1 AND status IN "
      "('running', 'failed'))";
  N4A_TRY(impl_->window_.write([&](db::Connection& con) {
    return InTransaction(con, [&]() -> Status {
      DeleteReport report;
      N4A_TRY(ReleaseChainRefs(con, "c." + unfinished, run_id));
      N4A_TRY(DeletePredictions(con, "p." + unfinished, run_id, report));
      N4A_TRY(Delete(con, "DELETE FROM chains WHERE " + unfinished, run_id));
      N4A_TRY(Delete(con, "DELETE FROM logs WHERE " + unfinished, run_id));
      N4A_ASSIGN_OR_RETURN(
          retired,
          con.exec_count("UPDATE pipelines SET status = 'retired', "
                         "completed_at = coalesce(completed_at, make_timestamp($2)), "
                         "error = coalesce(error || '; ', '') || 'retired: redone by a resume' "
                         "WHERE run_id = $1 AND status IN ('running', 'failed')",
                         {run_id, impl_->now()}));
      return Status::Ok();
    });
  }));
  return retired;
}

Result<DeleteReport> WorkspaceStore::delete_prediction(const std::string& prediction_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  DeleteReport report;
  N4A_TRY(impl_->window_.write([&](db::Connection& con) {
    return InTransaction(con, [&]() -> Status {
      N4A_TRY(DeletePredictions(con, "p.prediction_id = $1", prediction_id, report));
      if (report.predictions == 0) {
        return Status::NotFound("prediction " + prediction_id + " does not exist");
      }
      return Status::Ok();
    });
  }));
  return report;
}

Result<DeleteReport> WorkspaceStore::delete_dataset_predictions(const std::string& dataset_name) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  DeleteReport report;
  N4A_TRY(impl_->window_.write([&](db::Connection& con) {
    return InTransaction(
        con, [&] { return DeletePredictions(con, "p.dataset_name = $1", dataset_name, report); });
  }));
  return report;
}

Result<GcReport> WorkspaceStore::gc_artifacts(int64_t grace_micros, DryRun dry_run) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->flush_locked());
  GcReport report;
  objects::SweepReport swept;
  auto mode = dry_run == DryRun::kYes ? objects::DryRun::kYes : objects::DryRun::kNo;
  // Live = what the catalog references plus what live writers have in
  // flight (DESIGN.md "Commit protocol"). Both are read, and the files
  // swept, under the shared workspace lock (no commit lands meanwhile) and
  // the exclusive sweep lock (no writer announces or reuses a file
  // meanwhile; objects/in_flight.h): so no grace period, not even 0, removes
  // a file that a committed row or a live writer will reference.
  N4A_TRY(impl_->window_.read([&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(
        auto sweep_lock,
        objects::InFlight::LockForSweep(impl_->env(), path(), impl_->options_.lock_timeout_micros));
    N4A_ASSIGN_OR_RETURN(objects::InFlightFiles in_flight,
                         objects::InFlight::ReadLive(impl_->env(), path()));
    N4A_ASSIGN_OR_RETURN(db::Table a, con.query("SELECT artifact_path FROM artifacts "
                                                "WHERE ref_count > 0"));
    N4A_ASSIGN_OR_RETURN(db::Table p, con.query("SELECT DISTINCT part_path FROM "
                                                "prediction_arrays"));
    N4A_ASSIGN_OR_RETURN(swept, impl_->artifacts_.sweep(Column(a), grace_micros, mode, &in_flight));
    AddSweep(report, swept);
    N4A_ASSIGN_OR_RETURN(auto arrays,
                         impl_->arrays_.sweep(Column(p), grace_micros, mode, &in_flight));
    AddSweep(report, arrays);
    return Status::Ok();
  }));
  if (dry_run == DryRun::kYes || swept.removed_paths.empty()) return report;
  // Rows of unreferenced artifacts whose file is gone go too, unless a chain
  // took a reference meanwhile, or a writer put the file back (its commit
  // that references the row may follow).
  N4A_TRY(impl_->window_.write([&](db::Connection& con) -> Status {
    N4A_TRY(con.exec("CREATE OR REPLACE TEMP TABLE gc_gone (artifact_path VARCHAR)"));
    N4A_ASSIGN_OR_RETURN(auto app, db::Appender::create(con, "gc_gone"));
    for (const std::string& path : swept.removed_paths) {
      if (impl_->env()->file_exists(this->path() + "/" + path)) continue;
      app->append(std::string_view(path));
      N4A_TRY(app->end_row());
    }
    N4A_TRY(app->close());
    N4A_ASSIGN_OR_RETURN(report.catalog_rows_removed,
                         con.exec_count("DELETE FROM artifacts WHERE ref_count = 0 AND "
                                        "artifact_path IN (SELECT artifact_path FROM gc_gone)"));
    return con.exec("DROP TABLE gc_gone");
  }));
  return report;
}

}  // namespace n4a
