#include "pipeline/config.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "ml/metrics.h"
#include "util/strict_json.h"

namespace n4a::pipeline {
namespace fs = std::filesystem;

Status config_error(const std::string& path, const std::string& message) {
  return Status::InvalidArgument(path.empty() ? message : path + ": " + message);
}

namespace {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// Reads typed keys of one JSON object and rejects keys it was not asked for.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  Status check_object() const {
    if (object_.is_object()) return Status::Ok();
    return config_error(path_, fmt::format("expected an object, got {}", object_.dump()));
  }
  const Json* find(const std::string& key) {
    known_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  Result<std::string> string(const std::string& key, const std::string& fallback,
                             bool required = false) {
    const Json* v = find(key);
    if (v == nullptr) {
      if (required) return config_error(at(key), "missing (expected a string)");
      return fallback;
    }
    if (!v->is_string()) return config_error(at(key), "expected a string, got " + v->dump());
    return v->get<std::string>();
  }
  Result<bool> boolean(const std::string& key, bool fallback) {
    const Json* v = find(key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) return config_error(at(key), "expected true or false, got " + v->dump());
    return v->get<bool>();
  }
  Result<int64_t> integer(const std::string& key, int64_t fallback, int64_t min) {
    const Json* v = find(key);
    if (v == nullptr) return fallback;
    if (!v->is_number_integer() || v->get<int64_t>() < min) {
      return config_error(at(key),
                          fmt::format("expected an integer >= {}, got {}", min, v->dump()));
    }
    return v->get<int64_t>();
  }
  Result<double> fraction(const std::string& key) {
    const Json* v = find(key);
    if (v == nullptr || !v->is_number() || !(v->get<double>() > 0 && v->get<double>() < 1)) {
      return config_error(at(key), "expected a number between 0 and 1 (exclusive), got " +
                                       (v ? v->dump() : std::string("nothing")));
    }
    return v->get<double>();
  }
  // InvalidArgument naming the first key that no call asked for.
  Status finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (known_.count(key) == 0) {
        std::vector<std::string> names(known_.begin(), known_.end());
        return config_error(at(key),
                            fmt::format("unknown key (known: {})", fmt::join(names, ", ")));
      }
    }
    return Status::Ok();
  }
  std::string at(const std::string& key) const { return join_path(path_, key); }

 private:
  const Json& object_;
  std::string path_;
  std::set<std::string> known_;
};

Result<std::string> resolve_file(const std::string& path_key, const std::string& file,
                                 const fs::path& config_dir) {
  std::error_code ec;
  fs::path p(file);
  std::vector<fs::path> candidates{p};
  if (p.is_relative() && !config_dir.empty()) candidates.push_back(config_dir / p);
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::absolute(c, ec).lexically_normal().string();
  }
  std::string where = p.is_relative() ? fmt::format(" (looked in the current directory and in {})",
                                                    config_dir.empty() ? "." : config_dir.string())
                                      : "";
  return config_error(path_key, fmt::format("file not found: {}{}", file, where));
}

Result<TestSpec> parse_test(const Json& value, const std::string& path, const fs::path& dir) {
  ObjectReader r(value, path);
  N4A_TRY(r.check_object());
  TestSpec t;
  const bool has_rows = value.contains("rows"), has_path = value.contains("path"),
             has_fraction = value.contains("fraction");
  if (has_rows + has_path + has_fraction != 1) {
    return config_error(path, "expected exactly one of rows, path or fraction");
  }
  if (has_rows) {
    t.kind = TestKind::kRows;
    N4A_ASSIGN_OR_RETURN(t.rows, r.string("rows", "", true));
  } else if (has_path) {
    t.kind = TestKind::kFile;
    N4A_ASSIGN_OR_RETURN(std::string file, r.string("path", "", true));
    N4A_ASSIGN_OR_RETURN(t.path, resolve_file(r.at("path"), file, dir));
  } else {
    t.kind = TestKind::kFraction;
    N4A_ASSIGN_OR_RETURN(t.fraction, r.fraction("fraction"));
    N4A_ASSIGN_OR_RETURN(int64_t seed, r.integer("seed", 0, 0));
    t.seed = static_cast<uint64_t>(seed);
  }
  N4A_TRY(r.finish());
  return t;
}

Result<DatasetSpec> parse_dataset(const Json& value, const fs::path& dir) {
  ObjectReader r(value, "dataset");
  N4A_TRY(r.check_object());
  DatasetSpec d;
  N4A_ASSIGN_OR_RETURN(std::string file, r.string("path", "", true));
  N4A_ASSIGN_OR_RETURN(d.path, resolve_file("dataset.path", file, dir));
  N4A_ASSIGN_OR_RETURN(d.target, r.string("target", "", true));
  N4A_ASSIGN_OR_RETURN(d.id_column, r.string("id_column", ""));
  N4A_ASSIGN_OR_RETURN(d.name, r.string("name", fs::path(file).stem().string()));
  if (const Json* test = r.find("test")) {
    N4A_ASSIGN_OR_RETURN(d.test, parse_test(*test, "dataset.test", dir));
  }
  N4A_TRY(r.finish());
  return d;
}

Result<CvSpec> parse_cv(const Json* value) {
  CvSpec cv;
  if (value == nullptr) {
    cv = {"kfold", "KFold", Json{{"n_splits", 5}, {"shuffle", true}, {"seed", 0}}};
    return cv;
  }
  ObjectReader r(*value, "cv");
  N4A_TRY(r.check_object());
  N4A_ASSIGN_OR_RETURN(cv.type, r.string("type", "kfold"));
  cv.params = Json::object();
  if (cv.type == "kfold") {
    cv.splitter = "KFold";
    N4A_ASSIGN_OR_RETURN(cv.params["n_splits"], r.integer("n_splits", 5, 2));
    N4A_ASSIGN_OR_RETURN(cv.params["shuffle"], r.boolean("shuffle", true));
    N4A_ASSIGN_OR_RETURN(cv.params["seed"], r.integer("seed", 0, 0));
  } else if (cv.type == "shuffle_split") {
    cv.splitter = "ShuffleSplit";
    N4A_ASSIGN_OR_RETURN(cv.params["n_splits"], r.integer("n_splits", 10, 1));
    N4A_ASSIGN_OR_RETURN(cv.params["test_size"],
                         r.find("test_size") ? r.fraction("test_size") : Result<double>(0.2));
    N4A_ASSIGN_OR_RETURN(cv.params["seed"], r.integer("seed", 0, 0));
  } else if (cv.type == "loo") {
    cv.splitter = "LeaveOneOut";
  } else {
    return config_error("cv.type", fmt::format("unknown CV type \"{}\" (known: kfold, "
                                               "shuffle_split, loo)",
                                               cv.type));
  }
  N4A_TRY(r.finish());
  return cv;
}

Status check_metric(const std::string& metric) {
  auto info = ml::find_metric(metric);
  if (!info.ok()) return config_error("metric", info.status().message());
  return Status::Ok();
}

}  // namespace

Result<Json> read_config_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound("config file not found: " + path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::IOError("cannot read config file " + path);
  auto config = ParseStrictJson(text.str());
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

Result<RunConfig> parse_run_config(const Json& config, const fs::path& config_dir) {
  ObjectReader r(config, "");
  if (!config.is_object()) return config_error("", "the config must be a JSON object");
  RunConfig c;
  N4A_ASSIGN_OR_RETURN(c.name, r.string("name", "run"));
  const Json* dataset = r.find("dataset");
  if (dataset == nullptr) return config_error("dataset", "missing (expected an object)");
  N4A_ASSIGN_OR_RETURN(c.dataset, parse_dataset(*dataset, config_dir));
  N4A_ASSIGN_OR_RETURN(c.cv, parse_cv(r.find("cv")));
  const Json* steps = r.find("pipeline");
  if (steps == nullptr || !steps->is_array() || steps->empty()) {
    return config_error("pipeline", "expected a non-empty array of steps, got " +
                                        (steps ? steps->dump() : std::string("nothing")));
  }
  c.pipeline = *steps;
  N4A_ASSIGN_OR_RETURN(c.metric, r.string("metric", "rmse"));
  N4A_TRY(check_metric(c.metric));
  N4A_ASSIGN_OR_RETURN(c.refit, r.boolean("refit", true));
  N4A_TRY(r.finish());
  c.resolved = config;
  c.resolved["dataset"]["path"] = c.dataset.path;
  if (c.dataset.test.kind == TestKind::kFile)
    c.resolved["dataset"]["test"]["path"] = c.dataset.test.path;
  return c;
}

}  // namespace n4a::pipeline
