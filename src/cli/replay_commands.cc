// Replay and export commands: `n4a predict` and `n4a export chain|script|
// config|run|predictions`.
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/context.h"
#include "n4a/replay.h"
#include "util/atomic_file.h"

namespace n4a::cli {
namespace {

struct PredictArgs {
  std::string chain_id;
  std::string model_path;
  std::string data_path;
  std::string output;
  std::string fold;
  CsvColumns columns;
  std::string format;
};

Table PredictionTable(const CsvPrediction& p) {
  Table t;
  t.columns = {"sample_id"};
  t.kinds = {ColumnKind::kString};
  const auto targets = p.predictions.cols();
  for (Eigen::Index k = 0; k < targets; ++k) {
    t.columns.push_back(targets == 1 ? "prediction" : fmt::format("prediction_{}", k));
    t.kinds.push_back(ColumnKind::kDouble);
  }
  if (!p.y_true.empty()) {
    t.columns.push_back("y_true");
    t.kinds.push_back(ColumnKind::kDouble);
  }
  for (Eigen::Index i = 0; i < p.predictions.rows(); ++i) {
    auto& row = t.rows.emplace_back();
    row.emplace_back(p.sample_ids[static_cast<size_t>(i)]);
    for (Eigen::Index k = 0; k < targets; ++k) row.emplace_back(p.predictions(i, k));
    if (!p.y_true.empty()) row.emplace_back(p.y_true[static_cast<size_t>(i)]);
  }
  return t;
}

std::string MetricsLine(const CsvPrediction& p) {
  std::string line;
  for (const auto& [name, value] : p.metrics) {
    line += fmt::format("{}{} {:.6g}", line.empty() ? "" : "  ", name, value);
  }
  return line;
}

// Prints (or writes to --output) the predictions, then the metrics.
int Report(Context& ctx, const PredictArgs& a, const CsvPrediction& p) {
  auto format = ParseFormat(a.format);
  if (!format.ok()) return ctx.fail(format.status());
  const std::string folds = fmt::format("{}", fmt::join(p.folds, ", "));
  if (!a.output.empty()) {
    std::ostringstream csv;
    PrintTable(csv, PredictionTable(p), Format::kCsv);
    Status s = WriteFileAtomic(Env::Default(), a.output, csv.str());
    if (!s.ok()) return ctx.fail(s);
    std::cout << fmt::format("wrote {} predictions to {} (folds: {})\n", p.predictions.rows(),
                             a.output, folds);
    if (!p.metrics.empty()) std::cout << "metrics: " << MetricsLine(p) << "\n";
    return kExitOk;
  }
  PrintTable(std::cout, PredictionTable(p), *format);
  if (!p.metrics.empty()) {
    // Keep machine-readable stdout clean: metrics go to stderr then.
    std::ostream& out = *format == Format::kTable ? std::cout : std::cerr;
    out << fmt::format("metrics ({} samples, folds: {}): {}\n", p.y_true.size(), folds,
                       MetricsLine(p));
  }
  return kExitOk;
}

int Predict(Context& ctx, const PredictArgs& a) {
  auto options = parse_fold_choice(a.fold);
  if (!options.ok()) return ctx.fail(options.status());
  Result<CsvPrediction> p = Status::Internal("no source");
  if (!a.model_path.empty()) {
    auto bundle = Bundle::open(a.model_path);
    if (!bundle.ok()) return ctx.fail(bundle.status());
    p = (*bundle)->predict_csv(a.data_path, *options, a.columns);
  } else {
    auto store = ctx.open_store(OpenMode::kMustExist);
    if (!store.ok()) return ctx.fail(store.status());
    std::string chain_id = a.chain_id;
    if (Status s = ResolveIds(**store, {{IdKind::kChain, &chain_id}}); !s.ok()) return ctx.fail(s);
    p = predict_csv(**store, chain_id, a.data_path, *options, a.columns);
  }
  if (!p.ok()) return ctx.fail(p.status());
  return Report(ctx, a, *p);
}

void AddPredict(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "predict", "Predict spectra from a CSV file with a stored chain or a .n4a bundle");
  auto& a = ctx.make<PredictArgs>();
  auto* chain = cmd->add_option("--chain", a.chain_id, "Chain id in the workspace");
  auto* model =
      cmd->add_option("--model", a.model_path, "A .n4a bundle (n4a export chain); no workspace");
  chain->excludes(model);
  cmd->add_option("data", a.data_path,
                  "CSV of spectra: a header row, the training feature columns (any order), "
                  "optionally the target and sample-id columns")
      ->required();
  cmd->add_option("-o,--output", a.output,
                  "Write the predictions to this CSV file (sample_id,prediction[,y_true])");
  cmd->add_option("--fold", a.fold,
                  "auto (fold_final, else the CV fold average), average, or a fold id "
                  "(fold_0, fold_final)")
      ->default_val("auto");
  cmd->add_option("--target", a.columns.target,
                  "Target column (default: the training target, used when present)");
  cmd->add_option("--id-column", a.columns.id_column,
                  "Sample-id column (default: the training id column, used when present)");
  AddFormatOption(cmd, a.format);
  cmd->callback([&ctx, &a, chain, model] {
    ctx.action = [&ctx, &a, chain, model] {
      if (chain->count() == 0 && model->count() == 0) {
        return ctx.fail(Status::InvalidArgument("predict needs --chain ID or --model FILE"));
      }
      return Predict(ctx, a);
    };
  });
}

// Runs an export that returns the path written.
int Export(Context& ctx, const std::function<Result<std::string>(WorkspaceStore&)>& fn) {
  auto store = ctx.open_store(OpenMode::kMustExist);
  if (!store.ok()) return ctx.fail(store.status());
  auto path = fn(**store);
  if (!path.ok()) return ctx.fail(path.status());
  std::cout << "wrote " << *path << "\n";
  return kExitOk;
}

using ExportFn = Result<std::string> (*)(WorkspaceStore&, const std::string&, const std::string&);

// `n4a export NAME ID PATH`: `fn` on the full id of the record of `kind`
// that ID names.
void AddIdExport(CLI::App& parent, Context& ctx, const std::string& name, const std::string& help,
                 IdKind kind, const std::string& id_help, const std::string& path_help,
                 ExportFn fn) {
  auto* cmd = parent.add_subcommand(name, help);
  auto& id = ctx.make<std::string>();
  auto& path = ctx.make<std::string>();
  cmd->add_option("id", id, id_help)->required();
  cmd->add_option("path", path, path_help + " (a bare file name goes into <workspace>/exports/)")
      ->required();
  cmd->callback([&ctx, &id, &path, kind, fn] {
    ctx.action = [&ctx, &id, &path, kind, fn] {
      return Export(ctx, [&](WorkspaceStore& s) -> Result<std::string> {
        N4A_TRY(ResolveIds(s, {{kind, &id}}));
        return fn(s, id, path);
      });
    };
  });
}

void AddExportPredictions(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("predictions", "Predictions (and their arrays) as Parquet");
  auto& path = ctx.make<std::string>();
  auto& f = ctx.make<PredictionFilter>();
  auto& with_arrays = ctx.make<bool>();
  cmd->add_option("path", path,
                  "Parquet file to write (a bare file name goes into <workspace>/exports/)")
      ->required();
  cmd->add_option("--dataset", f.dataset_name, "Only predictions on this dataset");
  cmd->add_option("--partition", f.partition, "Only this partition: train, val or test");
  cmd->add_flag("--with-arrays", with_arrays, "Add y_true, y_pred, ... (docs/formats/arrays.md)");
  cmd->callback([&] {
    ctx.action = [&] {
      auto store = ctx.open_store(OpenMode::kMustExist);
      if (!store.ok()) return ctx.fail(store.status());
      auto r = export_predictions(
          **store, path, f,
          with_arrays ? WorkspaceStore::WithArrays::kYes : WorkspaceStore::WithArrays::kNo);
      if (!r.ok()) return ctx.fail(r.status());
      std::cout << fmt::format("wrote {} predictions to {}\n", r->second, r->first);
      return kExitOk;
    };
  });
}

void AddExport(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("export", "Export chains, configs, runs and predictions");
  cmd->require_subcommand(1);
  AddIdExport(*cmd, ctx, "chain", "A chain as a self-contained .n4a bundle (n4a predict --model)",
              IdKind::kChain, "Chain id", "Bundle file, e.g. model.n4a", &export_chain);
  AddIdExport(*cmd, ctx, "script", "A chain as one Python file that needs only NumPy",
              IdKind::kChain, "Chain id", "Python file, e.g. model.n4a.py", &export_script);
  AddIdExport(*cmd, ctx, "config", "A pipeline's expanded config, runnable with n4a run",
              IdKind::kPipeline, "Pipeline id", "JSON file, e.g. config.json", &export_config);
  AddIdExport(*cmd, ctx, "run", "A run with its pipelines, chains and scores as YAML", IdKind::kRun,
              "Run id", "YAML file, e.g. run.yaml", &export_run);
  AddExportPredictions(*cmd, ctx);
}

}  // namespace

void RegisterReplayCommands(CLI::App& app, Context& ctx) {
  AddPredict(app, ctx);
  AddExport(app, ctx);
}

}  // namespace n4a::cli
