// Cleanup and integrity commands: workspace delete-run/compact/vacuum/check
// and `n4a artifacts ...`.
#include <fmt/format.h>

#include <iostream>
#include <regex>

#include "cli/context.h"

namespace n4a::cli {
namespace {

// "90s", "30m", "1h", "2d" or a plain number of seconds.
Result<int64_t> ParseDurationMicros(const std::string& text) {
  static const std::regex kDuration("([0-9]+(?:\\.[0-9]+)?)([smhd]?)");
  std::smatch m;
  if (!std::regex_match(text, m, kDuration)) {
    return Status::InvalidArgument("bad duration '" + text + "': use e.g. 90s, 30m, 1h or 2d");
  }
  double value = std::stod(m[1]);
  const std::string unit = m[2];
  double seconds = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 1;
  return static_cast<int64_t>(value * seconds * 1e6);
}

// Opens the workspace and runs `fn`, mapping errors to exit codes.
int WithStore(Context& ctx, const std::function<int(WorkspaceStore&)>& fn) {
  auto store = ctx.open_store(OpenMode::kMustExist);
  if (!store.ok()) return ctx.fail(store.status());
  return fn(**store);
}

int DeleteRun(Context& ctx, std::string run_id) {
  return WithStore(ctx, [&](WorkspaceStore& s) {
    if (Status st = ResolveIds(s, {{IdKind::kRun, &run_id}}); !st.ok()) return ctx.fail(st);
    auto r = s.delete_run(run_id);
    if (!r.ok()) return ctx.fail(r.status());
    std::cout << fmt::format(
        "deleted run {}: {} pipelines, {} chains, {} predictions, {} logs; released {} artifact "
        "references (files are removed by `n4a artifacts cleanup`)\n",
        run_id, r->pipelines, r->chains, r->predictions, r->logs, r->artifact_refs_released);
    return kExitOk;
  });
}

int Cleanup(Context& ctx, const std::string& grace, bool dry_run) {
  auto micros = ParseDurationMicros(grace);
  if (!micros.ok()) return ctx.fail(micros.status());
  return WithStore(ctx, [&](WorkspaceStore& s) {
    auto r = s.gc_artifacts(*micros, dry_run ? DryRun::kYes : DryRun::kNo);
    if (!r.ok()) return ctx.fail(r.status());
    for (const auto& p : r->removed_paths)
      std::cout << (dry_run ? "would remove " : "removed ") << p << "\n";
    std::cout << fmt::format("{} {} of {} files ({}); {} unreferenced files younger than {} kept\n",
                             dry_run ? "would free" : "freed", r->files_removed, r->files_scanned,
                             HumanBytes(r->bytes_freed), r->files_too_young, grace);
    for (const auto& e : r->errors) std::cerr << "n4a: warning: " << e << "\n";
    return r->errors.empty() ? kExitOk : kExitFailure;
  });
}

int Compact(Context& ctx, const std::string& dataset) {
  return WithStore(ctx, [&](WorkspaceStore& s) {
    auto r = s.compact(dataset);
    if (!r.ok()) return ctx.fail(r.status());
    if (r->empty()) std::cout << "nothing to compact\n";
    for (const auto& c : *r) {
      std::cout << fmt::format("{}: folded {} files into {}, kept {} rows, dropped {}\n",
                               c.dataset_name, c.files_folded, c.path, c.rows_kept, c.rows_dropped);
    }
    return kExitOk;
  });
}

int Vacuum(Context& ctx) {
  return WithStore(ctx, [&](WorkspaceStore& s) {
    auto r = s.vacuum();
    if (!r.ok()) return ctx.fail(r.status());
    std::cout << fmt::format(
        "store.duckdb: {} before, {} after CHECKPOINT, {} after{}\n", HumanBytes(r->bytes_before),
        HumanBytes(r->bytes_after_checkpoint), HumanBytes(r->bytes_after),
        r->rewritten ? " rewriting into a fresh file" : " (no rewrite needed)");
    return kExitOk;
  });
}

int Check(Context& ctx) {
  return WithStore(ctx, [&](WorkspaceStore& s) {
    auto r = s.check();
    if (!r.ok()) return ctx.fail(r.status());
    for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
    for (const auto& w : r->warnings) std::cout << "warning: " << w << "\n";
    std::cout << fmt::format(
        "checked {} artifacts, {} array files ({} predictions with arrays), {} runs: {}\n",
        r->artifacts_checked, r->array_files_checked, r->predictions_with_arrays, r->runs_checked,
        r->ok() ? "ok" : fmt::format("{} problems", r->problems.size()));
    return r->ok() ? kExitOk : kExitCorruption;
  });
}

int ShowArtifact(Context& ctx, const std::string& id, Format format) {
  return WithStore(ctx, [&](WorkspaceStore& s) {
    auto a = s.get_artifact(id);
    if (!a.ok()) return ctx.fail(a.status());
    Table t{{"field", "value"}, {ColumnKind::kString, ColumnKind::kString}, {}};
    auto add = [&](const char* k, std::string v) {
      t.rows.push_back({std::string(k), std::move(v)});
    };
    add("artifact_id", a->artifact_id);
    add("path", s.path() + "/" + a->artifact_path);
    add("operator_class", a->operator_class);
    add("artifact_type", a->artifact_type);
    add("format", a->format);
    add("size_bytes", std::to_string(a->size_bytes));
    add("ref_count", std::to_string(a->ref_count));
    PrintTable(std::cout, t, format);
    return kExitOk;
  });
}

void AddWorkspaceMaintenance(CLI::App& app, Context& ctx) {
  auto* ws = app.get_subcommand("workspace");
  auto* del = ws->add_subcommand("delete-run", "Delete a run and everything recorded under it");
  auto& run_id = ctx.make<std::string>();
  del->add_option("--run-id", run_id, "Run to delete")->required();
  del->callback([&] { ctx.action = [&] { return DeleteRun(ctx, run_id); }; });

  auto* compact = ws->add_subcommand("compact", "Fold prediction-array part files per dataset");
  auto& dataset = ctx.make<std::string>();
  compact->add_option("--dataset", dataset, "Only this dataset (default: all)");
  compact->callback([&] { ctx.action = [&] { return Compact(ctx, dataset); }; });

  ws->add_subcommand("vacuum", "Reclaim space in store.duckdb")->callback([&] {
    ctx.action = [&] { return Vacuum(ctx); };
  });
  ws->add_subcommand("check", "Verify artifacts, reference counts and arrays (exit 4 on problems)")
      ->callback([&] { ctx.action = [&] { return Check(ctx); }; });
}

void AddArtifacts(CLI::App& app, Context& ctx) {
  auto* art = app.add_subcommand("artifacts", "Content-addressed fitted models and transforms");
  art->require_subcommand(1);
  auto& format = ctx.make<std::string>();
  auto* ls = art->add_subcommand("ls", "List artifacts, newest first");
  auto& limit = ctx.make<int64_t>();
  ls->add_option("--limit", limit, "At most this many (0: all; default 1000)")->default_val(1000);
  AddFormatOption(ls, format);
  ls->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.list_artifacts(limit); });
    };
  });
  auto* show = art->add_subcommand("show", "Show one artifact");
  auto& id = ctx.make<std::string>();
  show->add_option("id", id, "Artifact id")->required();
  AddFormatOption(show, format);
  show->callback([&] {
    ctx.action = [&] {
      auto f = ParseFormat(format);
      return f.ok() ? ShowArtifact(ctx, id, *f) : ctx.fail(f.status());
    };
  });
  art->add_subcommand("verify",
                      "Check every artifact's hash and reference count (exit 4 on problems)")
      ->callback([&] { ctx.action = [&] { return Check(ctx); }; });
  auto* stats = art->add_subcommand("stats", "Count, bytes, references, deduplication savings");
  AddFormatOption(stats, format);
  stats->callback([&] {
    ctx.action = [&] {
      return ctx.print_query(format, [&](WorkspaceStore& s) { return s.artifact_stats(); });
    };
  });
  auto* cleanup = art->add_subcommand("cleanup", "Remove unreferenced artifact and array files");
  auto& grace = ctx.make<std::string>();
  auto& dry = ctx.make<bool>();
  cleanup->add_option("--grace", grace, "Keep files younger than this (default 1h)")
      ->default_val("1h");
  cleanup->add_flag("--dry-run", dry, "List what would be removed, remove nothing");
  cleanup->callback([&] { ctx.action = [&] { return Cleanup(ctx, grace, dry); }; });
}

}  // namespace

void RegisterMaintenanceCommands(CLI::App& app, Context& ctx) {
  AddWorkspaceMaintenance(app, ctx);
  AddArtifacts(app, ctx);
}

}  // namespace n4a::cli
