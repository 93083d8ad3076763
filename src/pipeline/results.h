// What the executor computes for each variant, before it is recorded.
// Plain value types; fitted operators are shared, serialized once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"
#include "pipeline/variant.h"

namespace n4a::pipeline {

// The predictions of one model on one partition.
struct PartitionPrediction {
  std::vector<double> y_true;
  std::vector<double> y_pred;
  std::vector<int64_t> sample_indices;  // rows of the dataset file (0-based)
  Json scores = Json::object();         // every metric of the task that is defined
  std::optional<double> score;          // the run's metric

  bool empty() const { return y_true.empty(); }
};

// A fitted operator in its binary form (docs/formats/operator.md), shared by
// every result that uses it, and the artifact id the recorder saved it as:
// it is hashed and written once, however many variants refer to it.
struct SerializedOperator {
  explicit SerializedOperator(std::string b) : bytes(std::move(b)) {}

  const std::string bytes;
  std::mutex mu;            // guards artifact_id
  std::string artifact_id;  // empty until saved
};

// One fitted transform of a prefix, in one fold (shared by the variants
// whose prefix includes it).
struct FittedStep {
  size_t node = 0;                         // prefix trie node
  std::shared_ptr<SerializedOperator> op;  // null without recording
  int64_t fit_us = 0;
  int64_t transform_us = 0;
};

// The model of one fold: CV folds "fold_<k>" (eval = validation rows), and
// "fold_final" (fitted on the whole train partition; eval = test rows, empty
// without a test partition).
struct FoldOutcome {
  std::string fold_id;
  PartitionPrediction train;
  PartitionPrediction eval;
  std::shared_ptr<SerializedOperator> model;  // null without recording
  // True when `model` is the fitted largest member of the model's family
  // (ml::ModelFamily), from which this variant's model derives; the recorded
  // chain then says so (docs/formats/chain.md, `derived`).
  bool model_derived = false;
  int64_t fit_us = 0;
  int64_t predict_us = 0;
  // steps[s] = the fitted transform s of this variant in this fold.
  std::vector<FittedStep> steps;
};

struct VariantResult {
  const Variant* variant = nullptr;
  Status status;                   // not ok: the variant failed (error names the fold)
  std::vector<FoldOutcome> folds;  // CV folds, in order
  std::optional<FoldOutcome> final_fold;
  std::optional<double> cv_val_score;    // mean of the folds' validation scores
  std::optional<double> cv_oof_score;    // metric over the pooled out-of-fold predictions
  std::optional<double> cv_train_score;  // mean of the folds' train scores
  std::optional<double> cv_test_score;   // the refit model's test score
  Json test_scores = Json::object();     // every metric of the refit model on test
  int64_t duration_ms = 0;               // compute time of its steps, all folds

  // The score the leaderboard ranks by: cv_oof_score for leave-one-out
  // (`rank_by_oof`), else cv_val_score (falling back to the other).
  std::optional<double> cv_score(bool rank_by_oof) const {
    if (rank_by_oof) return cv_oof_score ? cv_oof_score : cv_val_score;
    return cv_val_score ? cv_val_score : cv_oof_score;
  }
};

}  // namespace n4a::pipeline
