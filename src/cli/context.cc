#include "cli/context.h"

#include <cmath>
#include <cstdlib>
#include <iostream>

namespace n4a::cli {

Result<std::unique_ptr<WorkspaceStore>> Context::open_store(OpenMode mode) const {
  StoreOptions options;
  options.mode = mode;
  options.lock_timeout_micros = static_cast<int64_t>(globals.wait_for_lock_seconds * 1e6);
  options.on_lock_wait = [](const std::string& message) {
    std::cerr << "n4a: " << message << "\n";
  };
  return WorkspaceStore::open(ResolveWorkspacePath(globals.workspace), options);
}

int Context::fail(const Status& status) const {
  std::cerr << "n4a: error: " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kLockTimeout: return kExitLockTimeout;
    case StatusCode::kCorruption: return kExitCorruption;
    default: return kExitFailure;
  }
}

int Context::print_query(const std::string& format_name,
                         const std::function<Result<Table>(WorkspaceStore&)>& fn) const {
  auto format = ParseFormat(format_name);
  if (!format.ok()) return fail(format.status());
  auto store = open_store(OpenMode::kMustExist);
  if (!store.ok()) return fail(store.status());
  auto table = fn(**store);
  if (!table.ok()) return fail(table.status());
  PrintTable(std::cout, *table, *format);
  return kExitOk;
}

Status ResolveIds(WorkspaceStore& store, std::initializer_list<IdArg> ids) {
  for (const IdArg& arg : ids) {
    if (arg.id->empty()) continue;
    N4A_ASSIGN_OR_RETURN(*arg.id, store.resolve_id(arg.kind, *arg.id));
  }
  return Status::Ok();
}

CLI::Validator SecondsValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        double v = std::strtod(text.c_str(), &end);
        bool ok = !text.empty() && *end == '\0' && std::isfinite(v) && v >= 0 && v <= kMaxSeconds;
        return ok ? "" : "'" + text + "' is not a number of seconds from 0 to 1e9";
      },
      "SECONDS");
}

void AddFormatOption(CLI::App* cmd, std::string& format) {
  cmd->add_option("--format", format, "Output format: table (for people), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_val("table");
}

}  // namespace n4a::cli
