#include "ml/params.h"

#include <fmt/format.h>

#include <cmath>

namespace n4a::ml {

ParamReader::ParamReader(std::string_view op_name, const nlohmann::json& params)
    : op_(op_name), params_(params) {}

const nlohmann::json* ParamReader::find(const std::string& key) {
  seen_.insert(key);
  if (!params_.is_object()) return nullptr;
  auto it = params_.find(key);
  if (it == params_.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ParamReader::error(const std::string& key, std::string_view what) const {
  return Status::InvalidArgument(fmt::format("{}: parameter '{}' {}", op_, key, what));
}

Result<int> ParamReader::integer(const std::string& key, int fallback, int min, int max) {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer())
    return error(key, fmt::format("must be an integer, got {}", v->dump()));
  const auto value = v->get<long long>();
  if (value < min || value > max) {
    return error(key, fmt::format("must be in [{}, {}], got {}", min, max, value));
  }
  return static_cast<int>(value);
}

Result<double> ParamReader::number(const std::string& key, double fallback, double min,
                                   double max) {
  N4A_ASSIGN_OR_RETURN(double value, any_number(key, fallback));
  if (value < min || value > max) {
    return error(key, fmt::format("must be in [{}, {}], got {}", min, max, value));
  }
  return value;
}

Result<double> ParamReader::any_number(const std::string& key, double fallback) {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number()) return error(key, fmt::format("must be a number, got {}", v->dump()));
  const double value = v->get<double>();
  if (!std::isfinite(value)) return error(key, "must be finite");
  return value;
}

Result<bool> ParamReader::boolean(const std::string& key, bool fallback) {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) return error(key, fmt::format("must be true or false, got {}", v->dump()));
  return v->get<bool>();
}

Result<std::pair<double, double>> ParamReader::ordered_pair(const std::string& key,
                                                            std::pair<double, double> fallback) {
  const nlohmann::json* v = find(key);
  if (v == nullptr) return fallback;
  if (!v->is_array() || v->size() != 2 || !(*v)[0].is_number() || !(*v)[1].is_number()) {
    return error(key, fmt::format("must be a pair [low, high] of numbers, got {}", v->dump()));
  }
  const double a = (*v)[0].get<double>();
  const double b = (*v)[1].get<double>();
  if (!std::isfinite(a) || !std::isfinite(b) || !(a < b)) {
    return error(key, fmt::format("must be finite with low < high, got {}", v->dump()));
  }
  return std::pair{a, b};
}

Status ParamReader::finish() const {
  if (params_.is_null()) return Status::Ok();
  if (!params_.is_object()) {
    return Status::InvalidArgument(
        fmt::format("{}: parameters must be a JSON object, got {}", op_, params_.dump()));
  }
  for (const auto& [key, value] : params_.items()) {
    if (!seen_.contains(key)) {
      return Status::InvalidArgument(fmt::format("{}: unknown parameter '{}'", op_, key));
    }
  }
  return Status::Ok();
}

}  // namespace n4a::ml
