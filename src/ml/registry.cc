#include "ml/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "ml/binary_format.h"
#include "ml/crop.h"
#include "ml/derivatives.h"
#include "ml/pca.h"
#include "ml/pls.h"
#include "ml/ridge.h"
#include "ml/savgol.h"
#include "ml/scalers.h"
#include "ml/scatter.h"

namespace n4a::ml {
namespace {

using Factory = Result<std::unique_ptr<Operator>> (*)(const nlohmann::json&);

struct Entry {
  std::string_view name;
  Factory create;
};

constexpr Entry kRegistry[] = {
    {"Crop", &Crop::create},
    {"Derivative", &Derivative::create},
    {"Detrend", &Detrend::create},
    {"MSC", &Msc::create},
    {"MinMaxScaler", &MinMaxScaler::create},
    {"PCA", &Pca::create},
    {"PLSDA", &PlsDa::create},
    {"PLSRegression", &PlsRegression::create},
    {"Ridge", &Ridge::create},
    {"SNV", &Snv::create},
    {"SavitzkyGolay", &SavitzkyGolay::create},
    {"StandardScaler", &StandardScaler::create},
};

}  // namespace

std::vector<std::string> operator_names() {
  std::vector<std::string> names;
  for (const Entry& e : kRegistry) names.emplace_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::unique_ptr<Operator>> make_operator(std::string_view name,
                                                const nlohmann::json& params) {
  for (const Entry& e : kRegistry) {
    if (e.name == name) return e.create(params);
  }
  return Status::InvalidArgument(
      fmt::format("unknown operator '{}' (known: {})", name, fmt::join(operator_names(), ", ")));
}

Result<std::unique_ptr<Operator>> deserialize_operator(std::string_view bytes) {
  try {
    N4A_ASSIGN_OR_RETURN(DecodedOperator decoded, decode_operator(bytes));
    N4A_ASSIGN_OR_RETURN(auto op, make_operator(decoded.name, decoded.params));
    N4A_TRY(op->restore(std::move(decoded.arrays)));
    return op;
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("deserialize_operator: {}", e.what()));
  }
}

}  // namespace n4a::ml
