// Replay and export of recorded chains (DESIGN.md "replay" layer).
//
// A chain (docs/formats/chain.md) is the unit of replay and of export: its
// steps, fitted once per CV fold and once on the whole train partition
// (fold_final). This header predicts new spectra with a chain, in the
// workspace (replay_chain) or from a self-contained `.n4a` bundle (Bundle,
// docs/formats/bundle.md), and writes the exports: bundles, portable Python
// scripts, pipeline configs, run reports and prediction tables.
//
// Exports go to the path given; a bare file name (no folder part) goes into
// the workspace's exports/ folder. Files are published atomically. Nothing
// here writes to the catalog.
//
// Errors: NotFound for unknown ids, InvalidArgument for data that does not
// fit the chain (the message names both sides), Corruption for a damaged
// bundle or artifact, IOError for files. Never throws.
//
// Thread-safety: the functions taking a WorkspaceStore are as thread-safe as
// the store; a Bundle is immutable after open and its const methods may be
// called from several threads.
#pragma once

#include <Eigen/Dense>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"
#include "n4a/workspace_store.h"

namespace n4a {

// Spectra, one sample per row (the same type as the ml layer's Matrix).
using Spectra = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Which fitted models of a chain predict.
enum class FoldChoice {
  kAuto,     // fold_final when the chain has it, else the average of the CV folds
  kAverage,  // the mean of the CV folds' predictions, each fold with its own transforms
  kOne,      // the fold named in ReplayOptions::fold_id ("fold_2", "fold_final")
};

struct ReplayOptions {
  FoldChoice choice = FoldChoice::kAuto;
  std::string fold_id;  // for kOne
};

// Parses "auto", "average" or a fold id ("fold_0", "fold_final") into options.
// InvalidArgument for anything else.
Result<ReplayOptions> parse_fold_choice(const std::string& text);

// The columns a chain was trained on; new data must have the same features.
struct FeatureSpec {
  int64_t count = 0;
  std::vector<std::string> headers;  // one per feature (wavelengths); empty when unknown
  std::string target;                // the training target column
  std::string id_column;             // the training sample-id column, or empty
};

struct ReplayResult {
  Spectra predictions;             // n x targets
  std::vector<std::string> folds;  // the folds that predicted (averaged when more than one)
};

// Predicts `x` (n x FeatureSpec::count) with the stored chain: each step's
// fitted artifact (verified by hash) applied in order, for the folds chosen
// by `options`. InvalidArgument when x has the wrong number of columns or the
// choice does not exist (or averages class labels); NotFound for an unknown
// chain; Corruption for a damaged artifact.
Result<ReplayResult> replay_chain(WorkspaceStore& store, const std::string& chain_id,
                                  const Spectra& x, const ReplayOptions& options = {});

// What the chain was trained on: the feature count and headers (from the
// chain's first step, or for chains recorded without them from the training
// file named in runs.datasets when its content hash still matches; else the
// headers stay empty), the target and id columns of the run's dataset.
Result<FeatureSpec> chain_features(WorkspaceStore& store, const std::string& chain_id);

// Column names that override the FeatureSpec's when reading a CSV to predict.
struct CsvColumns {
  std::string target;     // empty: FeatureSpec::target (used when present in the file)
  std::string id_column;  // empty: FeatureSpec::id_column (used when present in the file)
};

// Predictions for a CSV file (ml dataset rules: header row, ',' or ';').
struct CsvPrediction {
  std::vector<std::string> sample_ids;  // the id column, else 1-based data row numbers
  bool has_ids = false;
  Spectra predictions;                    // n x targets
  std::vector<double> y_true;             // the target column when the file has it, else empty
  std::map<std::string, double> metrics;  // every metric of the task when y_true is there
  std::vector<std::string> folds;
};

// Reads `csv_path`, checks its feature columns against what the chain was
// trained on (count and headers; columns are matched by header, so their
// order may differ), and predicts. InvalidArgument naming both column sets on
// a mismatch.
Result<CsvPrediction> predict_csv(WorkspaceStore& store, const std::string& chain_id,
                                  const std::string& csv_path, const ReplayOptions& options = {},
                                  const CsvColumns& columns = {});

// --- Bundles (.n4a): a ZIP archive with manifest.json, chain.json and
// artifacts/<sha256>.<ext>; docs/formats/bundle.md.
constexpr int kBundleFormatVersion = 1;

// Writes the chain with every fold's artifacts as a bundle at `path` (see the
// file comment for bare names). Returns the path written.
Result<std::string> export_chain(WorkspaceStore& store, const std::string& chain_id,
                                 const std::string& path);

// A bundle read into memory: every artifact's hash verified, every operator
// decoded. Needs no workspace.
class Bundle {
 public:
  // Reads the file at `path`. IOError when it cannot be read; Corruption for
  // a file that is not a valid bundle of a supported version (not a ZIP,
  // truncated, an entry path escaping the archive, a missing or altered
  // artifact, a newer format version).
  static Result<std::unique_ptr<Bundle>> open(const std::string& path);
  // The same from the bytes of a bundle.
  static Result<std::unique_ptr<Bundle>> parse(std::string_view bytes);
  ~Bundle();
  Bundle(const Bundle&) = delete;
  Bundle& operator=(const Bundle&) = delete;

  const Json& manifest() const;
  const FeatureSpec& features() const;

  // As replay_chain, bit for bit, for the chain in the bundle.
  Result<ReplayResult> predict(const Spectra& x, const ReplayOptions& options = {}) const;
  // As predict_csv, for the chain in the bundle.
  Result<CsvPrediction> predict_csv(const std::string& csv_path, const ReplayOptions& options = {},
                                    const CsvColumns& columns = {}) const;

 private:
  struct Impl;
  explicit Bundle(std::unique_ptr<Impl> impl);
  static Result<std::unique_ptr<Bundle>> parse_checked(std::string_view bytes);
  std::unique_ptr<Impl> impl_;
};

// --- Other exports. Each returns the path written.

// One self-contained Python file that needs only NumPy: the chain's fitted
// operators embedded (base64), a predict(X) function, and a command line
// `python3 FILE data.csv` printing one prediction per line (or
// `sample_id,prediction` when the file has ids). Predicts what replay_chain
// with FoldChoice::kAuto predicts. NotSupported naming the operator when a
// step has no NumPy implementation.
Result<std::string> export_script(WorkspaceStore& store, const std::string& chain_id,
                                  const std::string& path);

// The pipeline's run config with its expanded steps (no generators) and the
// absolute dataset paths: a JSON file that `n4a run` runs again.
Result<std::string> export_config(WorkspaceStore& store, const std::string& pipeline_id,
                                  const std::string& path);

// The run, its pipelines and its chains with their scores, as YAML.
Result<std::string> export_run(WorkspaceStore& store, const std::string& run_id,
                               const std::string& path);

// The predictions matching `filter` as Parquet (WorkspaceStore::
// export_predictions_parquet). Returns the path and the row count.
Result<std::pair<std::string, int64_t>> export_predictions(WorkspaceStore& store,
                                                           const std::string& path,
                                                           const PredictionFilter& filter,
                                                           WorkspaceStore::WithArrays with_arrays);

// Where an export named `path` goes: `path` itself when it has a folder
// part, else <workspace>/exports/<path> (the folder is created).
Result<std::string> resolve_export_path(WorkspaceStore& store, const std::string& path);

}  // namespace n4a
