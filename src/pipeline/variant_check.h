// Checking the variants of a sweep against its data before any work: what
// the data's shape and the metric already rule out is a config error (exit 2,
// nothing recorded), not a fit failure found minutes later.
// Pure function; thread-safe.
#pragma once

#include <vector>

#include "ml/metrics.h"
#include "ml/operator.h"
#include "n4a/status.h"
#include "pipeline/variant.h"

namespace n4a::pipeline {

// Checks each variant of `variants`:
// - each step against the shape of the data that reaches it (ml::Operator::
//   output_shape, step after step from `data`, whose n_samples is the
//   fewest training rows of any fit): e.g. n_components above the features
//   or the training rows, a Savitzky-Golay window longer than the features,
//   a Crop that keeps no feature;
// - its model against `metric`'s task: a classifier for a classification
//   metric, a regressor for a regression metric.
// InvalidArgument on the first problem, naming the step's JSON path (and
// parameter) and the variant: "pipeline[2].n_components: ... (PLSRegression)
// in variant "SNV > PLS(500)"", or "metric: ..." for the task.
Status check_variants(const std::vector<Variant>& variants, const ml::DataShape& data,
                      const ml::MetricInfo& metric);

}  // namespace n4a::pipeline
