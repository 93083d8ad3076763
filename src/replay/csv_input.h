// Reading a CSV of spectra to predict with a chain: the columns are checked
// against what the chain was trained on and put in its order.
#pragma once

#include <string>
#include <vector>

#include "ml/matrix.h"
#include "n4a/replay.h"

namespace n4a::replay {

struct CsvInput {
  ml::Matrix x;                         // n x spec.count, in the training column order
  std::vector<std::string> sample_ids;  // the id column, else 1-based data row numbers
  bool has_ids = false;
  std::vector<double> y_true;  // the target column, when the file has it
};

// Reads `path` (ml dataset CSV rules). The target and id columns (from
// `columns`, else `spec`) are used when the file has them. Features are
// matched by header when `spec.headers` is known, by count otherwise.
// InvalidArgument naming the file's and the chain's features on a mismatch.
Result<CsvInput> read_csv_input(const std::string& path, const FeatureSpec& spec,
                                const CsvColumns& columns);

// Puts the predictions of `input` together, with every metric of
// `task_type` when the file had targets.
CsvPrediction make_csv_prediction(CsvInput input, ReplayResult result,
                                  const std::string& task_type);

}  // namespace n4a::replay
