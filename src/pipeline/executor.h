// The executor: fits and scores the variants of a sweep on a thread pool,
// sharing prefix work (prefix_trie.h).
//
// Tasks: for each (trie node, fold) fit the node's transform on the fold's
// train rows (as transformed by its parent) and transform train and eval
// rows once; for each (variant, fold) fit the model on its leaf's train rows
// and predict both partitions. Models of one family on one leaf
// (ml::ModelFamily: PLS over a range of n_components) share one fit per fold,
// of the largest, from which each derives its own, bit for bit the model its
// own fit would give; they predict together, in one pass over the rows. Folds are the CV folds,
// plus "fold_final" (whole train partition; eval = test rows) when refitting. Transforms never see
// the rows they are evaluated on. Each computation is a pure function of its inputs, so results do
// not depend on the number of threads.
//
// Thread-safety: execute_variants() blocks; `sink` is called from worker
// threads (one call at a time per variant, possibly concurrently across
// variants) once per variant that finished, completed or failed.
#pragma once

#include <functional>
#include <vector>

#include "ml/metrics.h"
#include "pipeline/prepare.h"
#include "pipeline/results.h"

namespace n4a::pipeline {

enum class Serialize { kNo, kYes };  // keep fitted operators' bytes for recording
enum class Refit { kNo, kYes };

struct ExecutorInput {
  const PreparedData* data = nullptr;
  const std::vector<Variant>* variants = nullptr;  // those to run (any subset)
  ml::TaskType task = ml::TaskType::kRegression;
  ml::MetricInfo metric;
  Refit refit = Refit::kYes;
  Serialize serialize = Serialize::kYes;
};

using ResultSink = std::function<void(VariantResult)>;

// How much work was done: shows the sharing (one transform fit per distinct
// (prefix, fold); one model fit per (variant, fold), or per (family, leaf,
// fold) for the models derived from a family's fit).
struct ExecutorStats {
  size_t transform_fits = 0;
  size_t model_fits = 0;
  size_t models_derived = 0;
};

// Runs every variant (see the file comment) with `jobs` threads (<= 0: all
// cores). Once `should_stop` (may be empty) returns true, running tasks finish, nothing new starts,
// and variants not finished are not passed to `sink`. Returns true if stopped.
// `stats` (may be null) receives the work counts.
bool execute_variants(const ExecutorInput& input, int jobs,
                      const std::function<bool()>& should_stop, const ResultSink& sink,
                      ExecutorStats* stats = nullptr);

}  // namespace n4a::pipeline
