// Listing commands: runs, pipelines, chains, top, sql.
#include "cli/context.h"

namespace n4a::cli {
namespace {

void AddRuns(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("runs", "List runs, newest first");
  auto& f = ctx.make<RunFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--status", f.status,
                  "Only runs with this status (running, completed, failed, interrupted)");
  cmd->add_option("--dataset", f.dataset, "Only runs that used this dataset");
  cmd->add_option("--project", f.project_id, "Only runs of this project id");
  cmd->add_option("--limit", f.limit, "At most this many runs")->default_val(100);
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.list_runs(f); });
    };
  });
}

void AddPipelines(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("pipelines", "List the pipelines (variants) of a run");
  auto& f = ctx.make<PipelineFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--run", f.run_id, "Run id")->required();
  cmd->add_option("--dataset", f.dataset_name, "Only pipelines on this dataset");
  cmd->add_option("--status", f.status, "Only pipelines with this status");
  cmd->add_option("--limit", f.limit, "At most this many pipelines")->default_val(1000);
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.list_pipelines(f); });
    };
  });
}

void AddChains(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("chains", "List chain summaries ranked by CV score");
  auto& f = ctx.make<ChainFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--run", f.run_id, "Only chains of this run");
  cmd->add_option("--dataset", f.dataset_name, "Only chains on this dataset");
  cmd->add_option("--top,-n", f.limit, "At most this many chains")->default_val(100);
  cmd->add_option("--metric", f.metric,
                  "Ranking score: cv_val_score, cv_oof_score, cv_test_score, cv_train_score")
      ->default_val("cv_val_score");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.list_chains(f); });
    };
  });
}

void AddTop(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("top", "The best predictions by a metric");
  auto& q = ctx.make<TopQuery>();
  auto& format = ctx.make<std::string>();
  auto& asc = ctx.make<bool>();
  auto& desc = ctx.make<bool>();
  cmd->add_option("-n", q.n, "How many (default 10)")->default_val(10)->check(CLI::PositiveNumber);
  cmd->add_option("--metric", q.metric,
                  "val_score, test_score, train_score, or a metric in scores (rmse, r2, ...)")
      ->default_val("val_score");
  cmd->add_option("--partition", q.partition, "train, val or test (default val; 'all' for any)")
      ->default_val("val");
  cmd->add_option("--dataset", q.dataset_name, "Only predictions on this dataset");
  cmd->add_option("--group-by", q.group_by,
                  "Best per model_class, model_name, preprocessings, dataset_name, ...");
  auto& wide = ctx.make<bool>();
  cmd->add_flag("--wide", wide, "Every column in the table format (json and csv have them all)");
  auto* a = cmd->add_flag("--asc", asc, "Lowest first (default follows the metric)");
  cmd->add_flag("--desc", desc, "Highest first")->excludes(a);
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      if (q.partition == "all") q.partition.clear();
      if (asc) q.order = SortOrder::kAscending;
      if (desc) q.order = SortOrder::kDescending;
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_ASSIGN_OR_RETURN(Table t, s.top_predictions(q));
        // People get the columns that fit a terminal; scripts get them all.
        if (format != "table" || wide) return t;
        return SelectColumns(t, {"rank", "score", "pipeline_name", "dataset_name", "fold_id",
                                 "partition", "metric", "n_samples", "chain_id"});
      });
    };
  });
}

void AddSql(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "sql", "Run one read-only SQL query (SELECT) on the catalog, e.g. n4a sql \"SELECT ...\"");
  auto& query = ctx.make<std::string>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("query", query, "The SELECT statement")->required();
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.sql(query); });
    };
  });
}

}  // namespace

void RegisterQueryCommands(CLI::App& app, Context& ctx) {
  AddRuns(app, ctx);
  AddPipelines(app, ctx);
  AddChains(app, ctx);
  AddTop(app, ctx);
  AddSql(app, ctx);
}

}  // namespace n4a::cli
