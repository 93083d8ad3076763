#include "catalog/catalog_writer.h"

#include <algorithm>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "catalog/artifact_refs.h"

namespace n4a::catalog {
namespace {

void AppendOpt(db::Appender& a, const std::optional<double>& v) {
  if (v) {
    a.append(*v);
  } else {
    a.append_null();
  }
}

void AppendText(db::Appender& a, const std::string& s) {
  if (s.empty()) {
    a.append_null();
  } else {
    a.append(std::string_view(s));
  }
}

// A JSON column's text: empty (appended as NULL) for null.
std::string JsonText(const Json& j) {
  return j.is_null() ? "" : j.dump();
}

void AppendJson(db::Appender& a, const Json& j) {
  if (j.is_null()) {
    a.append_null();
  } else {
    a.append(std::string_view(j.dump()));
  }
}

void AppendTime(db::Appender& a, int64_t micros) {
  if (micros == 0) {
    a.append_null();
  } else {
    a.append_timestamp_micros(micros);
  }
}

template <typename Record, typename Fn>
Status AppendAll(db::Connection& con, const char* table, const std::vector<Record>& rows,
                 Fn append_row) {
  if (rows.empty()) return Status::Ok();
  N4A_ASSIGN_OR_RETURN(auto app, db::Appender::create(con, table));
  for (const Record& r : rows) {
    append_row(*app, r);
    N4A_TRY(app->end_row());
  }
  return app->close();
}

void AppendProject(db::Appender& a, const ProjectRecord& r) {
  a.append(std::string_view(r.project_id));
  a.append(std::string_view(r.name));
  AppendText(a, r.description);
  AppendText(a, r.color);
  AppendTime(a, r.created_at);
  AppendTime(a, r.updated_at);
}

void AppendRun(db::Appender& a, const RunRecord& r) {
  a.append(std::string_view(r.run_id));
  AppendText(a, r.name);
  AppendText(a, r.status);
  AppendJson(a, r.config);
  AppendJson(a, r.datasets);
  AppendTime(a, r.created_at);
  AppendTime(a, r.completed_at);
  AppendJson(a, r.summary);
  AppendText(a, r.error);
  AppendText(a, r.project_id);
  AppendJson(a, r.provenance);
}

void AppendPipeline(db::Appender& a, const PipelineRecord& r) {
  a.append(std::string_view(r.pipeline_id));
  a.append(std::string_view(r.run_id));
  AppendText(a, r.name);
  AppendJson(a, r.expanded_config);
  AppendJson(a, r.generator_choices);
  AppendText(a, r.dataset_name);
  AppendText(a, r.dataset_hash);
  AppendText(a, r.status);
  AppendTime(a, r.created_at);
  AppendTime(a, r.completed_at);
  AppendOpt(a, r.best_val);
  AppendOpt(a, r.best_test);
  AppendText(a, r.metric);
  a.append(r.duration_ms);
  AppendText(a, r.error);
}

void AppendChain(db::Appender& a, const PendingChain& p) {
  const ChainRecord& r = p.record;
  a.append(std::string_view(r.chain_id));
  a.append(std::string_view(r.pipeline_id));
  AppendText(a, p.steps);
  a.append(r.model_step_idx);
  AppendText(a, r.model_class);
  AppendText(a, r.preprocessings);
  AppendText(a, r.fold_strategy);
  AppendText(a, p.fold_artifacts);
  AppendText(a, p.shared_artifacts);
  AppendText(a, r.branch_path);
  a.append(r.source_index);
  AppendText(a, r.model_name);
  AppendText(a, r.metric);
  AppendText(a, r.task_type);
  AppendText(a, r.dataset_name);
  AppendOpt(a, r.cv_val_score);
  AppendOpt(a, r.cv_oof_score);
  AppendOpt(a, r.cv_test_score);
  AppendOpt(a, r.cv_train_score);
  a.append(r.cv_fold_count);
  AppendTime(a, r.created_at);
}

void AppendPrediction(db::Appender& a, const PendingPrediction& p) {
  const PredictionRecord& r = p.record;
  a.append(std::string_view(r.prediction_id));
  a.append(std::string_view(r.pipeline_id));
  AppendText(a, r.chain_id);
  AppendText(a, r.dataset_name);
  AppendText(a, r.model_name);
  AppendText(a, r.model_class);
  AppendText(a, r.fold_id);
  AppendText(a, r.partition);
  AppendOpt(a, r.val_score);
  AppendOpt(a, r.test_score);
  AppendOpt(a, r.train_score);
  AppendText(a, r.metric);
  AppendText(a, r.task_type);
  a.append(r.n_samples);
  a.append(r.n_features);
  AppendText(a, p.scores);
  AppendText(a, p.best_params);
  AppendText(a, r.preprocessings);
  AppendText(a, r.branch_id);
  AppendText(a, r.branch_name);
  AppendTime(a, r.created_at);
}

void AppendLog(db::Appender& a, const LogRecord& r) {
  a.append(std::string_view(r.log_id));
  AppendText(a, r.pipeline_id);
  a.append(r.step_idx);
  AppendText(a, r.operator_class);
  AppendText(a, r.event);
  a.append(r.duration_ms);
  AppendText(a, r.message);
  AppendJson(a, r.details);
  AppendText(a, r.level);
  AppendTime(a, r.created_at);
}

void AppendArtifact(db::Appender& a, const ArtifactRecord& r, int64_t ref_count) {
  a.append(std::string_view(r.artifact_id));
  a.append(std::string_view(r.artifact_path));
  a.append(std::string_view(r.content_hash));
  AppendText(a, r.operator_class);
  AppendText(a, r.artifact_type);
  AppendText(a, r.format);
  a.append(r.size_bytes);
  a.append(ref_count);
  AppendTime(a, r.created_at);
}

void AppendArrayRef(db::Appender& a, const PendingWrites::ArrayRef& r) {
  a.append(std::string_view(r.prediction_id));
  a.append(std::string_view(r.dataset_name));
  a.append(std::string_view(r.part_path));
}

// The ids among `ids` that have an artifacts row.
Result<std::unordered_set<std::string>> ExistingArtifacts(db::Connection& con,
                                                          const std::vector<std::string>& ids) {
  constexpr size_t kIdsPerQuery = 1000;
  std::unordered_set<std::string> existing;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    const auto chunk = std::span(ids).subspan(begin, std::min(kIdsPerQuery, ids.size() - begin));
    N4A_ASSIGN_OR_RETURN(db::Table found,
                         con.query("SELECT artifact_id FROM artifacts WHERE artifact_id IN (" +
                                   db::QuoteLiteralList(chunk) + ")"));
    for (const auto& row : found.rows) existing.insert(std::get<std::string>(row[0]));
  }
  return existing;
}

// The batch's artifacts and chains, and the references the chains add, in
// the caller's transaction. Same bytes, same id: an artifact already in the
// catalog is left as it is and its count raised (ApplyRefCounts, which also
// refuses references to artifacts that are nowhere); one new to it is
// appended with its count, with no staging table or UPDATE: in a sweep's
// commit, most references are to artifacts of the same batch.
Status InsertArtifactsAndChains(db::Connection& con, const std::vector<ArtifactRecord>& artifacts,
                                const std::vector<PendingChain>& chains) {
  RefCounts refs;
  for (const PendingChain& c : chains) {
    for (const auto& [id, n] : c.refs) refs[id] += n;
  }
  std::vector<std::string> ids;
  ids.reserve(artifacts.size());
  for (const ArtifactRecord& r : artifacts) ids.push_back(r.artifact_id);
  N4A_ASSIGN_OR_RETURN(std::unordered_set<std::string> known, ExistingArtifacts(con, ids));
  std::vector<const ArtifactRecord*> fresh;
  for (const ArtifactRecord& r : artifacts) {
    if (known.insert(r.artifact_id).second) fresh.push_back(&r);
  }
  N4A_TRY(AppendAll(con, "artifacts", fresh, [&](db::Appender& a, const ArtifactRecord* r) {
    auto counted = refs.find(r->artifact_id);
    AppendArtifact(a, *r, counted == refs.end() ? 0 : counted->second);
    if (counted != refs.end()) refs.erase(counted);
  }));
  N4A_TRY(AppendAll(con, "chains", chains, AppendChain));
  return ApplyRefCounts(con, refs, RefChange::kIncrement);
}

// The natural key of predictions, compared NULL-safely.
constexpr const char* kNaturalKeyMatch =
    "p.pipeline_id = s.pipeline_id AND p.chain_id IS NOT DISTINCT FROM s.chain_id "
    "AND p.fold_id IS NOT DISTINCT FROM s.fold_id "
    "AND p.partition IS NOT DISTINCT FROM s.partition "
    "AND p.model_name IS NOT DISTINCT FROM s.model_name "
    "AND p.branch_id IS NOT DISTINCT FROM s.branch_id";

std::string NaturalKey(const PendingPrediction& pending) {
  const PredictionRecord& p = pending.record;
  std::string key;
  for (const std::string* part :
       {&p.pipeline_id, &p.chain_id, &p.fold_id, &p.partition, &p.model_name, &p.branch_id}) {
    key += *part;
    key += '\x1f';
  }
  return key;
}

void AppendPredictionAt(db::Appender& a, const PendingPrediction* p) {
  AppendPrediction(a, *p);
}

// Upsert: stage the batch, delete rows it replaces, insert it.
Status UpsertPredictions(db::Connection& con, const std::vector<const PendingPrediction*>& rows) {
  if (rows.empty()) return Status::Ok();
  N4A_TRY(con.exec(
      "CREATE OR REPLACE TEMP TABLE prediction_stage AS SELECT * FROM predictions LIMIT 0"));
  N4A_TRY(AppendAll(con, "prediction_stage", rows, AppendPredictionAt));
  N4A_TRY(con.exec(
      std::string("DELETE FROM prediction_arrays WHERE prediction_id IN (SELECT p.prediction_id "
                  "FROM predictions p JOIN prediction_stage s ON ") +
      kNaturalKeyMatch + ")"));
  N4A_TRY(con.exec(std::string("DELETE FROM predictions p USING prediction_stage s WHERE ") +
                   kNaturalKeyMatch));
  N4A_TRY(con.exec("INSERT INTO predictions SELECT * FROM prediction_stage"));
  return con.exec("DROP TABLE prediction_stage");
}

// Rows of fresh pipelines are appended directly; the rest are upserted.
// Within one batch the last save of a natural key wins. The rows that go
// are picked by pointer, not copied: a batch holds up to ~100k of them.
Status SavePredictions(db::Connection& con, const PendingWrites& w) {
  const size_t n = w.predictions.size();
  if (n == 0) return Status::Ok();
  std::unordered_map<std::string, size_t> last;  // natural key -> its last row
  last.reserve(n);
  bool all_fresh = true;
  for (size_t i = 0; i < n; ++i) {
    const PendingPrediction& p = w.predictions[i];
    last[NaturalKey(p)] = i;
    all_fresh = all_fresh && w.fresh_pipelines.count(p.record.pipeline_id) != 0;
  }
  const bool duplicates = last.size() != n;
  if (all_fresh && !duplicates)
    return AppendAll(con, "predictions", w.predictions, AppendPrediction);
  std::vector<const PendingPrediction*> fresh, upsert;
  for (size_t i = 0; i < n; ++i) {
    const PendingPrediction& p = w.predictions[i];
    if (duplicates && last[NaturalKey(p)] != i) continue;
    (w.fresh_pipelines.count(p.record.pipeline_id) != 0 ? fresh : upsert).push_back(&p);
  }
  N4A_TRY(AppendAll(con, "predictions", fresh, AppendPredictionAt));
  return UpsertPredictions(con, upsert);
}

Status ApplyStatements(db::Connection& con, const std::vector<Statement>& statements) {
  for (const Statement& st : statements) {
    N4A_ASSIGN_OR_RETURN(int64_t changed, con.exec_count(st.sql, st.params));
    if (!st.must_match_one.empty() && changed != 1) return Status::NotFound(st.must_match_one);
  }
  return Status::Ok();
}

Status ApplyInTransaction(db::Connection& con, const PendingWrites& w) {
  N4A_TRY(AppendAll(con, "projects", w.projects, AppendProject));
  N4A_TRY(AppendAll(con, "runs", w.runs, AppendRun));
  N4A_TRY(AppendAll(con, "pipelines", w.pipelines, AppendPipeline));
  N4A_TRY(InsertArtifactsAndChains(con, w.artifacts, w.chains));
  N4A_TRY(SavePredictions(con, w));
  N4A_TRY(AppendAll(con, "logs", w.logs, AppendLog));
  return ApplyStatements(con, w.statements);
}

// The batch's prediction_arrays rows and the late ones, in one append (each
// appender costs DuckDB a planned INSERT, ~0.4 ms).
Status AppendArrayRefs(db::Connection& con, const std::vector<PendingWrites::ArrayRef>& refs,
                       const LateArrayRefs& late_array_refs) {
  if (!late_array_refs) return AppendAll(con, "prediction_arrays", refs, AppendArrayRef);
  N4A_ASSIGN_OR_RETURN(std::vector<PendingWrites::ArrayRef> all, late_array_refs());
  all.insert(all.end(), refs.begin(), refs.end());
  return AppendAll(con, "prediction_arrays", all, AppendArrayRef);
}

}  // namespace

PendingPrediction::PendingPrediction(PredictionRecord r)
    : scores(JsonText(r.scores)), best_params(JsonText(r.best_params)) {
  r.scores = nullptr;
  r.best_params = nullptr;
  record = std::move(r);
}

PendingChain::PendingChain(ChainRecord r)
    : steps(JsonText(r.steps)),
      fold_artifacts(JsonText(r.fold_artifacts)),
      shared_artifacts(JsonText(r.shared_artifacts)) {
  AddChainRefs(r.fold_artifacts, r.shared_artifacts, refs);
  r.steps = nullptr;
  r.fold_artifacts = nullptr;
  r.shared_artifacts = nullptr;
  record = std::move(r);
}

void PendingWrites::add_pipeline(PipelineRecord pipeline) {
  pipeline_rows_[pipeline.pipeline_id] = pipelines.size();
  pipelines.push_back(std::move(pipeline));
}

PipelineRecord* PendingWrites::find_pipeline(const std::string& id) {
  auto it = pipeline_rows_.find(id);
  return it == pipeline_rows_.end() ? nullptr : &pipelines[it->second];
}

RunRecord* PendingWrites::find_run(const std::string& id) {
  auto it =
      std::find_if(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.run_id == id; });
  return it == runs.end() ? nullptr : &*it;
}

size_t PendingWrites::row_count() const {
  return projects.size() + runs.size() + pipelines.size() + chains.size() + predictions.size() +
         logs.size() + statements.size() + artifacts.size() + array_refs.size();
}

size_t PendingWrites::largest_table() const {
  return std::max({projects.size(), runs.size(), pipelines.size(), chains.size(),
                   predictions.size(), logs.size(), artifacts.size(), array_refs.size()});
}

void PendingWrites::clear() {
  *this = PendingWrites();
}

Status ApplyWrites(db::Connection& con, const PendingWrites& writes,
                   const LateArrayRefs& late_array_refs) {
  if (writes.empty()) return Status::Ok();
  N4A_TRY(con.exec("BEGIN TRANSACTION"));
  Status s = ApplyInTransaction(con, writes);
  if (s.ok()) s = AppendArrayRefs(con, writes.array_refs, late_array_refs);
  if (!s.ok()) {
    (void)con.exec("ROLLBACK");
    return s;
  }
  return con.exec("COMMIT");
}

}  // namespace n4a::catalog
