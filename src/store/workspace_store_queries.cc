// WorkspaceStore: projects, queries and workspace information.
#include <algorithm>
#include <filesystem>

#include "catalog/schema.h"
#include "store/store_impl.h"
#include "util/uuid.h"

namespace n4a {
namespace {

// Total size of the regular files under `dir` (0 when it does not exist).
uint64_t TreeBytes(Env* env, const std::string& dir) {
  auto entries = env->list_dir(dir);
  if (!entries.ok()) return 0;
  uint64_t total = 0;
  for (const DirEntry& e : *entries) {
    std::string p = dir + "/" + e.name;
    if (e.is_dir) {
      total += TreeBytes(env, p);
    } else if (auto size = env->file_size(p); size.ok()) {
      total += *size;
    }
  }
  return total;
}

}  // namespace

Result<std::string> WorkspaceStore::create_project(const std::string& name,
                                                   const std::string& description,
                                                   const std::string& color) {
  if (name.empty()) return Status::InvalidArgument("a project needs a name");
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  ProjectRecord p{NewUuidV7(), name, description, color, impl_->now(), impl_->now()};
  N4A_TRY(impl_->window_.write([&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(auto existing, catalog::ListProjects(con, name));
    if (!existing.empty()) return Status::AlreadyExists("project '" + name + "' already exists");
    catalog::PendingWrites w;
    w.projects.push_back(p);
    return catalog::ApplyWrites(con, w);
  }));
  return p.project_id;
}

Result<std::vector<ProjectRecord>> WorkspaceStore::list_projects() {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<std::vector<ProjectRecord>>(
      [](db::Connection& con) { return catalog::ListProjects(con); });
}

Result<ProjectRecord> WorkspaceStore::get_project_by_name(const std::string& name) {
  std::lock_guard lock(impl_->mu_);
  N4A_ASSIGN_OR_RETURN(auto found,
                       impl_->read<std::vector<ProjectRecord>>(
                           [&](db::Connection& con) { return catalog::ListProjects(con, name); }));
  if (found.empty()) return Status::NotFound("project '" + name + "' does not exist");
  return found[0];
}

Result<std::string> WorkspaceStore::get_or_create_project(const std::string& name) {
  auto found = get_project_by_name(name);
  if (found.ok()) return found->project_id;
  if (!found.status().IsNotFound()) return found.status();
  auto created = create_project(name, "", "");
  if (created.ok() || !created.status().IsAlreadyExists()) return created;
  N4A_ASSIGN_OR_RETURN(ProjectRecord raced, get_project_by_name(name));  // another process won
  return raced.project_id;
}

Status WorkspaceStore::set_run_project(const std::string& run_id, const std::string& project_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  return impl_->window_.write([&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(bool project, catalog::Exists(con, "projects", "project_id", project_id));
    if (!project) return Status::NotFound("project " + project_id + " does not exist");
    N4A_ASSIGN_OR_RETURN(
        int64_t n,
        con.exec_count("UPDATE runs SET project_id = $1 WHERE run_id = $2", {project_id, run_id}));
    if (n != 1) return Status::NotFound("run " + run_id + " does not exist");
    return Status::Ok();
  });
}

Status WorkspaceStore::delete_project(const std::string& project_id) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->flush_locked());
  return impl_->window_.write([&](db::Connection& con) -> Status {
    N4A_TRY(con.exec("BEGIN TRANSACTION"));
    auto n = con.exec_count("DELETE FROM projects WHERE project_id = $1", {project_id});
    Status s = n.status();
    if (s.ok() && *n != 1) s = Status::NotFound("project " + project_id + " does not exist");
    if (s.ok())
      s = con.exec("UPDATE runs SET project_id = NULL WHERE project_id = $1", {project_id});
    if (!s.ok()) {
      (void)con.exec("ROLLBACK");
      return s;
    }
    return con.exec("COMMIT");
  });
}

Result<RunRecord> WorkspaceStore::get_run(const std::string& run_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<RunRecord>([&](db::Connection& con) { return impl_->get_run(con, run_id); });
}

Result<Table> WorkspaceStore::list_runs(const RunFilter& filter) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>([&](db::Connection& con) -> Result<Table> {
    N4A_ASSIGN_OR_RETURN(std::vector<std::string> dead, impl_->dead_runs(con));
    return catalog::ListRuns(con, filter, dead);
  });
}

Result<PipelineRecord> WorkspaceStore::get_pipeline(const std::string& pipeline_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<PipelineRecord>(
      [&](db::Connection& con) { return catalog::GetPipeline(con, pipeline_id); });
}

Result<Table> WorkspaceStore::list_pipelines(const PipelineFilter& filter) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>(
      [&](db::Connection& con) { return catalog::ListPipelines(con, filter); });
}

Result<ChainRecord> WorkspaceStore::get_chain(const std::string& chain_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<ChainRecord>(
      [&](db::Connection& con) { return catalog::GetChain(con, chain_id); });
}

Result<Table> WorkspaceStore::list_chains(const ChainFilter& filter) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>([&](db::Connection& con) { return catalog::ListChains(con, filter); });
}

Result<PredictionRecord> WorkspaceStore::get_prediction(const std::string& prediction_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<PredictionRecord>(
      [&](db::Connection& con) { return catalog::GetPrediction(con, prediction_id); });
}

Result<Table> WorkspaceStore::query_predictions(const PredictionFilter& filter) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>(
      [&](db::Connection& con) { return catalog::QueryPredictions(con, filter); });
}

Result<Table> WorkspaceStore::top_predictions(const TopQuery& query) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>(
      [&](db::Connection& con) { return catalog::TopPredictions(con, query); });
}

Result<Table> WorkspaceStore::sql(const std::string& query) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->flush_locked());
  // The workspace's own Parquet files: its arrays and its exports.
  std::vector<std::string> readable;
  for (const char* dir : {"/arrays", "/exports"}) {
    std::error_code ec;
    readable.push_back(std::filesystem::absolute(path() + dir, ec).string());
    if (ec) return Status::IOError("resolve " + path() + dir + ": " + ec.message());
  }
  std::optional<Table> out;
  N4A_TRY(impl_->window_.read_confined(readable, [&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(out, con.query_select_only(query));
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<WorkspaceInfo> WorkspaceStore::info() {
  std::lock_guard lock(impl_->mu_);
  WorkspaceInfo info;
  info.path = impl_->window_.path();
  N4A_TRY(impl_->flush_locked());
  N4A_TRY(impl_->window_.read([&](db::Connection& con) -> Status {
    N4A_ASSIGN_OR_RETURN(info.schema_version, catalog::ReadSchemaVersion(con));
    N4A_ASSIGN_OR_RETURN(info.table_counts, catalog::TableCounts(con));
    return Status::Ok();
  }));
  Env* env = impl_->env();
  if (auto size = env->file_size(impl_->window_.catalog_path()); size.ok()) {
    info.catalog_bytes = *size;
  }
  info.artifact_bytes = TreeBytes(env, info.path + "/artifacts");
  info.array_bytes = TreeBytes(env, info.path + "/arrays");
  return info;
}

}  // namespace n4a
