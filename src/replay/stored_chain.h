// A chain as the workspace records it, with what replay and export need
// around it: its pipeline, its run, the training dataset's entry and the
// features it was trained on.
#pragma once

#include <string>

#include "n4a/replay.h"
#include "replay/fitted_chain.h"

namespace n4a::replay {

struct StoredChain {
  ChainRecord chain;
  PipelineRecord pipeline;
  RunRecord run;
  Json train_dataset;              // the runs.datasets entry with role "train" (or the first)
  std::vector<std::string> folds;  // chain_folds(chain.steps)
};

// Reads the chain, its pipeline and run. NotFound for an unknown chain id.
Result<StoredChain> load_stored_chain(WorkspaceStore& store, const std::string& chain_id);

// The feature count and target/id columns of the training data; headers from
// the chain's first step (`input_features`, older chains), else from the
// run's training dataset entry (`features`), else from the training file when
// `Headers::kFromFile` and its content hash still matches the recorded one.
enum class Headers { kRecordedOnly, kFromFile };
FeatureSpec stored_features(const StoredChain& c, Headers headers);

// What a bundle manifest and a portable script say about the chain: ids,
// model, preprocessings, fold strategy, folds, task, dataset, features and
// training metrics (docs/formats/bundle.md).
Json describe_chain(const StoredChain& c, const FeatureSpec& spec);

// Loads artifacts from the workspace with one catalog read (hash verified by
// the store). `store` must outlive the loader.
ArtifactLoader store_loader(WorkspaceStore& store);

// A microsecond Unix time as "YYYY-MM-DDTHH:MM:SSZ" (empty for 0).
std::string iso_time(int64_t micros);

}  // namespace n4a::replay
