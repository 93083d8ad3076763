// One row of a prediction-arrays Parquet file (docs/formats/arrays.md): the
// prediction's identity and headline metadata, plus its dense arrays.
#pragma once

#include <optional>
#include <string>

#include "n4a/records.h"

namespace n4a::objects {

struct ArrayRow {
  std::string prediction_id;  // the catalog's predictions.prediction_id
  std::string dataset_name;
  std::string model_name;
  std::string fold_id;
  std::string partition;
  std::string metric;
  std::string task_type;
  std::optional<double> val_score;
  // y_true, y_pred, y_proba (row-major, proba_rows x proba_cols; empty when
  // absent), sample_indices, weights (empty when unweighted).
  PredictionArrays arrays;
};

}  // namespace n4a::objects
