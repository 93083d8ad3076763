// `n4a workspace ...`: create and describe workspaces.
#include <fmt/format.h>

#include <iostream>

#include "cli/context.h"

namespace n4a::cli {
namespace {

int Init(Context& ctx, const std::string& path) {
  if (!path.empty()) ctx.globals.workspace = path;
  auto store = ctx.open_store(OpenMode::kCreateIfMissing);
  if (!store.ok()) return ctx.fail(store.status());
  std::cout << "workspace ready at " << (*store)->path() << "\n";
  return kExitOk;
}

// The info as one row: path, schema_version, the byte sizes, then the row
// count of each table by its name.
Table InfoRow(const WorkspaceInfo& info) {
  Table t{
      {"path", "schema_version", "catalog_bytes", "artifact_bytes", "array_bytes"},
      {ColumnKind::kString, ColumnKind::kInt, ColumnKind::kInt, ColumnKind::kInt, ColumnKind::kInt},
      {}};
  auto& row = t.rows.emplace_back();
  row = {info.path, info.schema_version, static_cast<int64_t>(info.catalog_bytes),
         static_cast<int64_t>(info.artifact_bytes), static_cast<int64_t>(info.array_bytes)};
  for (const auto& count : info.table_counts.rows) {
    t.columns.push_back(std::get<std::string>(count[0]));
    t.kinds.push_back(ColumnKind::kInt);
    row.push_back(count[1]);
  }
  return t;
}

int Info(Context& ctx, const std::string& format_name) {
  auto format = ParseFormat(format_name);
  if (!format.ok()) return ctx.fail(format.status());
  auto store = ctx.open_store(OpenMode::kMustExist);
  if (!store.ok()) return ctx.fail(store.status());
  auto info = (*store)->info();
  if (!info.ok()) return ctx.fail(info.status());
  if (*format == Format::kJson) {
    nlohmann::json j = {{"path", info->path},
                        {"schema_version", info->schema_version},
                        {"catalog_bytes", info->catalog_bytes},
                        {"artifact_bytes", info->artifact_bytes},
                        {"array_bytes", info->array_bytes}};
    for (const auto& row : info->table_counts.rows) {
      j["counts"][std::get<std::string>(row[0])] = std::get<int64_t>(row[1]);
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  if (*format == Format::kCsv) {
    PrintTable(std::cout, InfoRow(*info), Format::kCsv);
    return kExitOk;
  }
  std::cout << "workspace:       " << info->path << "\n"
            << "schema version:  " << info->schema_version << "\n"
            << "catalog:         " << HumanBytes(info->catalog_bytes) << " (store.duckdb)\n"
            << "artifacts:       " << HumanBytes(info->artifact_bytes) << "\n"
            << "arrays:          " << HumanBytes(info->array_bytes) << "\n\n";
  PrintTable(std::cout, info->table_counts, *format);
  return kExitOk;
}

}  // namespace

void RegisterWorkspaceCommands(CLI::App& app, Context& ctx) {
  auto* ws = app.add_subcommand("workspace", "Create, inspect and maintain a workspace");
  ws->require_subcommand(1);

  auto* init = ws->add_subcommand("init", "Create a workspace (or check an existing one)");
  auto& init_path = ctx.make<std::string>();
  init->add_option("path", init_path, "Folder of the workspace (default: resolved workspace)");
  init->callback([&] { ctx.action = [&] { return Init(ctx, init_path); }; });

  auto* info = ws->add_subcommand("info", "Path, schema version, sizes and row counts");
  auto& info_format = ctx.make<std::string>();
  AddFormatOption(info, info_format);
  info->callback([&] { ctx.action = [&] { return Info(ctx, info_format); }; });
}

}  // namespace n4a::cli
