// .n4a bundles: writing (export_chain) and reading (Bundle);
// docs/formats/bundle.md.
#include <fmt/format.h>

#include <set>

#include "replay/csv_input.h"
#include "replay/export_file.h"
#include "replay/fitted_chain.h"
#include "replay/stored_chain.h"
#include "replay/zip_archive.h"
#include "util/sha256.h"

namespace n4a {
namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kChain = "chain.json";
constexpr int64_t kMaxFeatures = 10'000'000;
// What each kind of entry may hold once inflated (docs/formats/bundle.md,
// "Reading and errors"). The manifest is mostly feature headers: 64 MiB
// holds several million; chain.json holds steps and their parameters.
constexpr uint64_t kMaxManifestBytes = uint64_t{64} << 20;
constexpr uint64_t kMaxChainBytes = uint64_t{16} << 20;
// An operator's header: name, parameters (at most 1 MiB) and array names
// (docs/formats/operator.md).
constexpr uint64_t kOperatorHeaderBytes = uint64_t{3} << 20;
// Chain artifacts are operators (docs/formats/operator.md), stored by the
// runner with this format, which is also their file extension.
constexpr const char* kOperatorFormat = "n4aop";

// Every artifact id of every step and fold, in first-use order, with its step.
std::vector<std::pair<std::string, const Json*>> artifact_steps(const Json& steps) {
  std::vector<std::pair<std::string, const Json*>> out;
  std::set<std::string> seen;
  for (const Json& step : steps) {
    for (const auto& [fold, id] : step["artifacts"].items()) {
      if (id.is_string() && seen.insert(id.get<std::string>()).second) out.emplace_back(id, &step);
    }
  }
  return out;
}

Status corrupt(std::string_view what) {
  return Status::Corruption(fmt::format("bundle: {}", what));
}

Result<Json> parse_json_entry(const replay::ZipReader& zip, const std::string& name,
                              uint64_t max_bytes) {
  if (!zip.contains(name)) return corrupt(fmt::format("{} is missing", name));
  N4A_ASSIGN_OR_RETURN(std::string text, zip.read(name, max_bytes));
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return corrupt(fmt::format("{} is not a JSON object", name));
  return j;
}

// The most bytes a fitted operator of a chain that takes `features` columns
// can hold: its header and at most 8 arrays of (p + 1) x (p + 1) doubles
// (PLS's p x k weights and loadings, k <= p, are the largest; see the arrays
// in docs/formats/operator.md).
uint64_t max_operator_bytes(int64_t features) {
  const auto side = static_cast<uint64_t>(features) + 1;
  return kOperatorHeaderBytes + 8 * side * side * sizeof(double);
}

// The size the manifest records for an artifact, within what an operator
// of the chain can hold.
Result<uint64_t> artifact_size(const std::string& id, const Json& info, int64_t features) {
  const Json size = info.value("size_bytes", Json());
  if (!size.is_number_unsigned()) {
    return corrupt(fmt::format("manifest.json: artifact {} has no size_bytes", id));
  }
  const uint64_t bytes = size.get<uint64_t>();
  if (bytes > max_operator_bytes(features)) {
    return corrupt(fmt::format(
        "manifest.json: artifact {} claims {} bytes, more than an operator on {} features can hold",
        id, bytes, features));
  }
  return bytes;
}

bool is_hex_id(const std::string& id) {
  return id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Status check_version(const Json& manifest) {
  const Json& v =
      manifest.contains("bundle_format_version") ? manifest["bundle_format_version"] : Json();
  if (!v.is_number_integer()) return corrupt("manifest.json has no bundle_format_version");
  const int64_t version = v.get<int64_t>();
  if (version > kBundleFormatVersion) {
    return corrupt(
        fmt::format("format version {} is newer than this n4a supports ({}); "
                    "read it with a newer n4a",
                    version, kBundleFormatVersion));
  }
  if (version < 1) return corrupt(fmt::format("bad format version {}", version));
  return Status::Ok();
}

Result<FeatureSpec> parse_features(const Json& manifest) {
  const Json f = manifest.value("features", Json::object());
  FeatureSpec spec;
  const Json count = f.value("count", Json());
  if (!count.is_number_integer() || count.get<int64_t>() < 1 ||
      count.get<int64_t>() > kMaxFeatures) {
    return corrupt("manifest.json: features.count must be a positive integer");
  }
  spec.count = count.get<int64_t>();
  const Json headers = f.value("headers", Json::array());
  if (!headers.is_array() ||
      (!headers.empty() && static_cast<int64_t>(headers.size()) != spec.count)) {
    return corrupt("manifest.json: features.headers must hold one header per feature");
  }
  for (const Json& h : headers) {
    if (!h.is_string()) return corrupt("manifest.json: a feature header is not a string");
    spec.headers.push_back(h.get<std::string>());
  }
  const Json target = f.value("target", Json(""));
  const Json id = f.value("id_column", Json(""));
  if (!target.is_string() || !id.is_string()) {
    return corrupt("manifest.json: features.target and id_column must be strings");
  }
  spec.target = target.get<std::string>();
  spec.id_column = id.get<std::string>();
  return spec;
}

// The artifact bytes by id, each read within the size the manifest records
// for it and checked against its hash. Entries the manifest does not list
// are never read.
Result<std::map<std::string, std::string>> verified_artifacts(const Json& manifest,
                                                              const replay::ZipReader& zip,
                                                              int64_t features) {
  const Json list = manifest.value("artifacts", Json());
  if (!list.is_object()) return corrupt("manifest.json has no artifacts object");
  std::map<std::string, std::string> out;
  for (const auto& [id, info] : list.items()) {
    const Json path = info.is_object() ? info.value("path", Json()) : Json();
    if (!is_hex_id(id) || !path.is_string() ||
        !path.get<std::string>().starts_with("artifacts/" + id + ".")) {
      return corrupt(fmt::format("manifest.json: bad artifact entry '{}'", id));
    }
    if (!zip.contains(path.get<std::string>())) {
      return corrupt(fmt::format("artifact {} is missing ({})", id, path.get<std::string>()));
    }
    N4A_ASSIGN_OR_RETURN(uint64_t size, artifact_size(id, info, features));
    N4A_ASSIGN_OR_RETURN(std::string bytes, zip.read(path.get<std::string>(), size));
    if (bytes.size() != size) {
      return corrupt(
          fmt::format("artifact {} is {} bytes, the manifest says {}", id, bytes.size(), size));
    }
    const std::string actual = Sha256Hex(bytes);
    if (actual != id) {
      return corrupt(fmt::format("artifact {} is altered: its content hashes to {}", id, actual));
    }
    out.emplace(id, std::move(bytes));
  }
  return out;
}

}  // namespace

Result<std::string> export_chain(WorkspaceStore& store, const std::string& chain_id,
                                 const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string target, resolve_export_path(store, path));
  N4A_ASSIGN_OR_RETURN(replay::StoredChain c, replay::load_stored_chain(store, chain_id));
  const FeatureSpec spec = replay::stored_features(c, replay::Headers::kFromFile);
  std::vector<std::pair<std::string, std::string>> entries;
  Json artifacts = Json::object();
  const auto steps = artifact_steps(c.chain.steps);
  std::vector<std::string> ids;
  for (const auto& [id, step] : steps) ids.push_back(id);
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> contents, store.load_artifacts(ids));
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& [id, step] = steps[i];
    std::string& bytes = contents[i];
    const std::string entry = fmt::format("artifacts/{}.{}", id, kOperatorFormat);
    artifacts[id] = {{"path", entry},
                     {"operator_class", step->at("operator")},
                     {"artifact_type", step->value("kind", "")},
                     {"size_bytes", bytes.size()}};
    entries.emplace_back(entry, std::move(bytes));
  }
  const int64_t now = Env::Default()->now_micros();
  Json manifest = {{"bundle_format_version", kBundleFormatVersion},
                   {"n4a_version", N4A_VERSION},
                   {"created_at", replay::iso_time(now)}};
  manifest.update(replay::describe_chain(c, spec));
  manifest["artifacts"] = artifacts;
  const Json chain = {{"chain_id", c.chain.chain_id},
                      {"steps", c.chain.steps},
                      {"model_step_idx", c.chain.model_step_idx},
                      {"fold_artifacts", c.chain.fold_artifacts},
                      {"shared_artifacts", c.chain.shared_artifacts}};
  entries.insert(entries.begin(), {kChain, chain.dump(2)});
  entries.insert(entries.begin(), {kManifest, manifest.dump(2)});
  N4A_ASSIGN_OR_RETURN(std::string zip, replay::write_zip(entries, now / 1'000'000));
  N4A_TRY(replay::write_export(target, zip));
  return target;
}

struct Bundle::Impl {
  Json manifest;
  FeatureSpec features;
  std::vector<std::string> folds;
  std::string task_type;
  replay::FittedChain fitted;
};

Bundle::Bundle(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bundle::~Bundle() = default;

Result<std::unique_ptr<Bundle>> Bundle::open(const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->read_file(path));
  auto bundle = parse(bytes);
  if (!bundle.ok()) return bundle.status().WithContext(path);
  return bundle;
}

Result<std::unique_ptr<Bundle>> Bundle::parse(std::string_view bytes) {
  try {
    return parse_checked(bytes);
  } catch (const std::exception& e) {  // e.g. a JSON value of an unexpected type
    return corrupt(e.what());
  }
}

Result<std::unique_ptr<Bundle>> Bundle::parse_checked(std::string_view bytes) {
  N4A_ASSIGN_OR_RETURN(auto zip, replay::ZipReader::open(bytes));
  N4A_ASSIGN_OR_RETURN(Json manifest, parse_json_entry(*zip, kManifest, kMaxManifestBytes));
  N4A_TRY(check_version(manifest));
  N4A_ASSIGN_OR_RETURN(FeatureSpec features, parse_features(manifest));
  N4A_ASSIGN_OR_RETURN(Json chain, parse_json_entry(*zip, kChain, kMaxChainBytes));
  N4A_ASSIGN_OR_RETURN(auto artifacts, verified_artifacts(manifest, *zip, features.count));
  const Json steps = chain.value("steps", Json());
  auto folds = replay::chain_folds(steps);
  if (!folds.ok()) return corrupt("chain.json: " + folds.status().message());
  auto loader = [&](const std::vector<std::string>& ids) -> Result<std::vector<std::string>> {
    std::vector<std::string> contents;
    for (const std::string& id : ids) {
      auto it = artifacts.find(id);
      if (it == artifacts.end()) return corrupt(fmt::format("artifact {} is missing", id));
      contents.push_back(it->second);
    }
    return contents;
  };
  auto fitted = replay::FittedChain::load(steps, *folds, loader);
  if (!fitted.ok()) {
    if (fitted.status().IsCorruption()) return fitted.status();
    return corrupt(fitted.status().message());
  }
  const Json task = manifest.value("task_type", Json("regression"));
  auto impl = std::make_unique<Impl>(
      Impl{std::move(manifest), std::move(features), std::move(*folds),
           task.is_string() ? task.get<std::string>() : "", std::move(*fitted)});
  return std::unique_ptr<Bundle>(new Bundle(std::move(impl)));
}

const Json& Bundle::manifest() const {
  return impl_->manifest;
}

const FeatureSpec& Bundle::features() const {
  return impl_->features;
}

Result<ReplayResult> Bundle::predict(const Spectra& x, const ReplayOptions& options) const {
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> folds,
                       replay::choose_folds(impl_->folds, options, impl_->task_type));
  return impl_->fitted.predict(x, folds, impl_->features.count);
}

Result<CsvPrediction> Bundle::predict_csv(const std::string& csv_path, const ReplayOptions& options,
                                          const CsvColumns& columns) const {
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> folds,
                       replay::choose_folds(impl_->folds, options, impl_->task_type));
  N4A_ASSIGN_OR_RETURN(replay::CsvInput input,
                       replay::read_csv_input(csv_path, impl_->features, columns));
  N4A_ASSIGN_OR_RETURN(ReplayResult result,
                       impl_->fitted.predict(input.x, folds, impl_->features.count));
  return replay::make_csv_prediction(std::move(input), std::move(result), impl_->task_type);
}

}  // namespace n4a
