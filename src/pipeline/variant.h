// Variants: the concrete pipelines of a config, each a list of transforms
// ending with one model, checked against the operator registry.
// Plain value types; build_variants is a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"

namespace n4a::pipeline {

enum class StepKind { kTransform, kModel };

struct StepConfig {
  StepKind kind = StepKind::kTransform;
  std::string op;           // registry name, e.g. "SavitzkyGolay"
  Json params;              // the parameters as written (generators resolved)
  Json full_params;         // every parameter, defaults included
  std::string config_path;  // "pipeline[1]": where the step is in the config
  std::string short_name;   // "SG(11,2,1)"

  // Identity of the fitted behaviour: op and full parameters. Two steps with
  // the same key fitted on the same data give the same state.
  std::string key() const;
  // The step as it appears in an expanded config: {"op"|"model": ..., params}.
  Json to_json() const;
};

struct Variant {
  size_t index = 0;               // position in the expansion order
  std::string name;               // "SNV > SG(11,2,1) > PLS(8)"
  std::string preprocessings;     // "SNV>SG(11,2,1)" ("" without transforms)
  std::vector<StepConfig> steps;  // transforms, then the model (last)
  Json expanded_config;           // the step list of this variant
  Json generator_choices;         // {"<json path>": choice}

  const StepConfig& model() const { return steps.back(); }
  size_t transform_count() const { return steps.size() - 1; }
};

// An operator's error about the step at `path` ("pipeline[1]") as a config
// error: "Op: parameter 'k' what" and "Op: unknown parameter 'k'" become
// "<path>.k: what (Op)", anything else "<path>: <message>".
Status step_error(const Status& s, const std::string& path);

// Expands the generators of `pipeline` (the config's step list) and checks
// every step: an object with "op" (a transform) or "model" (a model) naming a
// registered operator, valid parameters, exactly one model, last.
// InvalidArgument "pipeline[i].<param>: ..." on the first problem.
Result<std::vector<Variant>> build_variants(const Json& pipeline, size_t limit);

}  // namespace n4a::pipeline
