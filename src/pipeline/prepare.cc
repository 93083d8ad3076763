#include "pipeline/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "pipeline/generators.h"
#include "pipeline/variant.h"
#include "pipeline/variant_check.h"

namespace n4a::pipeline {
namespace {

// load_csv errors name the file; the config path says which key to fix.
Status data_error(const Status& s, const std::string& file_key) {
  const std::string& m = s.message();
  std::string key = file_key;
  if (m.find("target column") != std::string::npos) key = "dataset.target";
  if (m.find("id column") != std::string::npos) key = "dataset.id_column";
  return config_error(key, m);
}

Result<ml::Dataset> load(const std::string& path, const DatasetSpec& spec,
                         const std::string& file_key) {
  ml::CsvOptions options;
  options.targets = {spec.target};
  options.id_column = spec.id_column;
  auto data = ml::load_csv(path, options);
  if (!data.ok()) return data_error(data.status(), file_key);
  if (data->n_samples() == 0) return config_error(file_key, path + ": no data rows");
  return data;
}

Result<Partition> take_rows(const ml::Dataset& all, const std::vector<int64_t>& rows) {
  std::vector<Eigen::Index> idx(rows.begin(), rows.end());
  N4A_ASSIGN_OR_RETURN(ml::Dataset d, ml::select_rows(all, idx));
  return Partition{std::move(d), rows};
}

std::vector<int64_t> complement(int64_t n, const std::vector<int64_t>& rows) {
  std::vector<int64_t> out;
  std::set<int64_t> taken(rows.begin(), rows.end());
  for (int64_t i = 0; i < n; ++i)
    if (!taken.contains(i)) out.push_back(i);
  return out;
}

Result<std::vector<int64_t>> test_rows(const TestSpec& t, int64_t n) {
  if (t.kind == TestKind::kRows) return parse_row_ranges(t.rows, n, "dataset.test.rows");
  auto count = static_cast<int64_t>(std::ceil(t.fraction * static_cast<double>(n)));
  std::vector<Eigen::Index> perm = ml::permutation(n, t.seed);
  std::vector<int64_t> rows(perm.begin(), perm.begin() + std::min(count, n));
  std::sort(rows.begin(), rows.end());
  return rows;
}

Json dataset_entry(const ml::Dataset& d, const std::string& name, const std::string& role,
                   const std::string& path, const std::string& target) {
  return {{"name", name},
          {"role", role},
          {"path", path},
          {"hash", d.content_hash},
          {"n_samples", d.n_samples()},
          {"n_features", d.n_features()},
          {"target", target}};
}

Status split(const RunConfig& c, PreparedData& out) {
  const DatasetSpec& spec = c.dataset;
  N4A_ASSIGN_OR_RETURN(ml::Dataset all, load(spec.path, spec, "dataset.path"));
  out.dataset_name = spec.name;
  out.dataset_hash = all.content_hash;
  out.datasets = Json::array({dataset_entry(all, spec.name, "train", spec.path, spec.target)});
  // The headers replay matches new data against, once per run rather than
  // in each chain (docs/formats/catalog.md).
  if (!all.feature_names.empty()) out.datasets[0]["features"] = all.feature_names;
  const int64_t n = all.n_samples();
  std::vector<int64_t> everything(static_cast<size_t>(n));
  std::iota(everything.begin(), everything.end(), 0);
  if (spec.test.kind == TestKind::kNone) {
    N4A_ASSIGN_OR_RETURN(out.train, take_rows(all, everything));
    return Status::Ok();
  }
  if (spec.test.kind == TestKind::kFile) {
    N4A_ASSIGN_OR_RETURN(ml::Dataset test, load(spec.test.path, spec, "dataset.test.path"));
    if (test.n_features() != all.n_features() || test.feature_names != all.feature_names) {
      return config_error("dataset.test.path", "the test file's columns differ from the dataset's");
    }
    out.datasets.push_back(dataset_entry(test, spec.name, "test", spec.test.path, spec.target));
    std::vector<int64_t> test_all(static_cast<size_t>(test.n_samples()));
    std::iota(test_all.begin(), test_all.end(), 0);
    N4A_ASSIGN_OR_RETURN(out.train, take_rows(all, everything));
    N4A_ASSIGN_OR_RETURN(out.test, take_rows(test, test_all));
    return Status::Ok();
  }
  N4A_ASSIGN_OR_RETURN(std::vector<int64_t> rows, test_rows(spec.test, n));
  std::vector<int64_t> train_rows = complement(n, rows);
  if (train_rows.size() < 2 || rows.empty()) {
    return config_error("dataset.test",
                        "the test partition must leave at least 2 train rows "
                        "and take at least 1");
  }
  N4A_ASSIGN_OR_RETURN(out.train, take_rows(all, train_rows));
  N4A_ASSIGN_OR_RETURN(out.test, take_rows(all, rows));
  out.datasets[0]["test_rows"] = rows.size();
  return Status::Ok();
}

Status make_cv(const CvSpec& cv, PreparedData& out) {
  auto folds = ml::make_folds(cv.splitter, cv.params, out.train.data.n_samples());
  if (!folds.ok()) {
    const std::string& m = folds.status().message();
    return config_error(
        m.find("n_splits") != std::string::npos ? "cv.n_splits" : "cv",
        fmt::format("{} (the train partition has {} rows)", m, out.train.data.n_samples()));
  }
  out.folds = std::move(*folds);
  return Status::Ok();
}

// The data every variant is fitted on: the train partition's features, and
// the fewest rows of any fit (the smallest CV train fold; the refit takes
// every train row).
ml::DataShape fit_shape(const PreparedData& d) {
  Eigen::Index rows = d.train.data.n_samples();
  for (const ml::Fold& f : d.folds)
    rows = std::min(rows, static_cast<Eigen::Index>(f.train.size()));
  return {rows, d.train.data.n_features(), d.train.data.wavelengths};
}

}  // namespace

Result<std::vector<int64_t>> parse_row_ranges(const std::string& text, int64_t n,
                                              const std::string& path) {
  std::set<int64_t> rows;
  size_t pos = 0;
  auto bad = [&](const std::string& why) {
    return config_error(path, fmt::format("{} in \"{}\" (expected 1-based ranges like \"51-60\" "
                                          "or \"1-5,9\" within 1..{})",
                                          why, text, n));
  };
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(pos, end - pos);
    long long a = 0, b = 0;
    char dash = 0;
    int got = std::sscanf(part.c_str(), " %lld %c %lld", &a, &dash, &b);
    if (got == 1) b = a;
    if ((got != 1 && (got != 3 || dash != '-')) || a < 1 || b < a || b > n) {
      return bad(fmt::format("bad range \"{}\"", part));
    }
    for (long long i = a; i <= b; ++i) rows.insert(i - 1);
    pos = end + 1;
  }
  return std::vector<int64_t>(rows.begin(), rows.end());
}

Result<Json> check_template_config(const Json& config, const std::filesystem::path& config_dir) {
  N4A_ASSIGN_OR_RETURN(RunConfig c, parse_run_config(config, config_dir));
  auto variants = build_variants(c.pipeline, kMaxVariants);
  if (!variants.ok()) return variants.status();
  return c.resolved;
}

Result<Json> pipeline_template_config(const RunRecord& run, const PipelineRecord& pipeline) {
  if (!run.config.is_object()) {
    return Status::InvalidArgument("run " + run.run_id + " recorded no config");
  }
  Json config = run.config;
  config["pipeline"] = pipeline.expanded_config;
  auto variants = build_variants(pipeline.expanded_config, kMaxVariants);
  if (!variants.ok()) {
    return variants.status().WithContext("the steps of pipeline " + pipeline.pipeline_id);
  }
  return config;
}

Result<Json> template_run_config(const Json& template_config, const std::string& dataset_path,
                                 const std::string& target) {
  if (!template_config.is_object()) return config_error("", "the template is not a JSON object");
  Json config = template_config;
  std::string column = target;
  if (column.empty() && config["dataset"].is_object()) {
    column = config["dataset"].value("target", "");
  }
  if (column.empty()) {
    return config_error("dataset.target", "the template names no target: give one (--target)");
  }
  config["dataset"] = {{"path", dataset_path}, {"target", column}};
  return config;
}

Result<PreparedRun> prepare_run(const Json& config, const std::filesystem::path& config_dir) {
  PreparedRun run;
  N4A_ASSIGN_OR_RETURN(run.config, parse_run_config(config, config_dir));
  N4A_ASSIGN_OR_RETURN(run.variants, build_variants(run.config.pipeline, kMaxVariants));
  N4A_ASSIGN_OR_RETURN(run.metric, ml::find_metric(run.config.metric));
  run.task = run.metric.task;
  N4A_TRY(split(run.config, run.data));
  N4A_TRY(make_cv(run.config.cv, run.data));
  N4A_TRY(check_variants(run.variants, fit_shape(run.data), run.metric));
  return run;
}

}  // namespace n4a::pipeline
