// The operator registry: builds operators by name from JSON parameters, and
// decodes serialized operators. Thread-safe (the registry is immutable).
//
// Names: MinMaxScaler, StandardScaler, SNV, MSC, SavitzkyGolay, Detrend,
// Derivative, Crop, PCA (transforms); PLSRegression, Ridge, PLSDA (models).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ml/operator.h"
#include "n4a/status.h"

namespace n4a::ml {

// Every registered operator name, sorted.
std::vector<std::string> operator_names();

// A new unfitted operator. `params` is a JSON object (or null for the
// defaults). InvalidArgument for an unknown name (listing the known ones) or
// an unknown, mistyped or out-of-range parameter (naming it).
Result<std::unique_ptr<Operator>> make_operator(std::string_view name,
                                                const nlohmann::json& params);

// The operator that serialize() wrote. Corruption for damaged bytes or a
// state that does not match the parameters, NotSupported for a newer format
// version, InvalidArgument for an unknown operator name or bad parameters.
Result<std::unique_ptr<Operator>> deserialize_operator(std::string_view bytes);

}  // namespace n4a::ml
