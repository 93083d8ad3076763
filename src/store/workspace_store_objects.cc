// WorkspaceStore: artifacts and prediction arrays (the objects layer behind
// the catalog).
#include "store/store_impl.h"
#include "util/uuid.h"

namespace n4a {
namespace {

Result<ArtifactRecord> ArtifactRow(db::Connection& con, const std::string& artifact_id) {
  N4A_ASSIGN_OR_RETURN(db::Table t,
                       con.query("SELECT artifact_id, artifact_path, content_hash, operator_class, "
                                 "artifact_type, format, size_bytes, ref_count, "
                                 "epoch_us(created_at) FROM artifacts WHERE artifact_id = $1",
                                 {artifact_id}));
  if (t.rows.empty()) return Status::NotFound("artifact " + artifact_id + " does not exist");
  const auto& r = t.rows[0];
  auto text = [&](size_t i) { return db::IsNull(r[i]) ? "" : std::get<std::string>(r[i]); };
  auto num = [&](size_t i) { return db::IsNull(r[i]) ? 0 : std::get<int64_t>(r[i]); };
  return ArtifactRecord{text(0), text(1), text(2), text(3), text(4),
                        text(5), num(6),  num(7),  num(8)};
}

// part_path of each prediction's arrays, in the order of the catalog.
Result<std::vector<std::pair<std::string, std::string>>> ArrayRefs(db::Connection& con,
                                                                   const std::string& where,
                                                                   const std::string& id) {
  N4A_ASSIGN_OR_RETURN(db::Table t, con.query("SELECT a.prediction_id, a.part_path FROM "
                                              "prediction_arrays a " +
                                                  where + " ORDER BY a.prediction_id",
                                              {id}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : t.rows) {
    out.emplace_back(std::get<std::string>(row[0]), std::get<std::string>(row[1]));
  }
  return out;
}

}  // namespace

Result<std::string> WorkspaceStore::save_artifact(std::string_view bytes,
                                                  const std::string& operator_class,
                                                  const std::string& artifact_type,
                                                  const std::string& format) {
  // The file is published before the catalog row exists (commit protocol),
  // batched: the commit that takes the row makes it durable first. Hashing
  // and writing run outside the store's mutex.
  N4A_ASSIGN_OR_RETURN(objects::PutResult put,
                       impl_->artifacts_.put(bytes, format, objects::Publish::kBatched));
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  // Set even for a dedup hit: the file may be another writer's, not yet synced.
  impl_->unsynced_files_ = true;
  impl_->artifact_paths_.emplace(put.hash, put.relative_path);
  impl_->pending_.artifacts.push_back({put.hash, put.relative_path, put.hash, operator_class,
                                       artifact_type, format, static_cast<int64_t>(put.size_bytes),
                                       0, impl_->now()});
  N4A_TRY(impl_->maybe_flush_locked());
  return put.hash;
}

Result<ArtifactRecord> WorkspaceStore::get_artifact(const std::string& artifact_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<ArtifactRecord>(
      [&](db::Connection& con) { return ArtifactRow(con, artifact_id); });
}

Result<std::string> WorkspaceStore::load_artifact(const std::string& artifact_id) {
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> bytes, load_artifacts({artifact_id}));
  return std::move(bytes[0]);
}

Result<std::vector<std::string>> WorkspaceStore::load_artifacts(
    const std::vector<std::string>& artifact_ids) {
  auto rows_of = [&](db::Connection& con) -> Result<std::vector<ArtifactRecord>> {
    std::vector<ArtifactRecord> rows;
    for (const std::string& id : artifact_ids) {
      N4A_ASSIGN_OR_RETURN(ArtifactRecord a, ArtifactRow(con, id));
      rows.push_back(std::move(a));
    }
    return rows;
  };
  std::vector<ArtifactRecord> rows;
  {
    std::lock_guard lock(impl_->mu_);
    N4A_ASSIGN_OR_RETURN(rows, impl_->read<std::vector<ArtifactRecord>>(rows_of));
  }
  std::vector<std::string> bytes;
  bytes.reserve(rows.size());
  for (const ArtifactRecord& a : rows) {
    N4A_ASSIGN_OR_RETURN(std::string b, impl_->artifacts_.read_verified_path(a.artifact_path));
    bytes.push_back(std::move(b));
  }
  return bytes;
}

Result<std::string> WorkspaceStore::get_artifact_path(const std::string& artifact_id) {
  N4A_ASSIGN_OR_RETURN(ArtifactRecord a, get_artifact(artifact_id));
  return path() + "/" + a.artifact_path;
}

Result<Table> WorkspaceStore::list_artifacts(int64_t limit) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>([&](db::Connection& con) -> Result<Table> {
    std::vector<db::Value> params;
    N4A_ASSIGN_OR_RETURN(std::string limit_sql, catalog::LimitOffset(params, limit, 0));
    return con.query(
        "SELECT artifact_id, operator_class, artifact_type, format, size_bytes, ref_count, "
        "created_at, artifact_path FROM artifacts ORDER BY created_at DESC, artifact_id" +
            limit_sql,
        params);
  });
}

Result<Table> WorkspaceStore::artifact_stats() {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>([&](db::Connection& con) {
    // Without deduplication every reference would be its own file.
    return con.query(
        "SELECT count(*) AS artifacts, coalesce(sum(size_bytes), 0) AS bytes, "
        "coalesce(sum(ref_count), 0) AS references, "
        "count(*) FILTER (WHERE ref_count = 0) AS unreferenced, "
        "coalesce(sum(size_bytes * greatest(ref_count - 1, 0)), 0) AS dedup_saved_bytes "
        "FROM artifacts");
  });
}

Result<std::string> WorkspaceStore::save_prediction(PredictionRecord prediction,
                                                    PredictionArrays arrays) {
  if (!arrays.y_proba.empty() &&
      static_cast<int64_t>(arrays.y_proba.size()) != arrays.proba_rows * arrays.proba_cols) {
    return Status::InvalidArgument("y_proba has " + std::to_string(arrays.y_proba.size()) +
                                   " values, not proba_rows x proba_cols");
  }
  objects::ArrayRow row{prediction.prediction_id, prediction.dataset_name, prediction.model_name,
                        prediction.fold_id,       prediction.partition,    prediction.metric,
                        prediction.task_type,     prediction.val_score,    std::move(arrays)};
  catalog::PendingPrediction pending(std::move(prediction));  // JSON text, outside the lock
  std::lock_guard lock(impl_->mu_);
  return impl_->buffer_prediction(std::move(pending), &row);
}

Result<PredictionArrays> WorkspaceStore::load_prediction_arrays(const std::string& prediction_id) {
  std::vector<std::pair<std::string, std::string>> refs;
  {
    std::lock_guard lock(impl_->mu_);
    N4A_ASSIGN_OR_RETURN(
        refs,
        (impl_->read<std::vector<std::pair<std::string, std::string>>>([&](db::Connection& con) {
          return ArrayRefs(con, "WHERE a.prediction_id = $1", prediction_id);
        })));
  }
  if (refs.empty()) return Status::NotFound("prediction " + prediction_id + " has no arrays");
  N4A_ASSIGN_OR_RETURN(auto rows, impl_->arrays_.read({refs.back().second}, {prediction_id}));
  if (rows.empty()) {
    return Status::Corruption("the arrays of prediction " + prediction_id + " are missing from " +
                              refs.back().second + "; run `n4a workspace check`");
  }
  return std::move(rows[0].arrays);
}

Result<std::vector<std::pair<std::string, PredictionArrays>>> WorkspaceStore::load_pipeline_arrays(
    const std::string& pipeline_id) {
  std::vector<std::pair<std::string, std::string>> refs;
  {
    std::lock_guard lock(impl_->mu_);
    N4A_ASSIGN_OR_RETURN(
        refs,
        (impl_->read<std::vector<std::pair<std::string, std::string>>>([&](db::Connection& con) {
          return ArrayRefs(con,
                           "JOIN predictions p USING (prediction_id) "
                           "WHERE p.pipeline_id = $1",
                           pipeline_id);
        })));
  }
  std::vector<std::string> files, ids;
  for (const auto& [id, file] : refs) {
    ids.push_back(id);
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  std::vector<std::pair<std::string, PredictionArrays>> out;
  if (ids.empty()) return out;
  N4A_ASSIGN_OR_RETURN(auto rows, impl_->arrays_.read(files, ids));
  for (auto& row : rows) out.emplace_back(row.prediction_id, std::move(row.arrays));
  return out;
}

}  // namespace n4a
