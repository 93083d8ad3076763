#include "replay/fitted_chain.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "ml/chain.h"
#include "ml/registry.h"

namespace n4a::replay {
namespace {

constexpr int kChainStepVersion = 2;  // docs/formats/chain.md
constexpr std::string_view kFinal = "fold_final";

Status bad_step(size_t idx, std::string_view what) {
  return Status::Corruption(fmt::format("chain step {}: {}", idx, what));
}

// -1 for fold_final, k for fold_k; nullopt for anything else.
std::optional<int64_t> fold_number(const std::string& id) {
  if (id == kFinal) return -1;
  if (!id.starts_with("fold_")) return std::nullopt;
  int64_t k = 0;
  const char* first = id.data() + 5;
  const char* last = id.data() + id.size();
  auto [end, ec] = std::from_chars(first, last, k);
  if (ec != std::errc() || end != last || first == last || k < 0) return std::nullopt;
  return k;
}

Status check_step(const Json& step, size_t idx, bool last) {
  if (!step.is_object()) return bad_step(idx, "not a JSON object");
  const Json version_json = step.value("format_version", Json(1));
  const Json kind_json = step.value("kind", Json(""));
  if (!version_json.is_number_integer() || !kind_json.is_string()) {
    return bad_step(idx, "format_version must be an integer and kind a string");
  }
  const int64_t version = version_json.get<int64_t>();
  if (version > kChainStepVersion) {
    return Status::NotSupported(
        fmt::format("chain step {}: format_version {} is newer than this n4a supports ({})", idx,
                    version, kChainStepVersion));
  }
  if (!step.contains("operator") || !step["operator"].is_string() || !step.contains("artifacts") ||
      !step["artifacts"].is_object()) {
    return bad_step(idx, "needs 'operator' and an 'artifacts' object");
  }
  const std::string kind = kind_json.get<std::string>();
  if (kind != (last ? "model" : "transform")) {
    return bad_step(idx,
                    last ? "the last step must be the model" : "only the last step may be a model");
  }
  const Json derived = step.value("derived", Json(false));
  if (!derived.is_boolean() || (derived.get<bool>() && !last)) {
    return bad_step(idx, "'derived' must be a boolean, and only the model's may be true");
  }
  return Status::Ok();
}

bool is_derived(const Json& step) {
  return step.value("derived", false);
}

// The operator of step `idx` from the bytes of its artifact: what they hold,
// or for a `derived` step, the member of that model's family that the step's
// params name.
Result<std::unique_ptr<ml::Operator>> step_operator(const Json& step, size_t idx,
                                                    const std::string& artifact_id,
                                                    std::string_view bytes) {
  auto op = ml::deserialize_operator(bytes);
  if (!op.ok()) {
    return Status::Corruption(fmt::format("artifact {}: {}", artifact_id, op.status().message()));
  }
  const std::string name = step["operator"].get<std::string>();
  if ((*op)->name() != name) {
    return bad_step(idx, fmt::format("artifact {} holds a {}, the step says {}", artifact_id,
                                     (*op)->name(), name));
  }
  const bool derived_step = is_derived(step);
  const Json params = step.value("params", Json());
  if (params.is_null() && !derived_step) return op;
  // Both sides with this n4a's defaults, so that a step written before a
  // parameter was added still matches its artifact.
  auto member = ml::make_operator(name, params.is_null() ? Json::object() : params);
  if (!member.ok()) {
    // A plain artifact describes itself; an older n4a's params may no longer build.
    if (!derived_step) return op;
    return bad_step(idx, member.status().message());
  }
  if ((*member)->params() == (*op)->params()) return op;
  if (!derived_step) {
    return bad_step(idx, fmt::format("artifact {} holds {} {}, the step says {}", artifact_id, name,
                                     (*op)->params().dump(), params.dump()));
  }
  auto derived = (*op)->derive(**member);
  if (!derived.ok()) {
    return bad_step(idx, fmt::format("artifact {} does not give the step's model: {}", artifact_id,
                                     derived.status().message()));
  }
  return derived;
}

const Json& artifact_of(const Json& step, const std::string& fold) {
  static const Json kNone;
  auto it = step["artifacts"].find(fold);
  return it == step["artifacts"].end() ? kNone : *it;
}

}  // namespace

Result<std::vector<std::string>> chain_folds(const Json& steps) {
  if (!steps.is_array() || steps.empty()) return Status::Corruption("chain has no steps");
  for (size_t i = 0; i < steps.size(); ++i) N4A_TRY(check_step(steps[i], i, i + 1 == steps.size()));
  std::vector<std::pair<int64_t, std::string>> numbered;
  for (const auto& [fold, id] : steps.back()["artifacts"].items()) {
    const auto k = fold_number(fold);
    if (!k) return bad_step(steps.size() - 1, fmt::format("unknown fold id '{}'", fold));
    // fold_final sorts last.
    numbered.emplace_back(*k < 0 ? INT64_MAX : *k, fold);
  }
  if (numbered.empty()) return bad_step(steps.size() - 1, "no fitted artifact");
  std::sort(numbered.begin(), numbered.end());
  std::vector<std::string> folds;
  for (auto& [k, fold] : numbered) folds.push_back(std::move(fold));
  return folds;
}

Result<std::vector<std::string>> choose_folds(const std::vector<std::string>& folds,
                                              const ReplayOptions& options,
                                              const std::string& task_type) {
  const bool has_final = std::find(folds.begin(), folds.end(), kFinal) != folds.end();
  std::vector<std::string> chosen;
  if (options.choice == FoldChoice::kOne) {
    if (std::find(folds.begin(), folds.end(), options.fold_id) == folds.end()) {
      return Status::InvalidArgument(fmt::format("the chain has no fold '{}' (it has: {})",
                                                 options.fold_id, fmt::join(folds, ", ")));
    }
    chosen.push_back(options.fold_id);
  } else if (options.choice == FoldChoice::kAuto && has_final) {
    chosen.emplace_back(kFinal);
  } else {
    for (const std::string& f : folds)
      if (f != kFinal) chosen.push_back(f);
    if (chosen.empty()) return Status::InvalidArgument("the chain has no CV fold to average");
  }
  if (chosen.size() > 1 && task_type == "classification") {
    return Status::InvalidArgument(
        "averaging class labels over folds is not defined: choose one fold (e.g. fold_0)");
  }
  return chosen;
}

Result<FittedChain> FittedChain::load(const Json& steps, const std::vector<std::string>& folds,
                                      const ArtifactLoader& loader) {
  std::vector<std::string> ids;
  for (const std::string& fold : folds) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Json& id = artifact_of(steps[i], fold);
      if (!id.is_string()) return bad_step(i, fmt::format("no artifact for {}", fold));
      const std::string artifact_id = id.get<std::string>();
      if (std::find(ids.begin(), ids.end(), artifact_id) == ids.end()) ids.push_back(artifact_id);
    }
  }
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> contents, loader(ids));
  std::map<std::string, std::string> bytes_of;
  for (size_t k = 0; k < ids.size(); ++k) bytes_of[ids[k]] = std::move(contents[k]);
  FittedChain chain;
  for (const std::string& fold : folds) {
    Fold f;
    for (size_t i = 0; i < steps.size(); ++i) {
      const std::string artifact_id = artifact_of(steps[i], fold).get<std::string>();
      // A derived step's operator depends on its params as well.
      const std::string key = is_derived(steps[i])
                                  ? artifact_id + steps[i].value("params", Json()).dump()
                                  : artifact_id;
      auto it = chain.operators_.find(key);
      if (it == chain.operators_.end()) {
        N4A_ASSIGN_OR_RETURN(auto op,
                             step_operator(steps[i], i, artifact_id, bytes_of[artifact_id]));
        it = chain.operators_.emplace(key, std::move(op)).first;
      }
      const bool model = i + 1 == steps.size();
      const auto kind = model ? ml::OperatorKind::kModel : ml::OperatorKind::kTransform;
      if (it->second->kind() != kind || !it->second->fitted()) {
        return bad_step(i, fmt::format("artifact {} is not a fitted {}", artifact_id,
                                       model ? "model" : "transform"));
      }
      if (model) {
        f.model = it->second.get();
      } else {
        f.transforms.push_back(it->second.get());
      }
    }
    chain.folds_.emplace(fold, std::move(f));
  }
  return chain;
}

std::vector<const ml::Operator*> FittedChain::operators(const std::string& fold) const {
  auto it = folds_.find(fold);
  if (it == folds_.end()) return {};
  std::vector<const ml::Operator*> out = it->second.transforms;
  out.push_back(it->second.model);
  return out;
}

Result<ReplayResult> FittedChain::predict(const ml::Matrix& x,
                                          const std::vector<std::string>& folds,
                                          int64_t n_features) const {
  if (x.cols() != n_features) {
    return Status::InvalidArgument(fmt::format(
        "the data has {} feature columns, the chain was trained on {}", x.cols(), n_features));
  }
  ReplayResult result;
  for (const std::string& fold : folds) {
    auto it = folds_.find(fold);
    if (it == folds_.end()) return Status::Internal("fold " + fold + " not loaded");
    N4A_ASSIGN_OR_RETURN(ml::Matrix y, ml::apply_chain(it->second.transforms, it->second.model, x));
    if (result.folds.empty()) {
      result.predictions = std::move(y);
    } else if (y.rows() != result.predictions.rows() || y.cols() != result.predictions.cols()) {
      return Status::Corruption("the folds of the chain predict different shapes");
    } else {
      result.predictions += y;
    }
    result.folds.push_back(fold);
  }
  if (result.folds.size() > 1) result.predictions /= static_cast<double>(result.folds.size());
  return result;
}

}  // namespace n4a::replay
