// Preparing a run: everything checked and loaded before any work or record.
//
// prepare_run() parses the config, loads the dataset (checking the target
// column), splits off the test partition, computes the CV folds on the train
// partition, expands and validates every variant, and checks each against
// the data (variant_check.h: the feature and row counts that reach each step,
// the metric's task against the model). Every problem of the
// config or the data is InvalidArgument naming its JSON path, so that
// `n4a run` exits 2 having recorded nothing. Plain value types.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "ml/dataset.h"
#include "ml/metrics.h"
#include "ml/splitters.h"
#include "n4a/records.h"
#include "pipeline/config.h"
#include "pipeline/variant.h"

namespace n4a::pipeline {

// The rows of one partition and where they come from.
struct Partition {
  ml::Dataset data;                  // y has exactly one column
  std::vector<int64_t> source_rows;  // 0-based row of each sample in its file
};

struct PreparedData {
  Partition train;
  std::optional<Partition> test;
  std::vector<ml::Fold> folds;  // indices into train
  std::string dataset_name;
  std::string dataset_hash;  // content hash of the dataset file as loaded
  Json datasets;             // what runs.datasets records
};

struct PreparedRun {
  RunConfig config;
  PreparedData data;
  std::vector<Variant> variants;
  ml::TaskType task = ml::TaskType::kRegression;
  ml::MetricInfo metric;
};

// See the file comment. `config_dir` resolves relative dataset paths (after
// the current directory).
Result<PreparedRun> prepare_run(const Json& config, const std::filesystem::path& config_dir);

// Templates (n4a/templates.h) hold run configs. These turn one into a run
// on new data, or make one from a file or a recorded pipeline.

// The config of a file to save as a template: checked as for a run (keys,
// CV, metric, every variant's steps; the dataset file must exist) and
// returned with resolved paths. InvalidArgument naming the JSON path.
Result<Json> check_template_config(const Json& config, const std::filesystem::path& config_dir);

// The config of recorded `pipeline` as a template: its run's config with
// "pipeline" replaced by the pipeline's expanded steps (one variant, no
// generators). InvalidArgument when those steps are not a valid pipeline.
Result<Json> pipeline_template_config(const RunRecord& run, const PipelineRecord& pipeline);

// A template's config run on other data: "dataset" becomes {"path":
// `dataset_path`, "target": `target`} (`target` empty: the template's own
// target). The template's test partition is dropped, as it named rows or a
// file of the old data. InvalidArgument without a target.
Result<Json> template_run_config(const Json& template_config, const std::string& dataset_path,
                                 const std::string& target);

// Parses 1-based inclusive row ranges "51-60" / "1-5,9" of a file with `n`
// rows into sorted 0-based indices. InvalidArgument naming `path`.
Result<std::vector<int64_t>> parse_row_ranges(const std::string& text, int64_t n,
                                              const std::string& path);

}  // namespace n4a::pipeline
