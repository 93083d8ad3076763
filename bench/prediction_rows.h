// Synthetic prediction rows for the benchmarks that need a catalog of
// 1,000,000 predictions (catalog_bench.cc, query_bench.cc), and the fastest
// way to load them: one DuckDB Appender, as the store's own flush does.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "n4a/records.h"
#include "util/database.h"
#include "util/uuid.h"

namespace n4a::bench {

constexpr int64_t kRows = 1'000'000;
constexpr int64_t kChunk = 100'000;
constexpr int64_t kPerPipeline = 100;

// Rows `first` .. `first + kChunk` as the runner makes them: per pipeline
// (kPerPipeline rows of pipelines[i / kPerPipeline]), folds x partitions.
// The chain id is the pipeline id.
inline std::vector<PredictionRecord> MakeChunk(const std::vector<std::string>& pipelines,
                                               int64_t first) {
  std::vector<PredictionRecord> out;
  out.reserve(kChunk);
  for (int64_t i = first; i < first + kChunk; ++i) {
    PredictionRecord p;
    p.prediction_id = NewUuidV7();
    p.pipeline_id = pipelines[static_cast<size_t>(i / kPerPipeline)];
    p.chain_id = p.pipeline_id;
    p.dataset_name = "gasoline";
    p.model_name = "PLS";
    p.model_class = "PLSRegression";
    p.fold_id = "fold_" + std::to_string(i % kPerPipeline / 2);
    p.partition = i % 2 == 0 ? "val" : "train";
    double rmse = 0.1 + static_cast<double>((i * 7919) % 10007) / 10007.0;
    p.val_score = rmse;
    p.train_score = rmse / 2;
    p.metric = "rmse";
    p.task_type = "regression";
    p.n_samples = 50;
    p.n_features = 401;
    p.scores = {{"rmse", rmse}, {"mse", rmse * rmse}, {"mae", rmse * 0.8}, {"r2", 1 - rmse / 2},
                {"bias", 0.01}, {"sep", rmse},        {"rpd", 2 / rmse}};
    p.best_params = {{"n_components", i % 15 + 1}};
    p.preprocessings = "SNV>SG(11,2,1)";
    p.created_at = 1'700'000'000'000'000 + i;
    out.push_back(std::move(p));
  }
  return out;
}

// kRows / kPerPipeline fresh pipeline ids.
inline std::vector<std::string> PipelineIds() {
  std::vector<std::string> ids;
  for (int64_t i = 0; i < kRows / kPerPipeline; ++i) ids.push_back(NewUuidV7());
  return ids;
}

// Appends `rows` (made by MakeChunk) to the predictions table of `con` in
// one Appender; aborts on error (a benchmark has no one to report to).
inline void AppendPredictions(db::Connection& con, const std::vector<PredictionRecord>& rows) {
  auto app = db::Appender::create(con, "predictions");
  if (!app.ok()) std::abort();
  for (const auto& p : rows) {
    app.value()->append(std::string_view(p.prediction_id));
    app.value()->append(std::string_view(p.pipeline_id));
    app.value()->append(std::string_view(p.chain_id));
    app.value()->append(std::string_view(p.dataset_name));
    app.value()->append(std::string_view(p.model_name));
    app.value()->append(std::string_view(p.model_class));
    app.value()->append(std::string_view(p.fold_id));
    app.value()->append(std::string_view(p.partition));
    app.value()->append(*p.val_score);
    app.value()->append_null();
    app.value()->append(*p.train_score);
    app.value()->append(std::string_view(p.metric));
    app.value()->append(std::string_view(p.task_type));
    app.value()->append(p.n_samples);
    app.value()->append(p.n_features);
    app.value()->append(std::string_view(p.scores.dump()));
    app.value()->append(std::string_view(p.best_params.dump()));
    app.value()->append(std::string_view(p.preprocessings));
    app.value()->append_null();
    app.value()->append_null();
    app.value()->append_timestamp_micros(p.created_at);
    if (!app.value()->end_row().ok()) std::abort();
  }
  if (!app.value()->close().ok()) std::abort();
}

}  // namespace n4a::bench
