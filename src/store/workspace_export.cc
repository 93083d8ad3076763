// WorkspaceStore: exporting predictions to Parquet.
#include <filesystem>

#include "store/store_impl.h"
#include "util/atomic_file.h"

namespace n4a {
namespace {

// The SELECT of predictions joined with their arrays row, taken from the
// file the catalog names for each prediction (filename = root/part_path).
Result<std::string> ArraysSelect(db::Connection& con, objects::ArrayStore& arrays,
                                 const std::string& root, const std::string& where,
                                 const std::vector<db::Value>& params) {
  N4A_ASSIGN_OR_RETURN(db::Table parts,
                       con.query("SELECT DISTINCT r.part_path FROM prediction_arrays r JOIN "
                                 "predictions p USING (prediction_id)" +
                                     where,
                                 params));
  if (parts.rows.empty()) {
    return std::string(
        "SELECT p.*, NULL::DOUBLE[] AS y_true, NULL::DOUBLE[] AS y_pred, NULL::DOUBLE[] AS "
        "y_proba, NULL::BIGINT AS proba_rows, NULL::BIGINT AS proba_cols, NULL::BIGINT[] AS "
        "sample_indices, NULL::DOUBLE[] AS weights FROM predictions p" +
        where);
  }
  std::vector<std::string> files;
  for (const auto& row : parts.rows) files.push_back(std::get<std::string>(row[0]));
  N4A_ASSIGN_OR_RETURN(std::string lists, arrays.lists_sql(files));
  N4A_TRY(objects::RegisterArrayDecoders(con.raw()));
  return "SELECT p.*, a.y_true, a.y_pred, a.y_proba, a.proba_rows, a.proba_cols, "
         "a.sample_indices, a.weights FROM predictions p "
         "LEFT JOIN prediction_arrays r USING (prediction_id) "
         "LEFT JOIN (" +
         lists + ") a ON a.prediction_id = p.prediction_id AND a.filename = " +
         db::QuoteLiteral(root + "/") + " || r.part_path" + where;
}

}  // namespace

Result<int64_t> WorkspaceStore::export_predictions_parquet(const std::string& path,
                                                           const PredictionFilter& filter,
                                                           WithArrays with_arrays) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->flush_locked());
  Env* env = impl_->env();
  const std::string temp = TempPathFor(path);
  int64_t rows = 0;
  Status s = impl_->window_.read([&](db::Connection& con) -> Status {
    std::vector<db::Value> params;
    N4A_ASSIGN_OR_RETURN(std::string where, catalog::PredictionWhere(con, filter, "p.", params));
    std::string select = "SELECT p.* FROM predictions p" + where;
    if (with_arrays == WithArrays::kYes) {
      N4A_ASSIGN_OR_RETURN(select,
                           ArraysSelect(con, impl_->arrays_, impl_->window_.path(), where, params));
    }
    N4A_ASSIGN_OR_RETURN(
        rows, con.exec_count("COPY (" + select + " ORDER BY p.prediction_id) TO " +
                                 db::QuoteLiteral(temp) + " (FORMAT PARQUET, COMPRESSION ZSTD)",
                             params));
    return Status::Ok();
  });
  if (s.ok()) s = env->sync_file(temp);
  if (s.ok()) s = env->rename_file(temp, path);
  if (s.ok()) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    s = env->sync_dir(dir.empty() ? "." : dir);
  }
  if (!s.ok()) {
    if (env->file_exists(temp)) (void)env->remove_file(temp);
    return s.WithContext("export predictions to " + path);
  }
  return rows;
}

}  // namespace n4a
