// `n4a run CONFIG`: fits, cross-validates and records every variant of a
// pipeline config, then prints the leaderboard (docs/pipeline-config.md).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "cli/context.h"
#include "pipeline/interrupt.h"
#include "pipeline/report.h"
#include "pipeline/runner.h"
#include "pipeline/task_pool.h"

namespace n4a::cli {
namespace {

struct RunArgs {
  std::string config;
  std::string template_name;
  std::string dataset;
  std::string target;
  int jobs = 0;
  std::string name;
  std::string resume;
  bool no_record = false;
  bool quiet = false;
  std::string format = "table";
  int64_t top = 10;  // leaderboard rows; 0: all (run_action refuses negatives)
};

// Redraws one line on stderr, at most ten times a second.
class ProgressBar {
 public:
  void update(const pipeline::Progress& p) {
    std::lock_guard lock(mu_);
    if (p.done < p.total && p.elapsed_seconds - last_ < 0.1) return;
    last_ = p.elapsed_seconds;
    std::cerr << "\r" << pipeline::progress_line(p, 100) << "\033[K" << std::flush;
    drawn_ = true;
  }
  void clear() {
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  std::mutex mu_;
  double last_ = -1;
  bool drawn_ = false;
};

void print_text(const pipeline::RunReport& r, const RunArgs& a) {
  const size_t ranked = r.ranked().size();
  const auto top = static_cast<size_t>(a.top);
  if (!a.quiet) {
    size_t resumed = 0;
    for (const auto& v : r.variants) resumed += v.resumed ? 1 : 0;
    std::cout << fmt::format("Run {}\"{}\" on {}: {} of {} pipelines completed{}{} in {:.1f} s\n\n",
                             r.run_id.empty() ? "" : r.run_id + " ", EscapeControl(r.run_name),
                             EscapeControl(r.dataset_name), ranked, r.variants.size(),
                             resumed ? fmt::format(" ({} by an earlier invocation)", resumed) : "",
                             r.status == pipeline::RunStatus::kInterrupted ? " (interrupted)" : "",
                             static_cast<double>(r.wall_ms) / 1000.0);
  }
  PrintTable(std::cout, pipeline::leaderboard_table(r, top), Format::kTable);
  if (a.quiet) return;
  if (top != 0 && ranked > top) {
    std::cout << fmt::format(
        "({} more{})\n", ranked - top,
        r.run_id.empty() ? ": --top 0 shows all" : ": n4a chains --run " + r.run_id + " --top 0");
  }
  auto failures = r.failures();
  if (!failures.empty()) {
    std::cout << fmt::format("\nFailures ({}):\n", failures.size());
    for (const auto* f : failures) {
      std::cout << "  " << EscapeControl(f->name) << ": " << EscapeControl(f->error) << "\n";
    }
  }
  if (r.retired > 0) {
    std::cout << fmt::format(
        "\n{} unfinished pipeline{} of an earlier attempt retired and run again.\n", r.retired,
        r.retired == 1 ? "" : "s");
  }
  if (r.status == pipeline::RunStatus::kInterrupted) {
    std::cout << "\nInterrupted. Finish it with: n4a run --resume " << r.run_id << "\n";
  }
  if (r.workspace.empty()) {
    std::cout << "\nNothing recorded (--no-record).\n";
  } else {
    std::cout << "\nWorkspace: " << std::filesystem::absolute(r.workspace).string()
              << "  (n4a runs, n4a top, n4a chains --run " << r.run_id << ")\n";
  }
}

// The leaderboard as CSV on stdout; what people need to act on (failures,
// how to resume) on stderr.
void print_csv(const pipeline::RunReport& r, const RunArgs& a) {
  PrintTable(std::cout, pipeline::leaderboard_table(r, static_cast<size_t>(a.top)), Format::kCsv);
  auto failures = r.failures();
  if (!failures.empty()) std::cerr << "n4a: " << failures.size() << " pipelines failed\n";
  if (r.status == pipeline::RunStatus::kInterrupted) {
    std::cerr << "n4a: interrupted; finish it with: n4a run --resume " << r.run_id << "\n";
  }
}

// This process's arguments as the kernel holds them (argv), for provenance.
std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  return args;
}

// The run config of --template NAME on --dataset PATH.
Result<Json> template_config(const RunArgs& a, const Context& ctx) {
  N4A_ASSIGN_OR_RETURN(auto store, ctx.open_store(OpenMode::kMustExist));
  N4A_ASSIGN_OR_RETURN(PipelineTemplate t, store->get_template(a.template_name));
  N4A_TRY(store->close());
  return pipeline::template_run_config(t.config, a.dataset, a.target);
}

// Closes the store of a sweep; its error is the sweep's when the sweep
// failed (what it says first, with the resume hint).
Result<pipeline::RunReport> Closed(WorkspaceStore& store, Result<pipeline::RunReport> report) {
  Status closed = store.close();
  if (!report.ok()) return report;
  N4A_TRY(closed);
  return report;
}

Result<pipeline::RunReport> run(const RunArgs& a, const Context& ctx,
                                pipeline::RunOptions options) {
  if (!a.resume.empty()) {
    N4A_ASSIGN_OR_RETURN(auto store, ctx.open_store(OpenMode::kMustExist));
    N4A_ASSIGN_OR_RETURN(std::string run_id, store->resolve_id(IdKind::kRun, a.resume));
    auto report = pipeline::resume_sweep(*store, run_id, options);
    return Closed(*store, std::move(report));
  }
  Json config;
  if (a.template_name.empty()) {
    N4A_ASSIGN_OR_RETURN(config, pipeline::read_config_file(a.config));
  } else {
    N4A_ASSIGN_OR_RETURN(config, template_config(a, ctx));
    if (options.name.empty()) options.name = a.template_name;
  }
  N4A_ASSIGN_OR_RETURN(
      pipeline::PreparedRun prepared,
      pipeline::prepare_run(config, std::filesystem::path(a.config).parent_path()));
  if (a.no_record) return pipeline::run_sweep(prepared, nullptr, options);
  N4A_ASSIGN_OR_RETURN(auto store, ctx.open_store(OpenMode::kCreateIfMissing));
  auto report = pipeline::run_sweep(prepared, store.get(), options);
  return Closed(*store, std::move(report));
}

int run_action(const RunArgs& a, const Context& ctx) {
  if (a.config.empty() + a.resume.empty() + a.template_name.empty() != 2) {
    return ctx.fail(Status::InvalidArgument(
        "give a CONFIG file, --template NAME or --resume RUN_ID (exactly one)"));
  }
  if (a.template_name.empty() ? !a.dataset.empty() || !a.target.empty() : a.dataset.empty()) {
    return ctx.fail(Status::InvalidArgument(
        "--template NAME goes with --dataset PATH [--target COLUMN], and they only with it"));
  }
  if (a.top < 0) {
    return ctx.fail(Status::InvalidArgument(
        fmt::format("--top {}: give a positive count, or 0 for all", a.top)));
  }
  if (a.no_record && !a.resume.empty()) {
    return ctx.fail(Status::InvalidArgument("--resume records into the run: drop --no-record"));
  }
  pipeline::InterruptGuard guard;
  ProgressBar bar;
  pipeline::RunOptions options;
  options.jobs = a.jobs;
  options.name = a.name;
  options.command_line = command_line();
  options.should_stop = &pipeline::InterruptGuard::interrupted;
  if (!a.quiet && isatty(STDERR_FILENO)) {
    options.on_progress = [&bar](const pipeline::Progress& p) { bar.update(p); };
  }
  auto report = run(a, ctx, options);
  bar.clear();
  if (!report.ok()) return ctx.fail(report.status());
  if (a.format == "json") {
    std::cout << pipeline::report_json(*report).dump(2) << "\n";
  } else if (a.format == "csv") {
    print_csv(*report, a);
  } else {
    print_text(*report, a);
  }
  // 128 + the signal, as shells report it: 130 for Ctrl-C, 143 for SIGTERM.
  if (report->status == pipeline::RunStatus::kInterrupted)
    return 128 + pipeline::InterruptGuard::signal_number();
  if (report->ranked().empty() && !report->variants.empty()) return kExitFailure;
  return kExitOk;
}

}  // namespace

void RegisterRunCommands(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "run", "Fit, cross-validate and record every variant of a pipeline config");
  auto& a = ctx.make<RunArgs>();
  cmd->add_option("config", a.config, "Pipeline config (JSON, see docs/pipeline-config.md)");
  cmd->add_option("-w,--workspace", ctx.globals.workspace, "Workspace folder");
  cmd->add_option("-j,--jobs", a.jobs,
                  fmt::format("Threads (default: all cores; at most {})", pipeline::kMaxThreads))
      ->check(CLI::Range(0, pipeline::kMaxThreads));
  cmd->add_option("--name", a.name, "Run name (default: the config's name)");
  cmd->add_option("--template", a.template_name,
                  "Run a saved template (n4a template list) instead of a CONFIG file");
  cmd->add_option("--dataset", a.dataset, "With --template: the CSV file to run it on");
  cmd->add_option("--target", a.target,
                  "With --template: the target column (default: the template's)");
  cmd->add_option("--resume", a.resume,
                  "Finish an interrupted run (its id, or a unique prefix of it)");
  cmd->add_flag("--no-record", a.no_record, "Fit and score, but write nothing");
  cmd->add_flag("-q,--quiet", a.quiet, "Print only the leaderboard");
  cmd->add_option("--top", a.top,
                  "Leaderboard rows to print in table and csv (0: all; default 10)");
  cmd->add_option("--format", a.format,
                  "Output format: table (for people), json (the whole report) or csv (the "
                  "leaderboard)")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->default_val("table");
  cmd->callback([&] { ctx.action = [&] { return run_action(a, ctx); }; });
}

}  // namespace n4a::cli
