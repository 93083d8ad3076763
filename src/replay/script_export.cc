// `n4a export script`: a chain as one Python file needing only NumPy.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>

#include "replay/export_file.h"
#include "replay/fitted_chain.h"
#include "replay/script_template.h"
#include "replay/stored_chain.h"
#include "util/sha256.h"

namespace n4a {
namespace {

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Status check_operators(const Json& steps) {
  const auto& known = replay::script_operators();
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string op = steps[i]["operator"].get<std::string>();
    if (std::find(known.begin(), known.end(), op) == known.end()) {
      return Status::NotSupported(fmt::format(
          "step {} ({}) has no NumPy implementation for a portable script; export a bundle "
          "(n4a export chain) instead",
          i, op));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> export_script(WorkspaceStore& store, const std::string& chain_id,
                                  const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string target, resolve_export_path(store, path));
  N4A_ASSIGN_OR_RETURN(replay::StoredChain c, replay::load_stored_chain(store, chain_id));
  N4A_TRY(check_operators(c.chain.steps));
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> folds,
                       replay::choose_folds(c.folds, ReplayOptions{}, c.chain.task_type));
  const FeatureSpec spec = replay::stored_features(c, replay::Headers::kFromFile);
  // Each step's own operator is embedded: a derived step's (docs/formats/chain.md)
  // is serialized from the member its artifact gives, so that the script
  // needs no family logic. Other operators serialize to their artifact's bytes.
  N4A_ASSIGN_OR_RETURN(
      replay::FittedChain fitted,
      replay::FittedChain::load(c.chain.steps, folds, replay::store_loader(store)));
  Json steps = Json::array();
  for (const Json& step : c.chain.steps) steps.push_back({{"operator", step["operator"]}});
  Json artifacts = Json::object();
  for (const std::string& fold : folds) {
    const std::vector<const ml::Operator*> ops = fitted.operators(fold);
    for (size_t i = 0; i < ops.size() && i < steps.size(); ++i) {
      const std::string bytes = ops[i]->serialize();
      const std::string id = Sha256Hex(bytes);
      steps[i]["artifacts"][fold] = id;
      if (!artifacts.contains(id)) artifacts[id] = base64(bytes);
    }
  }
  const Json payload = {{"manifest", replay::describe_chain(c, spec)},
                        {"n4a_version", N4A_VERSION},
                        {"steps", steps},
                        {"folds", folds},
                        {"artifacts", artifacts}};
  std::string script(replay::script_template());
  const size_t at = script.find(replay::kPayloadMarker);
  if (at == std::string::npos) return Status::Internal("script template has no payload marker");
  script.replace(at, replay::kPayloadMarker.size(), base64(payload.dump()));
  N4A_TRY(replay::write_export(target, script));
  return target;
}

}  // namespace n4a
