#include "pipeline/naming.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

namespace n4a::pipeline {
namespace {

struct Abbreviation {
  std::string_view op;
  std::string_view short_name;
  std::vector<std::string_view> keys;  // shown in this order, if present
};

const std::vector<Abbreviation>& abbreviations() {
  static const std::vector<Abbreviation> kTable = {
      {"SNV", "SNV", {}},
      {"MSC", "MSC", {}},
      {"SavitzkyGolay", "SG", {"window_length", "polyorder", "deriv"}},
      {"Detrend", "Detrend", {"order"}},
      {"Derivative", "Deriv", {"order"}},
      {"StandardScaler", "Std", {}},
      {"MinMaxScaler", "MinMax", {}},
      {"PCA", "PCA", {"n_components"}},
      {"Crop", "Crop", {"start", "end"}},
      {"PLSRegression", "PLS", {"n_components"}},
      {"PLSDA", "PLSDA", {"n_components"}},
      {"Ridge", "Ridge", {"alpha"}},
  };
  return kTable;
}

std::string value_text(const Json& v) {
  if (v.is_number()) return format_number(v);
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::string format_number(const Json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return fmt::format("{:g}", value.get<double>());
  return value.dump();
}

std::string short_step_name(const std::string& op, const Json& full_params) {
  for (const Abbreviation& a : abbreviations()) {
    if (a.op != op) continue;
    std::vector<std::string> values;
    for (std::string_view key : a.keys) {
      auto it = full_params.find(std::string(key));
      if (it != full_params.end() && !it->is_null()) values.push_back(value_text(*it));
    }
    if (values.empty()) return std::string(a.short_name);
    return fmt::format("{}({})", a.short_name, fmt::join(values, ","));
  }
  std::vector<std::string> parts;
  if (full_params.is_object()) {
    for (const auto& [key, v] : full_params.items()) parts.push_back(key + "=" + value_text(v));
  }
  if (parts.empty()) return op;
  return fmt::format("{}({})", op, fmt::join(parts, ","));
}

}  // namespace n4a::pipeline
