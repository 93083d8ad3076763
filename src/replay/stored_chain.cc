#include "replay/stored_chain.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "ml/dataset.h"

namespace n4a::replay {
namespace {

Json train_entry(const Json& datasets) {
  if (!datasets.is_array() || datasets.empty()) return Json::object();
  for (const Json& d : datasets)
    if (d.value("role", "") == "train") return d;
  return datasets[0];
}

// The training file's feature headers when it still holds the data the run
// recorded (same content hash); empty otherwise.
std::vector<std::string> headers_from_file(const StoredChain& c, const FeatureSpec& spec) {
  const std::string path = c.train_dataset.value("path", "");
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return {};
  ml::CsvOptions options;
  options.targets = {spec.target};
  options.id_column = spec.id_column;
  auto data = ml::load_csv(path, options);
  if (!data.ok() || data->content_hash != c.train_dataset.value("hash", "")) return {};
  return data->feature_names;
}

}  // namespace

Result<StoredChain> load_stored_chain(WorkspaceStore& store, const std::string& chain_id) {
  StoredChain c;
  N4A_ASSIGN_OR_RETURN(c.chain, store.get_chain(chain_id));
  N4A_ASSIGN_OR_RETURN(c.pipeline, store.get_pipeline(c.chain.pipeline_id));
  N4A_ASSIGN_OR_RETURN(c.run, store.get_run(c.pipeline.run_id));
  c.train_dataset = train_entry(c.run.datasets);
  auto folds = chain_folds(c.chain.steps);
  if (!folds.ok()) return folds.status().WithContext("chain " + chain_id);
  c.folds = std::move(*folds);
  return c;
}

FeatureSpec stored_features(const StoredChain& c, Headers headers) {
  FeatureSpec spec;
  spec.count = c.train_dataset.value("n_features", int64_t{0});
  const Json& dataset =
      c.run.config.is_object() ? c.run.config.value("dataset", Json::object()) : Json::object();
  spec.target = c.train_dataset.value("target", dataset.value("target", ""));
  spec.id_column = dataset.value("id_column", "");
  // Chains recorded before the run kept the headers carry them in their
  // first step (docs/formats/chain.md).
  const Json& first = c.chain.steps[0];
  const Json* recorded = nullptr;
  if (first.contains("input_features") && first["input_features"].is_array()) {
    recorded = &first["input_features"];
  } else if (c.train_dataset.contains("features") && c.train_dataset["features"].is_array()) {
    recorded = &c.train_dataset["features"];
  }
  if (recorded != nullptr) {
    for (const Json& h : *recorded)
      if (h.is_string()) spec.headers.push_back(h.get<std::string>());
  } else if (headers == Headers::kFromFile) {
    spec.headers = headers_from_file(c, spec);
  }
  if (static_cast<int64_t>(spec.headers.size()) != spec.count) spec.headers.clear();
  return spec;
}

Json describe_chain(const StoredChain& c, const FeatureSpec& spec) {
  const ChainRecord& ch = c.chain;
  auto score = [](const std::optional<double>& v) { return v ? Json(*v) : Json(); };
  return {{"chain_id", ch.chain_id},
          {"pipeline_id", ch.pipeline_id},
          {"run_id", c.pipeline.run_id},
          {"pipeline_name", c.pipeline.name},
          {"model_class", ch.model_class},
          {"model_name", ch.model_name},
          {"preprocessings", ch.preprocessings},
          {"fold_strategy", ch.fold_strategy},
          {"folds", c.folds},
          {"task_type", ch.task_type},
          {"dataset", {{"name", ch.dataset_name}, {"hash", c.pipeline.dataset_hash}}},
          {"features",
           {{"count", spec.count},
            {"headers", spec.headers},
            {"target", spec.target},
            {"id_column", spec.id_column}}},
          {"training_metrics",
           {{"metric", ch.metric},
            {"cv_val_score", score(ch.cv_val_score)},
            {"cv_oof_score", score(ch.cv_oof_score)},
            {"cv_test_score", score(ch.cv_test_score)},
            {"cv_train_score", score(ch.cv_train_score)},
            {"cv_fold_count", ch.cv_fold_count}}}};
}

ArtifactLoader store_loader(WorkspaceStore& store) {
  return [&store](const std::vector<std::string>& ids) { return store.load_artifacts(ids); };
}

std::string iso_time(int64_t micros) {
  if (micros == 0) return "";
  const std::chrono::sys_seconds t{std::chrono::seconds(micros / 1'000'000)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", t);
}

}  // namespace n4a::replay
