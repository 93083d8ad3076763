// Listing commands: runs, pipelines, chains, predictions, top, sql.
#include <fmt/format.h>

#include <algorithm>

#include "cli/context.h"
#include "n4a/filter.h"

namespace n4a::cli {
namespace {

// Adds `--where EXPR` (docs/filters.md) to `cmd`; `fields` names what it
// can test besides the columns shown.
void AddWhereOption(CLI::App* cmd, std::string& text, const std::string& fields) {
  cmd->add_option("--where", text,
                  "Only rows matching EXPR, e.g. \"model_class = 'PLSRegression' and "
                  "(scores.r2 > 0.95 or params.n_components < 4)\": = != < <= > >= in like ~ "
                  "is null, and or not, (); fields: the columns" +
                      fields + " (docs/filters.md)")
      ->type_name("EXPR");
}

// "Only <what> with this status: a, b or c".
std::string StatusHelp(const std::string& what, const std::vector<std::string>& statuses) {
  return fmt::format("Only {} with this status: {}", what, fmt::join(statuses, ", "));
}

// Parses the text of --where into `filter`; a syntax error says where.
Status ParseWhere(const std::string& text, Filter& filter) {
  auto parsed = ParseFilter(text);
  if (!parsed.ok()) return parsed.status().WithContext("--where");
  filter = *std::move(parsed);
  return Status::Ok();
}

void AddRuns(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("runs", "List runs, newest first");
  auto& f = ctx.make<RunFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--status", f.status, StatusHelp("runs", RunStatuses()));
  cmd->add_option("--dataset", f.dataset, "Only runs that used this dataset");
  cmd->add_option("--project", f.project_id, "Only runs of this project id");
  cmd->add_option("--limit", f.limit, "At most this many runs (0: all; default 100)")
      ->default_val(100);
  auto& where = ctx.make<std::string>();
  AddWhereOption(cmd, where, ", pipelines (a count), user, host, git_commit");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      if (Status s = ParseWhere(where, f.where); !s.ok()) return ctx.fail(s);
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_ASSIGN_OR_RETURN(Table t, s.list_runs(f));
        if (format == "table") TruncateColumn(t, "git_commit", 12);  // as git log --oneline
        return t;
      });
    };
  });
}

void AddPipelines(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("pipelines", "List pipelines (variants), oldest first");
  auto& f = ctx.make<PipelineFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--run", f.run_id, "Only pipelines of this run");
  cmd->add_option("--dataset", f.dataset_name, "Only pipelines on this dataset");
  cmd->add_option("--status", f.status, StatusHelp("pipelines", PipelineStatuses()));
  cmd->add_option("--limit", f.limit, "At most this many pipelines (0: all; default 1000)")
      ->default_val(1000);
  auto& where = ctx.make<std::string>();
  AddWhereOption(cmd, where, ", params.<name> (the variant's parameters)");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      if (Status s = ParseWhere(where, f.where); !s.ok()) return ctx.fail(s);
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_TRY(ResolveIds(s, {{IdKind::kRun, &f.run_id}}));
        return s.list_pipelines(f);
      });
    };
  });
}

void AddChains(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("chains", "List chain summaries ranked by CV score");
  auto& f = ctx.make<ChainFilter>();
  auto& format = ctx.make<std::string>();
  cmd->add_option("--run", f.run_id, "Only chains of this run");
  cmd->add_option("--dataset", f.dataset_name, "Only chains on this dataset");
  cmd->add_option("--top,-n", f.limit, "At most this many chains (0: all; default 100)")
      ->default_val(100);
  cmd->add_option("--metric", f.metric,
                  "Ranking score: cv_val_score, cv_oof_score, cv_test_score, cv_train_score")
      ->default_val("cv_val_score");
  auto& where = ctx.make<std::string>();
  AddWhereOption(cmd, where, ", run_id, model_name, params.<name> (the variant's parameters)");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      if (Status s = ParseWhere(where, f.where); !s.ok()) return ctx.fail(s);
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_TRY(ResolveIds(s, {{IdKind::kRun, &f.run_id}}));
        return s.list_chains(f);
      });
    };
  });
}

void AddTop(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "top",
      "The best single predictions by a metric: each row is one fold of one chain on one "
      "partition, so the best is often a lucky fold. To rank models by their cross-validated "
      "score, use n4a chains");
  auto& q = ctx.make<TopQuery>();
  auto& format = ctx.make<std::string>();
  auto& asc = ctx.make<bool>();
  auto& desc = ctx.make<bool>();
  cmd->add_option("-n", q.n, "How many (0: all; default 10)")->default_val(10);
  cmd->add_option("--metric", q.metric,
                  "val_score, test_score, train_score, or a metric in scores (rmse, r2, ...)")
      ->default_val("val_score");
  cmd->add_option("--partition", q.partition, "train, val or test (default val; 'all' for any)")
      ->default_val("val");
  cmd->add_option("--dataset", q.dataset_name, "Only predictions on this dataset");
  cmd->add_option("--group-by", q.group_by,
                  "Best per value of: model_class, model_name, preprocessings, dataset_name, "
                  "pipeline_id, chain_id, fold_id or partition")
      ->type_name("FIELD");
  auto& where = ctx.make<std::string>();
  AddWhereOption(cmd, where,
                 " of predictions, score, run_id, scores.<metric>, params.<name>; applied "
                 "before ranking and grouping");
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
      if (Status s = ParseWhere(where, q.where); !s.ok()) return ctx.fail(s);
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_ASSIGN_OR_RETURN(Table t, s.top_predictions(q));
        // People get the columns that fit a terminal; scripts get them all.
        if (format != "table" || wide) return t;
        std::vector<std::string> columns = {"rank",         "score",     "pipeline_name",
                                            "dataset_name", "fold_id",   "partition",
                                            "metric",       "n_samples", "chain_id"};
        // The grouping column is what the rows differ by: show it.
        if (!q.group_by.empty() &&
            std::find(columns.begin(), columns.end(), q.group_by) == columns.end()) {
          columns.insert(columns.begin() + 2, q.group_by);
        }
        return SelectColumns(t, columns);
      });
    };
  });
}

void AddPredictions(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "predictions", "List predictions (one per chain, fold and partition), oldest first");
  auto& f = ctx.make<PredictionFilter>();
  auto& format = ctx.make<std::string>();
  auto& where = ctx.make<std::string>();
  auto& wide = ctx.make<bool>();
  cmd->add_option("--pipeline", f.pipeline_id, "Only predictions of this pipeline id");
  cmd->add_option("--chain", f.chain_id, "Only predictions of this chain id");
  cmd->add_option("--dataset", f.dataset_name, "Only predictions on this dataset");
  cmd->add_option("--partition", f.partition, "Only this partition: train, val or test");
  cmd->add_option("--fold", f.fold_id, "Only this fold, e.g. fold_0 or fold_final");
  cmd->add_option("--model-class", f.model_class, "Only this model class, e.g. PLSRegression");
  AddWhereOption(cmd, where, ", pipeline_name, run_id, scores.<metric>, params.<name>");
  cmd->add_option("--limit", f.limit, "At most this many predictions (0: all; default 1000)")
      ->default_val(1000);
  cmd->add_option("--offset", f.offset, "Skip this many first")->default_val(0);
  cmd->add_flag("--wide", wide, "Every column in the table format (json and csv have them all)");
  AddFormatOption(cmd, format);
  cmd->callback([&] {
    ctx.action = [&] {
      if (Status s = ParseWhere(where, f.where); !s.ok()) return ctx.fail(s);
      return ctx.print_query(format, [&](WorkspaceStore& s) -> Result<Table> {
        N4A_TRY(
            ResolveIds(s, {{IdKind::kPipeline, &f.pipeline_id}, {IdKind::kChain, &f.chain_id}}));
        N4A_ASSIGN_OR_RETURN(Table t, s.query_predictions(f));
        if (format != "table" || wide) return t;
        return SelectColumns(
            t, {"prediction_id", "dataset_name", "model_name", "preprocessings", "fold_id",
                "partition", "metric", "val_score", "test_score", "train_score", "n_samples"});
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
  AddPredictions(app, ctx);
  AddTop(app, ctx);
  AddSql(app, ctx);
}

}  // namespace n4a::cli
