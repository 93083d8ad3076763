// The workspace library and lineage: `n4a template save|list|show|delete`
// (docs/formats/template.md), `n4a datasets` (dataset versions and the runs
// that used them) and `n4a show CHAIN_ID` (everything about one chain).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/context.h"
#include "pipeline/config.h"
#include "pipeline/prepare.h"

namespace n4a::cli {
namespace {

namespace fs = std::filesystem;

struct SaveArgs {
  std::string from_pipeline;
  std::string file;
  TemplateMetadata metadata;
  bool force = false;
};

// "2026-11-23 23:40:12" (UTC); "-" when unset.
std::string TimeText(int64_t micros) {
  if (micros == 0) return "-";
  using namespace std::chrono;
  return fmt::format("{:%F %T}", floor<seconds>(sys_time<microseconds>(microseconds(micros))));
}

Json OptJson(const std::optional<double>& v) {
  return v ? Json(*v) : Json();
}

// A Table as the JSON array PrintTable writes.
Json TableJson(const Table& t) {
  std::ostringstream out;
  PrintTable(out, t, Format::kJson);
  return Json::parse(out.str());
}

// The config to save and where it came from, from --file or --from-pipeline.
Result<Json> TemplateConfig(SaveArgs& a, WorkspaceStore& store) {
  if (!a.file.empty()) {
    N4A_ASSIGN_OR_RETURN(Json config, pipeline::read_config_file(a.file));
    a.metadata.source = {{"file", fs::absolute(a.file).lexically_normal().string()}};
    return pipeline::check_template_config(config, fs::path(a.file).parent_path());
  }
  N4A_TRY(ResolveIds(store, {{IdKind::kPipeline, &a.from_pipeline}}));
  N4A_ASSIGN_OR_RETURN(PipelineRecord p, store.get_pipeline(a.from_pipeline));
  N4A_ASSIGN_OR_RETURN(RunRecord run, store.get_run(p.run_id));
  a.metadata.source = {{"pipeline_id", p.pipeline_id}, {"run_id", p.run_id}, {"name", p.name}};
  a.metadata.metrics = {{"metric", p.metric},
                        {"best_val", OptJson(p.best_val)},
                        {"best_test", OptJson(p.best_test)},
                        {"dataset_name", p.dataset_name},
                        {"dataset_hash", p.dataset_hash}};
  return pipeline::pipeline_template_config(run, p);
}

int SaveTemplate(SaveArgs& a, const Context& ctx) {
  if (a.file.empty() == a.from_pipeline.empty()) {
    return ctx.fail(Status::InvalidArgument("give --from-pipeline ID or --file CONFIG (one)"));
  }
  if (Status s = ValidateTemplateName(a.metadata.name); !s.ok()) return ctx.fail(s);
  // A pipeline id only means something in an existing workspace.
  auto store = ctx.open_store(a.file.empty() ? OpenMode::kMustExist : OpenMode::kCreateIfMissing);
  if (!store.ok()) return ctx.fail(store.status());
  auto config = TemplateConfig(a, **store);
  if (!config.ok()) return ctx.fail(config.status());
  auto saved =
      (*store)->save_template(a.metadata, *config, a.force ? Overwrite::kYes : Overwrite::kNo);
  if (!saved.ok()) return ctx.fail(saved.status());
  std::cout << fmt::format("Saved template '{}' (category {}) in {}/library/{}/{}\n", saved->name,
                           saved->category, (*store)->path(), saved->category, saved->name);
  return kExitOk;
}

Table TemplateTable(const std::vector<TemplateMetadata>& all, Format format) {
  Table t;
  t.columns = {"name",    "category", "tags",       "description",
               "metrics", "source",   "created_at", "modified_at"};
  const ColumnKind json = format == Format::kTable ? ColumnKind::kString : ColumnKind::kJson;
  t.kinds = {ColumnKind::kString, ColumnKind::kString, json, ColumnKind::kString, json, json,
             ColumnKind::kString, ColumnKind::kString};
  for (const TemplateMetadata& m : all) {
    Json j = TemplateMetadataToJson(m);
    std::string tags =
        format == Format::kTable ? fmt::format("{}", fmt::join(m.tags, ",")) : j["tags"].dump();
    t.rows.push_back({m.name, m.category, tags, m.description, m.metrics.dump(), m.source.dump(),
                      j["created_at"].get<std::string>(), j["modified_at"].get<std::string>()});
  }
  if (format != Format::kTable) return t;
  return SelectColumns(t, {"name", "category", "tags", "description", "modified_at"});
}

int ShowTemplate(const std::string& name, const std::string& format, const Context& ctx) {
  auto store = ctx.open_store(OpenMode::kMustExist);
  if (!store.ok()) return ctx.fail(store.status());
  auto t = (*store)->get_template(name);
  if (!t.ok()) return ctx.fail(t.status());
  if (format == "json") {
    std::cout
        << Json{{"metadata", TemplateMetadataToJson(t->metadata)}, {"config", t->config}}.dump(2)
        << "\n";
    return kExitOk;
  }
  const TemplateMetadata& m = t->metadata;
  std::cout << fmt::format("Template '{}' (category {})\n", m.name, m.category);
  if (!m.description.empty()) std::cout << "Description: " << EscapeControl(m.description) << "\n";
  if (!m.tags.empty()) std::cout << fmt::format("Tags: {}\n", fmt::join(m.tags, ", "));
  if (!m.metrics.empty()) std::cout << "Metrics: " << m.metrics.dump() << "\n";
  std::cout << "Source: " << m.source.dump() << "\n"
            << fmt::format("Created {}, modified {} (UTC)\n", TimeText(m.created_at),
                           TimeText(m.modified_at))
            << fmt::format("Config ({}/library/{}/{}/pipeline.json):\n", (*store)->path(),
                           m.category, m.name)
            << t->config.dump(2) << "\n";
  return kExitOk;
}

void AddTemplateSave(CLI::App* parent, Context& ctx) {
  auto* cmd = parent->add_subcommand("save", "Save a pipeline config as a named template");
  auto& a = ctx.make<SaveArgs>();
  auto* from = cmd->add_option("--from-pipeline", a.from_pipeline,
                               "A recorded pipeline id: its run's config with its own steps");
  cmd->add_option("--file", a.file, "A run config file (as for n4a run)")->excludes(from);
  cmd->add_option("--name", a.metadata.name, "Template name (unique in the library)")->required();
  cmd->add_option("--category", a.metadata.category, "Library folder (default: general)");
  cmd->add_option("--tags", a.metadata.tags, "Comma-separated tags, e.g. nirs,pls")->delimiter(',');
  cmd->add_option("--description", a.metadata.description, "What the template is for");
  cmd->add_flag("--force", a.force, "Replace a template of the same name");
  cmd->callback([&] { ctx.action = [&] { return SaveTemplate(a, ctx); }; });
}

void AddTemplateList(CLI::App* parent, Context& ctx) {
  auto* cmd = parent->add_subcommand("list", "List the saved templates by category and name");
  auto& f = ctx.make<TemplateFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--category", f.category, "Only templates of this category");
  cmd->add_option("--tag", f.tag, "Only templates with this tag");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_ASSIGN_OR_RETURN(auto all, s.list_templates(f));
        N4A_ASSIGN_OR_RETURN(Format parsed, ParseFormat(format));
        return TemplateTable(all, parsed);
      });
    };
  });
}

void AddTemplateShow(CLI::App* parent, Context& ctx) {
  auto* cmd = parent->add_subcommand("show", "Print a template's metadata and config");
  auto& name = ctx.make<std::string>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("name", name, "Template name")->required();
  cmd->add_option("--format", format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
  cmd->callback([&] { ctx.action = [&] { return ShowTemplate(name, format, ctx); }; });
}

void AddTemplateDelete(CLI::App* parent, Context& ctx) {
  auto* cmd = parent->add_subcommand("delete", "Delete a saved template");
  auto& name = ctx.make<std::string>();
  cmd->add_option("name", name, "Template name")->required();
  cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store(OpenMode::kMustExist);
      if (!store.ok()) return ctx.fail(store.status());
      if (Status s = (*store)->delete_template(name); !s.ok()) return ctx.fail(s);
      std::cout << "Deleted template '" << name << "'\n";
      return kExitOk;
    };
  });
}

// For people: short hashes and run ids as a list.
Table DatasetsForPeople(Table t) {
  TruncateColumn(t, "hash", 12);
  const int runs = t.column_index("run_ids");
  for (auto& row : t.rows) {
    if (auto* r = std::get_if<std::string>(&row[static_cast<size_t>(runs)])) {
      *r = fmt::format("{}", fmt::join(Json::parse(*r).get<std::vector<std::string>>(), " "));
    }
  }
  t.kinds[static_cast<size_t>(runs)] = ColumnKind::kString;
  return SelectColumns(t, {"dataset_name", "role", "hash", "n_samples", "n_features", "first_used",
                           "last_used", "runs", "run_ids"});
}

void AddDatasets(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "datasets", "Dataset versions (content hashes), first and last use, and the runs using each");
  auto& format = ctx.make<std::string>();
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_ASSIGN_OR_RETURN(Table t, s.list_datasets());
        return format == "table" ? DatasetsForPeople(std::move(t)) : t;
      });
    };
  });
}

Json ChainJson(const WorkspaceStore::ChainDetails& d) {
  const ChainRecord& c = d.chain;
  const PipelineRecord& p = d.pipeline;
  const RunRecord& r = d.run;
  return {{"chain",
           {{"chain_id", c.chain_id},
            {"model_class", c.model_class},
            {"model_name", c.model_name},
            {"preprocessings", c.preprocessings},
            {"metric", c.metric},
            {"task_type", c.task_type},
            {"fold_strategy", c.fold_strategy},
            {"cv_fold_count", c.cv_fold_count},
            {"cv_val_score", OptJson(c.cv_val_score)},
            {"cv_oof_score", OptJson(c.cv_oof_score)},
            {"cv_test_score", OptJson(c.cv_test_score)},
            {"cv_train_score", OptJson(c.cv_train_score)},
            {"steps", c.steps},
            {"created_at", TimeText(c.created_at)}}},
          {"pipeline",
           {{"pipeline_id", p.pipeline_id},
            {"name", p.name},
            {"status", p.status},
            {"generator_choices", p.generator_choices},
            {"expanded_config", p.expanded_config},
            {"duration_ms", p.duration_ms}}},
          {"run",
           {{"run_id", r.run_id},
            {"name", r.name},
            {"status", r.status},
            {"created_at", TimeText(r.created_at)},
            {"completed_at", TimeText(r.completed_at)},
            {"provenance", r.provenance}}},
          {"dataset", d.dataset},
          {"fold_scores", TableJson(d.fold_scores)},
          {"artifacts", TableJson(d.artifacts)}};
}

std::string ScoreText(const std::optional<double>& v) {
  return v ? fmt::format("{:.6g}", *v) : "-";
}

void PrintProvenance(const Json& p) {
  if (!p.is_object()) {
    std::cout << "  provenance: not recorded\n";
    return;
  }
  std::cout << EscapeControl(fmt::format("  by {}@{} with n4a {} in {}", p.value("user", "?"),
                                         p.value("host", "?"), p.value("n4a_version", "?"),
                                         p.value("cwd", "?")))
            << "\n";
  if (p["command_line"].is_array() && !p["command_line"].empty()) {
    std::cout << "  command: "
              << EscapeControl(fmt::format(
                     "{}", fmt::join(p["command_line"].get<std::vector<std::string>>(), " ")))
              << "\n";
  }
  if (p.contains("git")) {
    const Json& g = p["git"];
    std::cout << fmt::format("  git: {}{} ({})\n", g.value("commit", "(no commit)"),
                             g.value("dirty", false) ? " with uncommitted changes" : "",
                             g.value("root", "?"));
  }
}

void PrintChain(const WorkspaceStore::ChainDetails& d) {
  const ChainRecord& c = d.chain;
  std::cout << fmt::format("Chain {}: {} ({})\n", c.chain_id, EscapeControl(c.model_name),
                           EscapeControl(c.model_class))
            << fmt::format("  {}: cv_val {}  cv_oof {}  cv_test {}  cv_train {}  ({} folds, {})\n",
                           c.metric, ScoreText(c.cv_val_score), ScoreText(c.cv_oof_score),
                           ScoreText(c.cv_test_score), ScoreText(c.cv_train_score), c.cv_fold_count,
                           c.fold_strategy);
  std::cout << fmt::format("Run {} \"{}\": {}, {} (UTC)\n", d.run.run_id, EscapeControl(d.run.name),
                           d.run.status, TimeText(d.run.created_at));
  PrintProvenance(d.run.provenance);
  std::cout << fmt::format("Pipeline {} \"{}\": {}, {} ms\n", d.pipeline.pipeline_id,
                           EscapeControl(d.pipeline.name), d.pipeline.status,
                           d.pipeline.duration_ms);
  std::cout << fmt::format("Dataset {} version {}\n", EscapeControl(d.pipeline.dataset_name),
                           d.pipeline.dataset_hash);
  if (d.dataset.is_object()) {
    std::cout << fmt::format("  {}: {} samples x {} features, target {}\n",
                             EscapeControl(d.dataset.value("path", "?")),
                             d.dataset.value("n_samples", 0), d.dataset.value("n_features", 0),
                             d.dataset.value("target", "?"));
  }
  std::cout << "Steps:\n";
  for (const Json& s : c.steps) {
    std::cout << fmt::format("  {}  {} {}\n", s.value("step_idx", 0), s.value("operator", "?"),
                             s.value("params", Json::object()).dump());
  }
  std::cout << "Fold scores:\n";
  PrintTable(std::cout,
             SelectColumns(d.fold_scores, {"fold_id", "partition", "metric", "score", "n_samples",
                                           "prediction_id"}),
             Format::kTable);
  std::cout << "Artifacts:\n";
  PrintTable(std::cout, d.artifacts, Format::kTable);
}

void AddShow(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "show", "Everything about one chain: run and provenance, data version, steps, scores");
  auto& id = ctx.make<std::string>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("chain_id", id, "Chain id (n4a chains, n4a top)")->required();
  cmd->add_option("--format", format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
  cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store(OpenMode::kMustExist);
      if (!store.ok()) return ctx.fail(store.status());
      if (Status s = ResolveIds(**store, {{IdKind::kChain, &id}}); !s.ok()) return ctx.fail(s);
      auto details = (*store)->describe_chain(id);
      if (!details.ok()) return ctx.fail(details.status());
      if (format == "json") {
        std::cout << ChainJson(*details).dump(2) << "\n";
      } else {
        PrintChain(*details);
      }
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterLibraryCommands(CLI::App& app, Context& ctx) {
  auto* templates =
      app.add_subcommand("template", "Pipeline templates: the workspace library (library/)");
  templates->require_subcommand(1);
  AddTemplateSave(templates, ctx);
  AddTemplateList(templates, ctx);
  AddTemplateShow(templates, ctx);
  AddTemplateDelete(templates, ctx);
  AddDatasets(app, ctx);
  AddShow(app, ctx);
}

}  // namespace n4a::cli
