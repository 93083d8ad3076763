#include "pipeline/resume.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace n4a::pipeline {
namespace {

std::optional<double> number_at(const Table& t, const std::vector<Value>& row, const char* name) {
  const int i = t.column_index(name);
  if (i < 0) return std::nullopt;
  const Value& v = row[static_cast<size_t>(i)];
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const int64_t* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return std::nullopt;
}

std::string text_at(const Table& t, const std::vector<Value>& row, const char* name) {
  const int i = t.column_index(name);
  if (i < 0) return {};
  const Value& v = row[static_cast<size_t>(i)];
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

bool is_uuid_text(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

Result<std::map<std::string, VariantSummary>> completed_pipelines(WorkspaceStore& store,
                                                                  const std::string& run_id,
                                                                  bool rank_by_oof) {
  N4A_ASSIGN_OR_RETURN(
      Table t, store.sql(fmt::format(
                   "SELECT p.pipeline_id, p.generator_choices::VARCHAR AS choices, p.duration_ms, "
                   "c.chain_id, c.cv_val_score, c.cv_oof_score, c.cv_test_score, "
                   "(SELECT TRY_CAST(json_extract(x.scores, '$.r2') AS DOUBLE) FROM predictions x "
                   " WHERE x.chain_id = c.chain_id AND x.partition = 'test' LIMIT 1) AS test_r2 "
                   "FROM pipelines p LEFT JOIN chains c USING (pipeline_id) "
                   "WHERE p.run_id = '{}' AND p.status = 'completed'",
                   run_id)));
  std::map<std::string, VariantSummary> out;
  for (const auto& row : t.rows) {
    VariantSummary s;
    s.status = "completed";
    s.resumed = true;
    s.pipeline_id = text_at(t, row, "pipeline_id");
    s.chain_id = text_at(t, row, "chain_id");
    s.cv_val_score = number_at(t, row, "cv_val_score");
    s.cv_oof_score = number_at(t, row, "cv_oof_score");
    s.cv_test_score = number_at(t, row, "cv_test_score");
    s.test_r2 = number_at(t, row, "test_r2");
    s.cv_score = rank_by_oof ? s.cv_oof_score : s.cv_val_score;
    s.duration_ms = static_cast<int64_t>(number_at(t, row, "duration_ms").value_or(0));
    Json choices = Json::parse(text_at(t, row, "choices"), nullptr, false);
    if (!choices.is_discarded()) out[choices.dump()] = std::move(s);
  }
  return out;
}

}  // namespace

Result<ResumeState> load_resume_state(WorkspaceStore& store, const std::string& run_id) {
  if (!is_uuid_text(run_id)) return Status::NotFound("run " + run_id + " does not exist");
  N4A_ASSIGN_OR_RETURN(RunRecord run, store.get_run(run_id));
  if (run.status == "completed") {
    return Status::FailedPrecondition(
        fmt::format("run {} is already completed; nothing to resume", run_id));
  }
  ResumeState state;
  state.run_name = run.name;
  auto prepared = prepare_run(run.config, {});
  if (!prepared.ok()) return prepared.status().WithContext("the config of run " + run_id);
  state.run = std::move(*prepared);
  const std::string recorded =
      run.datasets.is_array() && !run.datasets.empty() ? run.datasets[0].value("hash", "") : "";
  if (recorded != state.run.data.dataset_hash) {
    return Status::FailedPrecondition(fmt::format(
        "the dataset {} changed since run {} (content hash {} was recorded, it is now {}); "
        "start a new run instead",
        state.run.config.dataset.path, run_id, recorded, state.run.data.dataset_hash));
  }
  N4A_ASSIGN_OR_RETURN(state.completed,
                       completed_pipelines(store, run_id, state.run.config.cv.type == "loo"));
  return state;
}

}  // namespace n4a::pipeline
