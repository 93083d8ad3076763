// A chain's fitted operators in memory, decoded from artifact bytes. Both
// workspace replay and bundles predict through this one class, so that they
// predict bit for bit alike. Immutable after load(); thread-safe const use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ml/operator.h"
#include "n4a/replay.h"

namespace n4a::replay {

// The bytes of each artifact id, in order, hash verified (Corruption
// otherwise): one call reads all the artifacts a chain needs.
using ArtifactLoader =
    std::function<Result<std::vector<std::string>>(const std::vector<std::string>& artifact_ids)>;

// The fold ids of a chain's steps JSON (keys of the model step's
// `artifacts`): CV folds in numeric order, then fold_final. Corruption for
// steps that are not a valid chain (docs/formats/chain.md), NotSupported for
// a step format_version newer than 2.
Result<std::vector<std::string>> chain_folds(const Json& steps);

// The folds that `options` choose among `folds`. InvalidArgument for a fold
// that does not exist, or an average of class labels (`task_type`
// classification) over several folds.
Result<std::vector<std::string>> choose_folds(const std::vector<std::string>& folds,
                                              const ReplayOptions& options,
                                              const std::string& task_type);

class FittedChain {
 public:
  // Decodes the operators of `folds` (each distinct artifact read, with one
  // call of `loader`, and decoded once); a `derived` model step gets the
  // member of its artifact's family that its params name (ml::Operator::derive).
  // Corruption for undecodable bytes, a step that names another operator
  // than its artifact, or a derived step its artifact cannot give.
  static Result<FittedChain> load(const Json& steps, const std::vector<std::string>& folds,
                                  const ArtifactLoader& loader);

  // The fitted operators of a loaded fold, in step order (empty for another).
  std::vector<const ml::Operator*> operators(const std::string& fold) const;

  // The mean over `folds` (all loaded) of each fold's transforms then model
  // on `x`, which must have `n_features` columns.
  Result<ReplayResult> predict(const ml::Matrix& x, const std::vector<std::string>& folds,
                               int64_t n_features) const;

 private:
  struct Fold {
    std::vector<const ml::Operator*> transforms;
    const ml::Operator* model = nullptr;
  };
  // By artifact id (followed by the step's params for a derived step).
  std::map<std::string, std::shared_ptr<const ml::Operator>> operators_;
  std::map<std::string, Fold> folds_;
};

}  // namespace n4a::replay
