// Datasets: spectra (X), targets (y) and their headers, loaded from CSV.
//
// CSV layout: a header row; the target column(s) named in CsvOptions; an
// optional sample-id column; every other column is a numeric feature. Numeric
// feature headers are wavelengths (kept in `wavelengths`, NaN for others).
// Fields may be double-quoted; ',' or ';' separate them (detected from the
// header line unless given). A leading UTF-8 byte-order mark is skipped (it
// is not part of the first header). Every error is InvalidArgument (IOError for an
// unreadable file) and names the file, the 1-based line and the column.
//
// Content hash (provenance): lowercase hex SHA-256 of the canonical bytes
//   "n4a.dataset.v1\n", u64 n_samples, u64 n_features, u64 n_targets,
//   each feature header, each target name, u8 has_ids then each id (every
//   string as u32 length + UTF-8 bytes), X row-major, y row-major (doubles),
// all little-endian. It covers parsed values and headers, not the file's
// formatting or path. Datasets are values; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ml/matrix.h"
#include "n4a/status.h"

namespace n4a::ml {

struct CsvOptions {
  // Target column names; empty for a dataset without targets (prediction).
  std::vector<std::string> targets;
  // Name of the sample-id column (kept as strings); empty for none.
  std::string id_column;
  // ',' or ';'; 0 detects it from the header line.
  char separator = 0;
};

struct Dataset {
  Matrix x;                                // n x p features
  Matrix y;                                // n x t targets (t may be 0)
  std::vector<std::string> target_names;   // t names
  std::vector<std::string> feature_names;  // p headers
  std::vector<double> wavelengths;         // p values, NaN where not numeric
  std::vector<std::string> sample_ids;     // n ids, or empty
  std::string content_hash;                // see the file comment
  std::string source;                      // file path or label

  Eigen::Index n_samples() const { return x.rows(); }
  Eigen::Index n_features() const { return x.cols(); }
  bool has_targets() const { return y.cols() > 0; }
};

// Reads and parses the CSV file at `path`.
Result<Dataset> load_csv(const std::string& path, const CsvOptions& options);

// Parses CSV `text`; `source` names it in errors and in Dataset::source.
Result<Dataset> parse_csv(std::string_view text, const CsvOptions& options,
                          std::string_view source);

// The rows `rows` (0-based, in that order, repeats allowed) of `data`, with
// its own content hash. InvalidArgument for an index out of range.
Result<Dataset> select_rows(const Dataset& data, const std::vector<Eigen::Index>& rows);

// Rows [begin, end) of `data` (e.g. a train/test split by position).
Result<Dataset> slice_rows(const Dataset& data, Eigen::Index begin, Eigen::Index end);

// The content hash of `data` (recomputed from its fields).
std::string dataset_content_hash(const Dataset& data);

}  // namespace n4a::ml
