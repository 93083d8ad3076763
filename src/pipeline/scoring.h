// Scores of predictions and the CV summary of a variant. Pure functions.
#pragma once

#include "ml/metrics.h"
#include "pipeline/results.h"

namespace n4a::pipeline {

// Fills `p.scores` with every metric of `task` that is defined for these
// predictions (e.g. sep needs 2 samples; non-finite values become null) and
// `p.score` with `metric`'s value.
void score_partition(PartitionPrediction& p, ml::TaskType task, const ml::MetricInfo& metric);

// Scores every partition of `r` and fills its CV summary (results.h). The
// fold order is fixed, so the result does not depend on scheduling.
void summarize_variant(VariantResult& r, ml::TaskType task, const ml::MetricInfo& metric);

}  // namespace n4a::pipeline
