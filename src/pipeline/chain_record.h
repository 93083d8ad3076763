// Turning a finished variant into catalog records: the chain (with its steps
// JSON, docs/formats/chain.md), the predictions and the step logs.
// Pure functions over values; artifact ids are given by the caller.
#pragma once

#include <string>
#include <vector>

#include "n4a/records.h"
#include "pipeline/results.h"

namespace n4a::pipeline {

// What every record of a run shares.
struct RecordContext {
  std::string run_id;
  std::string dataset_name;
  std::string dataset_hash;
  std::string metric;
  std::string task_type;      // "regression" / "classification"
  std::string fold_strategy;  // e.g. "kfold(n_splits=5,shuffle=true,seed=42)"
  int64_t n_features = 0;     // of the dataset
  // The dataset's feature headers when the chains must carry them (first
  // step, `input_features`): only for a run whose record lacks them (begun by
  // an older n4a, resumed); empty otherwise (docs/formats/chain.md).
  std::vector<std::string> feature_names;
  bool rank_by_oof = false;  // leave-one-out: the pipeline's best_val is cv_oof_score
};

// Artifact ids of one variant: ids[s][f] for step s (transforms, then the
// model) and fold f (CV folds in order, then fold_final).
using ArtifactIds = std::vector<std::vector<std::string>>;

// The fold ids of `r` in order ("fold_0", ..., "fold_final").
std::vector<std::string> fold_ids(const VariantResult& r);

// The chain of a completed variant (chain_id left empty).
ChainRecord make_chain(const RecordContext& ctx, const VariantResult& r,
                       const std::string& pipeline_id, const ArtifactIds& ids);

// A prediction and its arrays.
struct PredictionRow {
  PredictionRecord record;
  PredictionArrays arrays;
};

// Train and val of each CV fold, then train and test of fold_final. The
// arrays are moved out of `r` (its predictions are left empty; scores stay).
std::vector<PredictionRow> take_predictions(const RecordContext& ctx, VariantResult& r,
                                            const std::string& pipeline_id,
                                            const std::string& chain_id);

// One "fit" log per step with its durations per fold in `details`.
std::vector<LogRecord> make_step_logs(const VariantResult& r, const std::string& pipeline_id);

}  // namespace n4a::pipeline
