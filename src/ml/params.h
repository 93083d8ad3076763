// Validation of operator parameters given as JSON.
//
// A ParamReader reads typed values with defaults and ranges from a JSON
// object and remembers which keys it consumed, so that finish() can reject
// unknown keys. Every error is InvalidArgument and names the operator and
// the parameter. Not thread-safe (one reader per call).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "n4a/status.h"

namespace n4a::ml {

class ParamReader {
 public:
  // `params` must be a JSON object or null (= all defaults); checked by finish().
  ParamReader(std::string_view op_name, const nlohmann::json& params);

  // An integer in [min, max]; `fallback` when absent.
  Result<int> integer(const std::string& key, int fallback, int min, int max);
  // A finite number in [min, max]; `fallback` when absent.
  Result<double> number(const std::string& key, double fallback, double min, double max);
  // A boolean; `fallback` when absent.
  Result<bool> boolean(const std::string& key, bool fallback);
  // A pair [a, b] of finite numbers with a < b; `fallback` when absent.
  Result<std::pair<double, double>> ordered_pair(const std::string& key,
                                                 std::pair<double, double> fallback);
  // A finite number (any value); `fallback` when absent.
  Result<double> any_number(const std::string& key, double fallback);

  // Ok when `params` was an object or null and every key was read.
  Status finish() const;

 private:
  const nlohmann::json* find(const std::string& key);
  Status error(const std::string& key, std::string_view what) const;

  std::string op_;
  const nlohmann::json& params_;
  std::set<std::string> seen_;
};

}  // namespace n4a::ml
