// Exports of configs, runs and predictions (include/n4a/replay.h).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "replay/export_file.h"
#include "replay/stored_chain.h"
#include "util/atomic_file.h"

namespace n4a {
namespace {

namespace fs = std::filesystem;

constexpr int kRunExportVersion = 1;
constexpr int64_t kAllRows = 1'000'000'000;

// A recorded dataset path, absolute when it exists from here.
std::string absolute_if_exists(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return path;
  const fs::path abs = fs::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

void emit_json(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, value] : j.items()) {
      out << YAML::Key << key << YAML::Value;
      emit_json(out, value);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const Json& value : j) emit_json(out, value);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    out << j.get<std::string>();
  } else if (j.is_null()) {
    out << YAML::Null;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else {
    out << j.dump();  // numbers in their shortest round-trip form
  }
}

// A table's rows as a YAML sequence of maps (JSON columns nested).
void emit_table(YAML::Emitter& out, const Table& table) {
  out << YAML::BeginSeq;
  for (const auto& row : table.rows) {
    Json j = Json::object();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Value& v = row[c];
      Json& cell = j[table.columns[c]];
      if (const auto* s = std::get_if<std::string>(&v)) {
        cell = table.kinds[c] == ColumnKind::kJson ? Json::parse(*s, nullptr, false) : Json(*s);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        cell = *b;
      } else if (const auto* i = std::get_if<int64_t>(&v)) {
        cell = *i;
      } else if (const auto* d = std::get_if<double>(&v)) {
        cell = *d;
      }
    }
    emit_json(out, j);
  }
  out << YAML::EndSeq;
}

Json run_json(const RunRecord& r) {
  return {{"run_id", r.run_id},
          {"name", r.name},
          {"status", r.status},
          {"created_at", replay::iso_time(r.created_at)},
          {"completed_at", replay::iso_time(r.completed_at)},
          {"error", r.error},
          {"project_id", r.project_id},
          {"config", r.config},
          {"datasets", r.datasets},
          {"summary", r.summary}};
}

}  // namespace

namespace replay {

Status write_export(const std::string& path, std::string_view data) {
  return WriteFileAtomic(Env::Default(), path, data);
}

}  // namespace replay

Result<std::string> resolve_export_path(WorkspaceStore& store, const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("empty export path");
  const fs::path p(path);
  if (p.has_parent_path()) return path;
  const std::string dir = store.path() + "/exports";
  N4A_TRY(Env::Default()->create_dirs(dir));
  return dir + "/" + path;
}

Result<std::string> export_config(WorkspaceStore& store, const std::string& pipeline_id,
                                  const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string target, resolve_export_path(store, path));
  N4A_ASSIGN_OR_RETURN(PipelineRecord pipeline, store.get_pipeline(pipeline_id));
  N4A_ASSIGN_OR_RETURN(RunRecord run, store.get_run(pipeline.run_id));
  if (!run.config.is_object() || !run.config.contains("dataset") ||
      !run.config["dataset"].is_object()) {
    return Status::FailedPrecondition("run " + run.run_id + " has no recorded dataset config");
  }
  Json config = run.config;
  config["name"] = pipeline.name;
  config["pipeline"] = pipeline.expanded_config;
  Json& dataset = config["dataset"];
  for (const Json& d : run.datasets) {
    const std::string file = absolute_if_exists(d.value("path", ""));
    if (d.value("role", "") == "train" && dataset.contains("path")) dataset["path"] = file;
    if (d.value("role", "") == "test" && dataset.contains("test") && dataset["test"].is_object() &&
        dataset["test"].contains("path")) {
      dataset["test"]["path"] = file;
    }
  }
  N4A_TRY(replay::write_export(target, config.dump(2) + "\n"));
  return target;
}

Result<std::string> export_run(WorkspaceStore& store, const std::string& run_id,
                               const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string target, resolve_export_path(store, path));
  N4A_ASSIGN_OR_RETURN(RunRecord run, store.get_run(run_id));
  PipelineFilter pipelines;
  pipelines.run_id = run_id;
  pipelines.limit = kAllRows;
  N4A_ASSIGN_OR_RETURN(Table pipeline_rows, store.list_pipelines(pipelines));
  ChainFilter chains;
  chains.run_id = run_id;
  chains.limit = kAllRows;
  N4A_ASSIGN_OR_RETURN(Table chain_rows, store.list_chains(chains));
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "n4a_run_export" << YAML::Value << kRunExportVersion;
  out << YAML::Key << "n4a_version" << YAML::Value << N4A_VERSION;
  out << YAML::Key << "run" << YAML::Value;
  emit_json(out, run_json(run));
  out << YAML::Key << "pipelines" << YAML::Value;
  emit_table(out, pipeline_rows);
  out << YAML::Key << "chains" << YAML::Value;
  emit_table(out, chain_rows);
  out << YAML::EndMap;
  if (!out.good()) return Status::Internal("yaml: " + out.GetLastError());
  N4A_TRY(replay::write_export(target, std::string(out.c_str()) + "\n"));
  return target;
}

Result<std::pair<std::string, int64_t>> export_predictions(WorkspaceStore& store,
                                                           const std::string& path,
                                                           const PredictionFilter& filter,
                                                           WorkspaceStore::WithArrays with_arrays) {
  N4A_ASSIGN_OR_RETURN(std::string target, resolve_export_path(store, path));
  N4A_ASSIGN_OR_RETURN(int64_t rows, store.export_predictions_parquet(target, filter, with_arrays));
  return std::make_pair(target, rows);
}

}  // namespace n4a
