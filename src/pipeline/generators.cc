#include "pipeline/generators.h"

#include <fmt/format.h>

#include <cmath>

#include "pipeline/config.h"
#include "util/strict_json.h"

namespace n4a::pipeline {
namespace {

constexpr const char* kOr = "_or_";
constexpr const char* kRange = "_range_";
constexpr const char* kLogRange = "_log_range_";

std::string key_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string index_path(const std::string& path, size_t i) {
  return fmt::format("{}[{}]", path, i);
}

// The generator keyword of `value`, or "" when it is no generator.
Result<std::string> generator_key(const Json& value, const std::string& path) {
  if (!value.is_object()) return std::string();
  for (const auto& [key, v] : value.items()) {
    if (key.size() < 2 || key.front() != '_' || key.back() != '_') continue;
    if (key != kOr && key != kRange && key != kLogRange) {
      return config_error(key_path(path, key),
                          "unknown generator (known: _or_, _range_, _log_range_)");
    }
    if (value.size() != 1) {
      return config_error(path,
                          fmt::format("a {} generator must be the only key of its object", key));
    }
    return key;
  }
  return std::string();
}

bool all_integers(const Json& a) {
  for (const Json& v : a)
    if (!v.is_number_integer()) return false;
  return true;
}

Result<std::vector<Json>> range_values(const Json& spec, const std::string& path) {
  const std::string at = key_path(path, kRange);
  if (!spec.is_array() || spec.size() < 2 || spec.size() > 3) {
    return config_error(at, "expected [from, to] or [from, to, step], got " + spec.dump());
  }
  for (const Json& v : spec)
    if (!v.is_number()) return config_error(at, "expected numbers, got " + spec.dump());
  const double from = spec[0].get<double>(), to = spec[1].get<double>();
  const double step = spec.size() == 3 ? spec[2].get<double>() : (from <= to ? 1.0 : -1.0);
  if (step == 0 || (to - from) * step < 0) {
    return config_error(
        at, "the step must be non-zero and go from `from` towards `to`, got " + spec.dump());
  }
  const auto n = static_cast<size_t>(std::floor((to - from) / step + 1e-9)) + 1;
  if (n > kMaxVariants) return config_error(at, fmt::format("{} values is too many", n));
  std::vector<Json> out;
  const bool ints = all_integers(spec);
  for (size_t i = 0; i < n; ++i) {
    if (ints) {
      const int64_t istep = spec.size() == 3 ? spec[2].get<int64_t>() : (from <= to ? 1 : -1);
      out.emplace_back(spec[0].get<int64_t>() + static_cast<int64_t>(i) * istep);
    } else {
      out.emplace_back(from + static_cast<double>(i) * step);
    }
  }
  return out;
}

Result<std::vector<Json>> log_range_values(const Json& spec, const std::string& path) {
  const std::string at = key_path(path, kLogRange);
  if (!spec.is_array() || spec.size() != 3 || !spec[0].is_number() || !spec[1].is_number() ||
      !spec[2].is_number_integer()) {
    return config_error(at, "expected [from, to, count], got " + spec.dump());
  }
  const double from = spec[0].get<double>(), to = spec[1].get<double>();
  const int64_t count = spec[2].get<int64_t>();
  if (!(from > 0) || !(to > 0) || count < 1 || static_cast<size_t>(count) > kMaxVariants) {
    return config_error(at, "expected from > 0, to > 0 and count >= 1, got " + spec.dump());
  }
  std::vector<Json> out;
  for (int64_t i = 0; i < count; ++i) {
    const double t = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    out.emplace_back(i == count - 1 ? to : from * std::pow(to / from, t));
  }
  return out;
}

Status check_or(const Json& alternatives, const std::string& path) {
  if (!alternatives.is_array() || alternatives.empty()) {
    return config_error(key_path(path, kOr),
                        "expected a non-empty array of alternatives, got " + alternatives.dump());
  }
  return Status::Ok();
}

size_t saturating_mul(size_t a, size_t b, size_t limit) {
  if (a != 0 && b > (limit + 1) / a + 1) return limit + 1;
  return std::min(a * b, limit + 1);
}

// Calls `fn(i, child, child_path)` for the children of an array or object.
template <typename Fn>
Status for_children(const Json& value, const std::string& path, Fn&& fn) {
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) N4A_TRY(fn(value[i], index_path(path, i)));
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) N4A_TRY(fn(child, key_path(path, key)));
  }
  return Status::Ok();
}

// `depth`: how many arrays and objects hold `value` (1 for the top value).
Result<size_t> count_impl(const Json& value, const std::string& path, size_t limit, int depth) {
  if (depth > kMaxStrictJsonDepth && (value.is_array() || value.is_object())) {
    return config_error(path, fmt::format("nested more than {} levels deep", kMaxStrictJsonDepth));
  }
  N4A_ASSIGN_OR_RETURN(std::string gen, generator_key(value, path));
  if (gen == kOr) {
    N4A_TRY(check_or(value[kOr], path));
    size_t total = 0;
    for (size_t i = 0; i < value[kOr].size(); ++i) {
      N4A_ASSIGN_OR_RETURN(size_t n, count_impl(value[kOr][i], index_path(key_path(path, kOr), i),
                                                limit, depth + 2));
      total = std::min(total + n, limit + 1);
    }
    return total;
  }
  if (gen == kRange) {
    N4A_ASSIGN_OR_RETURN(auto values, range_values(value[kRange], path));
    return values.size();
  }
  if (gen == kLogRange) {
    N4A_ASSIGN_OR_RETURN(auto values, log_range_values(value[kLogRange], path));
    return values.size();
  }
  size_t total = 1;
  N4A_TRY(for_children(value, path, [&](const Json& child, const std::string& child_path) {
    N4A_ASSIGN_OR_RETURN(size_t n, count_impl(child, child_path, limit, depth + 1));
    total = saturating_mul(total, n, limit);
    return Status::Ok();
  }));
  return total;
}

std::vector<Expansion> leaves(const std::vector<Json>& values, const std::string& path) {
  std::vector<Expansion> out;
  for (const Json& v : values) out.push_back({v, Json{{path, v}}});
  return out;
}

// The cartesian product of the children's expansions, first child slowest.
std::vector<Expansion> product(const Json& container,
                               const std::vector<std::vector<Expansion>>& parts) {
  std::vector<Expansion> acc{
      {container.is_array() ? Json::array() : Json::object(), Json::object()}};
  std::vector<std::string> keys;
  if (container.is_object())
    for (const auto& [key, child] : container.items()) keys.push_back(key);
  for (size_t c = 0; c < parts.size(); ++c) {
    std::vector<Expansion> next;
    next.reserve(acc.size() * parts[c].size());
    for (const Expansion& prefix : acc) {
      for (const Expansion& part : parts[c]) {
        Expansion e = prefix;
        if (container.is_array()) {
          e.value.push_back(part.value);
        } else {
          e.value[keys[c]] = part.value;
        }
        e.choices.update(part.choices);
        next.push_back(std::move(e));
      }
    }
    acc = std::move(next);
  }
  return acc;
}

Result<std::vector<Expansion>> expand_impl(const Json& value, const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string gen, generator_key(value, path));
  if (gen == kOr) {
    std::vector<Expansion> out;
    const Json& alternatives = value[kOr];
    for (size_t i = 0; i < alternatives.size(); ++i) {
      N4A_ASSIGN_OR_RETURN(auto subs,
                           expand_impl(alternatives[i], index_path(key_path(path, kOr), i)));
      for (Expansion& e : subs) {
        e.choices[path] = alternatives[i];
        out.push_back(std::move(e));
      }
    }
    return out;
  }
  if (gen == kRange) {
    N4A_ASSIGN_OR_RETURN(auto values, range_values(value[kRange], path));
    return leaves(values, path);
  }
  if (gen == kLogRange) {
    N4A_ASSIGN_OR_RETURN(auto values, log_range_values(value[kLogRange], path));
    return leaves(values, path);
  }
  if (!value.is_array() && !value.is_object()) {
    return std::vector<Expansion>{{value, Json::object()}};
  }
  std::vector<std::vector<Expansion>> parts;
  N4A_TRY(for_children(value, path, [&](const Json& child, const std::string& child_path) {
    N4A_ASSIGN_OR_RETURN(auto sub, expand_impl(child, child_path));
    parts.push_back(std::move(sub));
    return Status::Ok();
  }));
  return product(value, parts);
}

}  // namespace

Result<size_t> count_variants(const Json& value, const std::string& path, size_t limit) {
  N4A_ASSIGN_OR_RETURN(size_t n, count_impl(value, path, limit, 1));
  if (n > limit) {
    return config_error(path, fmt::format("the generators give more than {} variants", limit));
  }
  return n;
}

Result<std::vector<Expansion>> expand(const Json& value, const std::string& path, size_t limit) {
  N4A_TRY(count_variants(value, path, limit));
  return expand_impl(value, path);
}

}  // namespace n4a::pipeline
