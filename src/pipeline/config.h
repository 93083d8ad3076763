// Pipeline run configs: the JSON a user writes for `n4a run`, parsed and
// checked for shape (docs/pipeline-config.md).
//
// parse_run_config() checks everything that can be checked without data:
// keys, types, the CV type, the metric, the test partition spec, and that the
// dataset files exist. Every error is InvalidArgument and starts with the
// JSON path of the problem, e.g. `cv.n_splits: expected an integer, got "5"`.
// The generators of `pipeline` are expanded by generators.h; the data checks
// (target column, row ranges) are done by prepare.h. Plain value types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"

namespace n4a::pipeline {

enum class TestKind {
  kNone,      // no test partition: every row is train
  kRows,      // 1-based row ranges of the dataset file ("51-60", "1-5,9")
  kFile,      // a separate CSV with the same columns
  kFraction,  // a seeded random fraction of the rows
};

struct TestSpec {
  TestKind kind = TestKind::kNone;
  std::string rows;     // kRows: as written
  std::string path;     // kFile: resolved path
  double fraction = 0;  // kFraction: in (0, 1)
  uint64_t seed = 0;    // kFraction
};

struct DatasetSpec {
  std::string name;  // "name" key, else the file stem
  std::string path;  // resolved (absolute) path
  std::string target;
  std::string id_column;
  TestSpec test;
};

struct CvSpec {
  std::string type;      // kfold, shuffle_split, loo (as the user wrote it)
  std::string splitter;  // ml::make_folds name: KFold, ShuffleSplit, LeaveOneOut
  Json params;           // ml::make_folds params
};

struct RunConfig {
  std::string name;
  DatasetSpec dataset;
  CvSpec cv;
  Json pipeline;  // the step list, generators unexpanded
  std::string metric;
  bool refit = true;
  // The config as given, with dataset paths replaced by resolved absolute
  // paths: what runs.config stores, and what --resume parses again.
  Json resolved;
};

// Parses a config file strictly (util/strict_json.h): InvalidArgument
// "<file>: ..." with the line and column for malformed JSON, or naming the
// JSON path of a duplicate key or of nesting deeper than 64 levels;
// NotFound / IOError for an unreadable file.
Result<Json> read_config_file(const std::string& path);

// Checks and parses `config`. Relative dataset paths are looked up in the
// current directory first, then in `config_dir` (the config file's folder).
Result<RunConfig> parse_run_config(const Json& config, const std::filesystem::path& config_dir);

// InvalidArgument "<path>: <message>" (the one error style of this layer).
Status config_error(const std::string& path, const std::string& message);

}  // namespace n4a::pipeline
