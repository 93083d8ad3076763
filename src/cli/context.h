// What every `n4a` subcommand shares: the global options, opening the
// workspace, printing results and turning a Status into an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/output.h"
#include "n4a/workspace_store.h"

namespace n4a::cli {

// Exit statuses (DESIGN.md "Errors").
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLockTimeout = 3;
constexpr int kExitCorruption = 4;

struct GlobalOptions {
  std::string workspace;
  double wait_for_lock_seconds = 60;
  bool quiet = false;
};

class Context {
 public:
  GlobalOptions globals;
  // The action chosen by the parsed subcommand; returns an exit status.
  std::function<int()> action;

  // A value that lives as long as the Context, for options to bind to.
  template <typename T>
  T& make() {
    auto ptr = std::make_shared<T>();
    owned_.push_back(ptr);
    return *ptr;
  }

  // Opens the resolved workspace; `mode` says whether to create it.
  Result<std::unique_ptr<WorkspaceStore>> open_store(OpenMode mode) const;
  // Prints "n4a: error: ..." and returns the exit status of `status`.
  int fail(const Status& status) const;
  // Runs `fn` on an existing workspace and prints its table.
  int print_query(const std::string& format_name,
                  const std::function<Result<Table>(WorkspaceStore&)>& fn) const;

 private:
  std::vector<std::shared_ptr<void>> owned_;
};

// An id that the user typed, of a run, pipeline or chain.
struct IdArg {
  IdKind kind;
  std::string* id;
};

// Replaces each non-empty id by the full id that it is or is a unique
// prefix of (WorkspaceStore::resolve_id); its error otherwise.
Status ResolveIds(WorkspaceStore& store, std::initializer_list<IdArg> ids);

// Accepts a number of seconds from 0 to kMaxSeconds (finite: "nan", "inf"
// and negative numbers are refused), for options such as --wait-for-lock.
constexpr double kMaxSeconds = 1e9;
CLI::Validator SecondsValidator();

// Adds `--format` to `cmd`, bound to `format` (default "table").
void AddFormatOption(CLI::App* cmd, std::string& format);

// Each registers one group of subcommands on `app`.
void RegisterWorkspaceCommands(CLI::App& app, Context& ctx);
void RegisterQueryCommands(CLI::App& app, Context& ctx);
void RegisterRunCommands(CLI::App& app, Context& ctx);
void RegisterMaintenanceCommands(CLI::App& app, Context& ctx);
void RegisterReplayCommands(CLI::App& app, Context& ctx);
void RegisterLibraryCommands(CLI::App& app, Context& ctx);
void RegisterMergeCommands(CLI::App& app, Context& ctx);

}  // namespace n4a::cli
