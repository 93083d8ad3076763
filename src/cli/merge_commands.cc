// `n4a workspace merge|backup|restore` (issue 7): thin wrappers over
// WorkspaceStore::merge_from, backup and restore.
#include <fmt/format.h>

#include <iostream>

#include "cli/context.h"

namespace n4a::cli {
namespace {

using Store = WorkspaceStore;

struct MergeArgs {
  std::string source;
  std::string target;
  std::string on_conflict = "keep-existing";
  std::string dataset;
  bool dry_run = false;
  std::string format = "table";
};

Store::OnConflict ParseOnConflict(const std::string& name) {
  if (name == "overwrite") return Store::OnConflict::kOverwrite;
  if (name == "keep-best") return Store::OnConflict::kKeepBest;
  return Store::OnConflict::kKeepExisting;
}

Table CountsTable(const Store::MergeReport& r) {
  Table t{{"table", "added", "skipped", "replaced"},
          {ColumnKind::kString, ColumnKind::kInt, ColumnKind::kInt, ColumnKind::kInt},
          {}};
  for (const auto& c : r.tables) t.rows.push_back({c.table, c.added, c.skipped, c.replaced});
  return t;
}

void PrintMergeJson(const Store::MergeReport& r, const MergeArgs& a) {
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : r.tables) {
    tables[c.table] = {{"added", c.added}, {"skipped", c.skipped}, {"replaced", c.replaced}};
  }
  nlohmann::json j = {{"source", r.source},
                      {"target", a.target},
                      {"on_conflict", a.on_conflict},
                      {"dataset", a.dataset},
                      {"dry_run", r.dry_run},
                      {"same_workspace", r.same_workspace},
                      {"tables", tables},
                      {"artifact_files_copied", r.artifact_files_copied},
                      {"artifact_files_present", r.artifact_files_present},
                      {"artifact_bytes_copied", r.artifact_bytes_copied},
                      {"array_rows_copied", r.array_rows_copied},
                      {"array_parts_written", r.array_parts_written}};
  std::cout << j.dump(2) << "\n";
}

void PrintMergeSummary(const Store::MergeReport& r, const MergeArgs& a) {
  std::cout << fmt::format("{} {} into {} (on conflict: {}{})\n",
                           r.dry_run ? "would merge" : "merged", r.source, a.target, a.on_conflict,
                           a.dataset.empty() ? "" : ", dataset " + a.dataset);
  PrintTable(std::cout, CountsTable(r), Format::kTable);
  std::cout << fmt::format(
      "artifact files: {} {} ({}), {} already present; arrays: {} rows {}\n",
      r.artifact_files_copied, r.dry_run ? "to copy" : "copied",
      HumanBytes(r.artifact_bytes_copied), r.artifact_files_present, r.array_rows_copied,
      r.dry_run ? "to copy" : fmt::format("in {} new part files", r.array_parts_written));
}

int Merge(Context& ctx, MergeArgs& a) {
  auto format = ParseFormat(a.format);
  if (!format.ok()) return ctx.fail(format.status());
  if (!a.target.empty()) ctx.globals.workspace = a.target;
  a.target = ResolveWorkspacePath(ctx.globals.workspace);
  auto store = ctx.open_store(a.dry_run ? OpenMode::kMustExist : OpenMode::kCreateIfMissing);
  if (!store.ok()) return ctx.fail(store.status());
  Store::MergeOptions options;
  options.on_conflict = ParseOnConflict(a.on_conflict);
  options.dataset_name = a.dataset;
  options.dry_run = a.dry_run ? DryRun::kYes : DryRun::kNo;
  auto report = (*store)->merge_from(a.source, options);
  if (!report.ok()) return ctx.fail(report.status());
  if (*format == Format::kJson) {
    PrintMergeJson(*report, a);
  } else if (report->same_workspace) {
    std::cout << "source and target are the same workspace (" << a.target
              << "): nothing to merge\n";
  } else if (*format == Format::kCsv) {
    PrintTable(std::cout, CountsTable(*report), Format::kCsv);
  } else {
    PrintMergeSummary(*report, a);
  }
  return kExitOk;
}

int Backup(Context& ctx, const std::string& dest, bool incremental) {
  auto store = ctx.open_store(OpenMode::kMustExist);
  if (!store.ok()) return ctx.fail(store.status());
  Store::BackupOptions options;
  options.incremental = incremental ? Store::Incremental::kYes : Store::Incremental::kNo;
  auto r = (*store)->backup(dest, options);
  if (!r.ok()) return ctx.fail(r.status());
  std::cout << fmt::format(
      "backup of {} written to {}: {} files copied ({}), {} hard-linked, {} already there, "
      "{} stale removed; {} in total\n",
      (*store)->path(), r->path, r->files_copied, HumanBytes(r->bytes_copied), r->files_linked,
      r->files_kept, r->files_removed, HumanBytes(r->total_bytes));
  return kExitOk;
}

int Restore(Context& ctx, const std::string& backup, const std::string& target, bool force) {
  StoreOptions options;
  options.lock_timeout_micros = static_cast<int64_t>(ctx.globals.wait_for_lock_seconds * 1e6);
  options.on_lock_wait = [](const std::string& m) { std::cerr << "n4a: " << m << "\n"; };
  auto r = Store::restore(backup, target, force ? Store::Force::kYes : Store::Force::kNo, options);
  if (!r.ok()) return ctx.fail(r.status());
  std::cout << fmt::format(
      "restored {} into {}: {} files ({}); check: {} artifacts, {} array files, ok\n", backup,
      r->path, r->files_copied, HumanBytes(r->bytes_copied), r->check.artifacts_checked,
      r->check.array_files_checked);
  return kExitOk;
}

void AddMerge(CLI::App* ws, Context& ctx) {
  auto& a = ctx.make<MergeArgs>();
  auto* cmd = ws->add_subcommand(
      "merge",
      "Copy runs, pipelines, chains, predictions, arrays and artifacts of another "
      "workspace into this one (ids preserved; merging twice changes nothing)");
  cmd->add_option("--source", a.source, "Workspace to copy from (read, never modified)")
      ->required();
  cmd->add_option("--target", a.target, "Workspace to copy into (default: --workspace)");
  cmd->add_option("--on-conflict", a.on_conflict,
                  "When a row exists in the target: keep-existing, overwrite (rows that differ) "
                  "or keep-best (chains and predictions with the better score)")
      ->check(CLI::IsMember({"keep-existing", "overwrite", "keep-best"}))
      ->default_val("keep-existing");
  cmd->add_option("--dataset", a.dataset, "Only pipelines of this dataset, with what they own");
  cmd->add_flag("--dry-run", a.dry_run, "Report what would be copied, write nothing");
  AddFormatOption(cmd, a.format);
  cmd->callback([&] { ctx.action = [&] { return Merge(ctx, a); }; });
}

void AddBackup(CLI::App* ws, Context& ctx) {
  auto& dest = ctx.make<std::string>();
  auto& incremental = ctx.make<bool>();
  auto* cmd = ws->add_subcommand(
      "backup",
      "Write a consistent snapshot of the workspace to a folder (writers wait meanwhile)");
  cmd->add_option("dest", dest,
                  "Backup folder (empty or absent, or an earlier backup with "
                  "--incremental)")
      ->required();
  cmd->add_flag("--incremental", incremental,
                "Update an earlier backup in DEST: copy only objects it lacks, hard-linking "
                "them when on the same filesystem");
  cmd->callback([&] { ctx.action = [&] { return Backup(ctx, dest, incremental); }; });
}

void AddRestore(CLI::App* ws, Context& ctx) {
  auto& backup = ctx.make<std::string>();
  auto& target = ctx.make<std::string>();
  auto& force = ctx.make<bool>();
  auto* cmd = ws->add_subcommand(
      "restore", "Verify a backup and copy it into a workspace folder, then check the result");
  cmd->add_option("backup", backup, "Backup folder (written by `n4a workspace backup`)")
      ->required();
  cmd->add_option("target", target, "Folder to restore into (must be empty unless --force)")
      ->required();
  cmd->add_flag("--force", force, "Replace the workspace in a non-empty TARGET");
  cmd->callback([&] { ctx.action = [&] { return Restore(ctx, backup, target, force); }; });
}

}  // namespace

void RegisterMergeCommands(CLI::App& app, Context& ctx) {
  auto* ws = app.get_subcommand("workspace");
  AddMerge(ws, ctx);
  AddBackup(ws, ctx);
  AddRestore(ws, ctx);
}

}  // namespace n4a::cli
