#include "pipeline/variant.h"

#include <fmt/format.h>

#include <map>

#include "ml/registry.h"
#include "pipeline/config.h"
#include "pipeline/generators.h"
#include "pipeline/naming.h"

namespace n4a::pipeline {

Status step_error(const Status& s, const std::string& path) {
  const std::string& m = s.message();
  const size_t colon = m.find(": ");
  const size_t at = m.find("parameter '");
  if (colon == std::string::npos || at == std::string::npos || at < colon) {
    return config_error(path, m);
  }
  const size_t key_begin = at + 11;
  const size_t key_end = m.find('\'', key_begin);
  if (key_end == std::string::npos) return config_error(path, m);
  const std::string op = m.substr(0, colon);
  const std::string key = m.substr(key_begin, key_end - key_begin);
  std::string what = m.substr(colon + 2, at - colon - 2) + "parameter";
  if (key_end + 2 < m.size()) what = m.substr(key_end + 2);
  return config_error(path + "." + key, fmt::format("{} ({})", what, op));
}

namespace {

Result<StepConfig> parse_step(const Json& step, const std::string& path) {
  if (!step.is_object() || step.contains("op") == step.contains("model")) {
    return config_error(
        path, "expected a step {\"op\": NAME, ...} or {\"model\": NAME, ...}, got " + step.dump());
  }
  StepConfig s;
  const std::string kind_key = step.contains("op") ? "op" : "model";
  s.kind = kind_key == "op" ? StepKind::kTransform : StepKind::kModel;
  if (!step[kind_key].is_string()) {
    return config_error(path + "." + kind_key,
                        "expected an operator name, got " + step[kind_key].dump());
  }
  s.op = step[kind_key].get<std::string>();
  s.params = step;
  s.params.erase(kind_key);
  s.config_path = path;
  auto op = ml::make_operator(s.op, s.params);
  if (!op.ok()) {
    if (op.status().message().rfind("unknown operator", 0) == 0) {
      return config_error(path + "." + kind_key, op.status().message());
    }
    return step_error(op.status(), path);
  }
  const bool is_model = (*op)->kind() == ml::OperatorKind::kModel;
  if (is_model != (s.kind == StepKind::kModel)) {
    return config_error(
        path + "." + kind_key,
        fmt::format("{} is a {}; write {{\"{}\": \"{}\", ...}}", s.op,
                    is_model ? "model" : "transform", is_model ? "model" : "op", s.op));
  }
  s.full_params = (*op)->params();
  s.short_name = short_step_name(s.op, s.full_params);
  return s;
}

// Validates each distinct (path, step) once, however many variants use it.
class StepCache {
 public:
  Result<StepConfig> get(const Json& step, const std::string& path) {
    std::string key = path + "\n" + step.dump();
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, parse_step(step, path)).first;
    return it->second;
  }

 private:
  std::map<std::string, Result<StepConfig>> cache_;
};

Result<Variant> make_variant(const Expansion& e, size_t index, StepCache& cache) {
  Variant v;
  v.index = index;
  v.generator_choices = e.choices;
  v.expanded_config = Json::array();
  for (size_t i = 0; i < e.value.size(); ++i) {
    if (e.value[i].is_null()) continue;
    N4A_ASSIGN_OR_RETURN(StepConfig s, cache.get(e.value[i], fmt::format("pipeline[{}]", i)));
    v.expanded_config.push_back(e.value[i]);
    v.steps.push_back(std::move(s));
  }
  if (v.steps.empty() || v.steps.back().kind != StepKind::kModel) {
    return config_error("pipeline",
                        "the last step must be a model, e.g. {\"model\": "
                        "\"PLSRegression\", \"n_components\": 8}");
  }
  std::vector<std::string> names;
  for (size_t i = 0; i + 1 < v.steps.size(); ++i) {
    if (v.steps[i].kind == StepKind::kModel) {
      return config_error(v.steps[i].config_path,
                          "a model must be the last step (only one model per pipeline)");
    }
    names.push_back(v.steps[i].short_name);
  }
  v.preprocessings = fmt::format("{}", fmt::join(names, ">"));
  names.push_back(v.model().short_name);
  v.name = fmt::format("{}", fmt::join(names, " > "));
  return v;
}

}  // namespace

std::string StepConfig::key() const {
  return op + "\n" + full_params.dump();
}

Json StepConfig::to_json() const {
  Json j = params;
  j[kind == StepKind::kModel ? "model" : "op"] = op;
  return j;
}

Result<std::vector<Variant>> build_variants(const Json& pipeline, size_t limit) {
  if (!pipeline.is_array() || pipeline.empty()) {
    return config_error("pipeline", "expected a non-empty array of steps");
  }
  N4A_ASSIGN_OR_RETURN(auto expansions, expand(pipeline, "pipeline", limit));
  StepCache cache;
  std::vector<Variant> variants;
  variants.reserve(expansions.size());
  for (size_t i = 0; i < expansions.size(); ++i) {
    N4A_ASSIGN_OR_RETURN(Variant v, make_variant(expansions[i], i, cache));
    variants.push_back(std::move(v));
  }
  return variants;
}

}  // namespace n4a::pipeline
