#include "catalog/artifact_refs.h"

namespace n4a::catalog {

void AddChainRefs(const Json& fold_artifacts, const Json& shared_artifacts, RefCounts& counts) {
  if (fold_artifacts.is_object()) {
    for (const auto& [fold, id] : fold_artifacts.items()) {
      if (id.is_string()) ++counts[id.get<std::string>()];
    }
  }
  if (shared_artifacts.is_object()) {
    for (const auto& [step, ids] : shared_artifacts.items()) {
      if (!ids.is_array()) continue;
      for (const auto& id : ids) {
        if (id.is_string()) ++counts[id.get<std::string>()];
      }
    }
  }
}

Status ApplyRefCounts(db::Connection& con, const RefCounts& counts, RefChange change) {
  if (counts.empty()) return Status::Ok();
  N4A_TRY(con.exec("CREATE OR REPLACE TEMP TABLE ref_delta (artifact_id VARCHAR, n BIGINT)"));
  {
    N4A_ASSIGN_OR_RETURN(auto app, db::Appender::create(con, "ref_delta"));
    for (const auto& [id, n] : counts) {
      app->append(std::string_view(id));
      app->append(change == RefChange::kIncrement ? n : -n);
      N4A_TRY(app->end_row());
    }
    N4A_TRY(app->close());
  }
  N4A_ASSIGN_OR_RETURN(
      db::Table missing,
      con.query("SELECT d.artifact_id FROM ref_delta d ANTI JOIN artifacts a USING (artifact_id) "
                "LIMIT 1"));
  if (!missing.rows.empty()) {
    return Status::NotFound("a chain references artifact " +
                            std::get<std::string>(missing.rows[0][0]) +
                            ", which is not in the catalog (save it with save_artifact first)");
  }
  N4A_ASSIGN_OR_RETURN(
      db::Table negative,
      con.query("SELECT a.artifact_id FROM artifacts a JOIN ref_delta d USING (artifact_id) "
                "WHERE a.ref_count + d.n < 0 LIMIT 1"));
  if (!negative.rows.empty()) {
    return Status::Corruption("the reference count of artifact " +
                              std::get<std::string>(negative.rows[0][0]) +
                              " would drop below zero; run `n4a workspace check`");
  }
  N4A_TRY(
      con.exec("UPDATE artifacts SET ref_count = artifacts.ref_count + d.n FROM ref_delta d "
               "WHERE artifacts.artifact_id = d.artifact_id"));
  return con.exec("DROP TABLE ref_delta");
}

}  // namespace n4a::catalog
