#include "replay/csv_input.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "ml/csv_reader.h"
#include "ml/dataset.h"
#include "ml/metrics.h"

namespace n4a::replay {
namespace {

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("{}: cannot open for reading", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("{}: read error", path));
  return buffer.str();
}

// The header row's fields, with the separator load_csv would detect.
std::vector<std::string> header_fields(std::string_view text) {
  text = ml::strip_utf8_bom(text);
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto commas = std::count(line.begin(), line.end(), ',');
  const auto semis = std::count(line.begin(), line.end(), ';');
  std::vector<std::string> fields;
  if (!ml::split_csv_line(line, semis > commas ? ';' : ',', fields)) fields.clear();
  return fields;
}

// "401 columns, 900 .. 1700".
std::string describe(const std::vector<std::string>& headers) {
  if (headers.empty()) return "no columns";
  return fmt::format("{} columns, {} .. {}", headers.size(), headers.front(), headers.back());
}

std::string first_few(const std::vector<std::string>& names) {
  constexpr size_t kShown = 5;
  std::vector<std::string> shown(names.begin(), names.begin() + std::min(names.size(), kShown));
  std::string text = fmt::format("{}", fmt::join(shown, ", "));
  if (names.size() > kShown) text += fmt::format(" and {} more", names.size() - kShown);
  return text;
}

// The column of `data` for each training header, or the mismatch.
Result<std::vector<Eigen::Index>> match_columns(const ml::Dataset& data, const FeatureSpec& spec,
                                                const std::string& path) {
  std::map<std::string, Eigen::Index> column;
  for (size_t j = 0; j < data.feature_names.size(); ++j)
    column.emplace(data.feature_names[j], static_cast<Eigen::Index>(j));
  std::vector<Eigen::Index> order;
  std::vector<std::string> missing, unexpected;
  for (const std::string& h : spec.headers) {
    auto it = column.find(h);
    if (it == column.end()) {
      missing.push_back(h);
    } else {
      order.push_back(it->second);
      column.erase(it);
    }
  }
  for (const std::string& h : data.feature_names)
    if (column.contains(h)) unexpected.push_back(h);
  if (missing.empty() && unexpected.empty()) return order;
  std::string detail;
  if (!missing.empty()) detail += "; missing: " + first_few(missing);
  if (!unexpected.empty()) detail += "; not in the training data: " + first_few(unexpected);
  return Status::InvalidArgument(
      fmt::format("{}: the feature columns ({}) do not match those the chain was trained on ({}){}",
                  path, describe(data.feature_names), describe(spec.headers), detail));
}

}  // namespace

Result<CsvInput> read_csv_input(const std::string& path, const FeatureSpec& spec,
                                const CsvColumns& columns) {
  N4A_ASSIGN_OR_RETURN(std::string text, read_text(path));
  const std::vector<std::string> header = header_fields(text);
  auto has = [&](const std::string& name) {
    return !name.empty() && std::find(header.begin(), header.end(), name) != header.end();
  };
  ml::CsvOptions options;
  const std::string target = columns.target.empty() ? spec.target : columns.target;
  const std::string id = columns.id_column.empty() ? spec.id_column : columns.id_column;
  if (has(target)) options.targets = {target};
  if (has(id)) options.id_column = id;
  if (!columns.id_column.empty() && options.id_column.empty()) {
    return Status::InvalidArgument(fmt::format("{}: id column '{}' not found", path, id));
  }
  if (!columns.target.empty() && options.targets.empty()) {
    return Status::InvalidArgument(fmt::format("{}: target column '{}' not found", path, target));
  }
  N4A_ASSIGN_OR_RETURN(ml::Dataset data, ml::parse_csv(text, options, path));
  CsvInput input;
  if (spec.headers.empty() || data.feature_names == spec.headers) {
    input.x = std::move(data.x);
  } else {
    N4A_ASSIGN_OR_RETURN(std::vector<Eigen::Index> order, match_columns(data, spec, path));
    input.x.resize(data.x.rows(), static_cast<Eigen::Index>(order.size()));
    for (size_t j = 0; j < order.size(); ++j)
      input.x.col(static_cast<Eigen::Index>(j)) = data.x.col(order[j]);
  }
  if (input.x.cols() != spec.count) {
    return Status::InvalidArgument(
        fmt::format("{}: {} feature columns ({}), but the chain was trained on {}", path,
                    input.x.cols(), describe(data.feature_names), spec.count));
  }
  input.has_ids = !data.sample_ids.empty();
  input.sample_ids = std::move(data.sample_ids);
  for (Eigen::Index i = 0; !input.has_ids && i < input.x.rows(); ++i)
    input.sample_ids.push_back(std::to_string(i + 1));
  if (data.has_targets()) input.y_true.assign(data.y.data(), data.y.data() + data.y.rows());
  return input;
}

CsvPrediction make_csv_prediction(CsvInput input, ReplayResult result,
                                  const std::string& task_type) {
  CsvPrediction out;
  out.sample_ids = std::move(input.sample_ids);
  out.has_ids = input.has_ids;
  out.predictions = std::move(result.predictions);
  out.folds = std::move(result.folds);
  out.y_true = std::move(input.y_true);
  auto task = ml::parse_task_type(task_type);
  if (!out.y_true.empty() && task.ok() && out.predictions.cols() >= 1) {
    const ml::Vector y = Eigen::Map<const ml::Vector>(out.y_true.data(),
                                                      static_cast<Eigen::Index>(out.y_true.size()));
    const ml::Vector pred = out.predictions.col(0);
    auto metrics = ml::compute_metrics(*task, y, pred);
    if (metrics.ok()) out.metrics = std::move(*metrics);
  }
  return out;
}

}  // namespace n4a::replay
