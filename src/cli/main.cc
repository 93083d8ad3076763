// n4a: the command line. It parses, calls the library, and prints.
#include <iostream>

#include "cli/context.h"

int main(int argc, char** argv) {
  using namespace n4a::cli;
  CLI::App app{
      "n4a: the durable memory of machine-learning experiments.\n"
      "A workspace records runs, pipelines, chains, predictions and artifacts.\n"
      "Workspace: --workspace DIR, else $NIRS4ALL_WORKSPACE, else ./workspace.\n"
      "Run, pipeline and chain ids: the whole id or a unique prefix (4+ characters).",
      "n4a"};
  app.set_version_flag("--version", "n4a " N4A_VERSION);
  app.require_subcommand(1);
  Context ctx;
  app.add_option("-w,--workspace", ctx.globals.workspace, "Workspace folder");
  app.add_option("--wait-for-lock", ctx.globals.wait_for_lock_seconds,
                 "Seconds to wait for another process holding the workspace (default 60)")
      ->check(SecondsValidator());
  RegisterWorkspaceCommands(app, ctx);
  RegisterQueryCommands(app, ctx);
  RegisterRunCommands(app, ctx);
  RegisterMaintenanceCommands(app, ctx);
  RegisterReplayCommands(app, ctx);
  RegisterLibraryCommands(app, ctx);
  RegisterMergeCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.action ? ctx.action() : kExitUsage;
}
