#include "catalog/provenance_reader.h"

namespace n4a::catalog {

// A dataset entry without a name (runs made before names were recorded) takes
// the dataset_name of the run's pipelines; runs.datasets other than an array
// (a library caller's choice) contribute nothing.
Result<Table> ListDatasets(db::Connection& con) {
  return con.query(R"sql(
WITH uses AS (
  SELECT r.run_id, r.created_at,
         coalesce(e->>'name', (SELECT any_value(p.dataset_name) FROM pipelines p
                               WHERE p.run_id = r.run_id)) AS dataset_name,
         coalesce(e->>'role', 'train') AS role, e->>'hash' AS hash, e->>'path' AS path,
         TRY_CAST(e->>'n_samples' AS BIGINT) AS n_samples,
         TRY_CAST(e->>'n_features' AS BIGINT) AS n_features
  FROM runs r,
       unnest(CAST(CASE WHEN json_type(r.datasets) = 'ARRAY' THEN r.datasets END AS JSON[])) AS t(e))
SELECT dataset_name, role, hash, arg_max(path, created_at) AS path,
       any_value(n_samples) AS n_samples, any_value(n_features) AS n_features,
       min(created_at) AS first_used, max(created_at) AS last_used,
       count(DISTINCT run_id) AS runs,
       to_json(list(DISTINCT run_id ORDER BY run_id)) AS run_ids
FROM uses
GROUP BY dataset_name, role, hash
ORDER BY dataset_name, first_used, role, hash
)sql");
}

Result<Table> ChainFoldScores(db::Connection& con, const std::string& chain_id) {
  return con.query(R"sql(
SELECT fold_id, partition, metric,
       CASE partition WHEN 'val' THEN val_score WHEN 'test' THEN test_score
                      ELSE train_score END AS score,
       n_samples, scores, prediction_id
FROM predictions WHERE chain_id = $1
ORDER BY TRY_CAST(replace(fold_id, 'fold_', '') AS BIGINT) NULLS LAST, fold_id,
         CASE partition WHEN 'train' THEN 0 WHEN 'val' THEN 1 ELSE 2 END
)sql",
                   {chain_id});
}

// shared_artifacts holds one id per fold, fold_final last (docs/formats/chain.md).
Result<Table> ChainArtifacts(db::Connection& con, const std::string& chain_id) {
  return con.query(R"sql(
WITH refs AS (
  SELECT c.model_step_idx AS step, f.key AS fold, f.value->>'$' AS artifact_id
  FROM chains c, json_each(c.fold_artifacts) f WHERE c.chain_id = $1
  UNION ALL
  SELECT TRY_CAST(s.key AS BIGINT),
         CASE WHEN TRY_CAST(v.key AS BIGINT) = json_array_length(s.value) - 1 THEN 'fold_final'
              ELSE 'fold_' || v.key END,
         v.value->>'$'
  FROM chains c, json_each(c.shared_artifacts) s, json_each(s.value) v WHERE c.chain_id = $1)
SELECT r.step, r.fold, r.artifact_id, a.operator_class, a.artifact_type, a.format, a.size_bytes
FROM refs r LEFT JOIN artifacts a USING (artifact_id)
ORDER BY r.step, TRY_CAST(replace(r.fold, 'fold_', '') AS BIGINT) NULLS LAST, r.fold
)sql",
                   {chain_id});
}

}  // namespace n4a::catalog
