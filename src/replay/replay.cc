// Replay of a stored chain in the workspace (include/n4a/replay.h).
#include <fmt/format.h>

#include "replay/csv_input.h"
#include "replay/fitted_chain.h"
#include "replay/stored_chain.h"

namespace n4a {

Result<ReplayOptions> parse_fold_choice(const std::string& text) {
  ReplayOptions options;
  if (text.empty() || text == "auto") return options;
  if (text == "average") {
    options.choice = FoldChoice::kAverage;
    return options;
  }
  if (!text.starts_with("fold_")) {
    return Status::InvalidArgument(fmt::format(
        "bad fold choice '{}': use auto, average, fold_final or a CV fold like fold_0", text));
  }
  options.choice = FoldChoice::kOne;
  options.fold_id = text;
  return options;
}

namespace {

struct Replayer {
  replay::StoredChain stored;
  std::vector<std::string> folds;
  replay::FittedChain fitted;
};

Result<Replayer> load_replayer(WorkspaceStore& store, const std::string& chain_id,
                               const ReplayOptions& options) {
  N4A_ASSIGN_OR_RETURN(replay::StoredChain stored, replay::load_stored_chain(store, chain_id));
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> folds,
                       replay::choose_folds(stored.folds, options, stored.chain.task_type));
  N4A_ASSIGN_OR_RETURN(
      replay::FittedChain fitted,
      replay::FittedChain::load(stored.chain.steps, folds, replay::store_loader(store)));
  return Replayer{std::move(stored), std::move(folds), std::move(fitted)};
}

}  // namespace

Result<ReplayResult> replay_chain(WorkspaceStore& store, const std::string& chain_id,
                                  const Spectra& x, const ReplayOptions& options) {
  N4A_ASSIGN_OR_RETURN(Replayer r, load_replayer(store, chain_id, options));
  const FeatureSpec spec = replay::stored_features(r.stored, replay::Headers::kRecordedOnly);
  return r.fitted.predict(x, r.folds, spec.count);
}

Result<FeatureSpec> chain_features(WorkspaceStore& store, const std::string& chain_id) {
  N4A_ASSIGN_OR_RETURN(replay::StoredChain stored, replay::load_stored_chain(store, chain_id));
  return replay::stored_features(stored, replay::Headers::kFromFile);
}

Result<CsvPrediction> predict_csv(WorkspaceStore& store, const std::string& chain_id,
                                  const std::string& csv_path, const ReplayOptions& options,
                                  const CsvColumns& columns) {
  N4A_ASSIGN_OR_RETURN(Replayer r, load_replayer(store, chain_id, options));
  const FeatureSpec spec = replay::stored_features(r.stored, replay::Headers::kFromFile);
  N4A_ASSIGN_OR_RETURN(replay::CsvInput input, replay::read_csv_input(csv_path, spec, columns));
  N4A_ASSIGN_OR_RETURN(ReplayResult result, r.fitted.predict(input.x, r.folds, spec.count));
  return replay::make_csv_prediction(std::move(input), std::move(result), r.stored.chain.task_type);
}

}  // namespace n4a
