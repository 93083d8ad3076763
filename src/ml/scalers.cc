#include "ml/scalers.h"

#include <cmath>
#include <limits>

#include "ml/params.h"

namespace n4a::ml {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

Status check_row_pair(std::string_view op, const Matrix& a, const Matrix& b) {
  if (a.rows() != 1 || b.rows() != 1 || a.cols() != b.cols() || a.cols() == 0) {
    return corrupt_state(op, "expected two 1 x p arrays of the same width");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Operator>> MinMaxScaler::create(const nlohmann::json& params) {
  ParamReader r("MinMaxScaler", params);
  N4A_ASSIGN_OR_RETURN(auto range, r.ordered_pair("feature_range", {0.0, 1.0}));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new MinMaxScaler(range));
}

nlohmann::json MinMaxScaler::params() const {
  return {{"feature_range", {range_.first, range_.second}}};
}

Status MinMaxScaler::do_fit(const Matrix& x, const Matrix&, const FitContext&) {
  const RowVector lo = x.colwise().minCoeff();
  const RowVector hi = x.colwise().maxCoeff();
  RowVector data_range = hi - lo;
  for (Eigen::Index j = 0; j < data_range.size(); ++j) {
    if (data_range[j] < 10 * kEps) data_range[j] = 1.0;
  }
  scale_ = ((range_.second - range_.first) / data_range.array()).matrix();
  min_ = (range_.first - (lo.array() * scale_.array())).matrix();
  return Status::Ok();
}

Result<Matrix> MinMaxScaler::do_transform(const Matrix& x) const {
  N4A_TRY(check_columns(x, scale_.cols()));
  Matrix out = x;
  out.array().rowwise() *= scale_.row(0).array();
  out.array().rowwise() += min_.row(0).array();
  return out;
}

std::vector<NamedArray> MinMaxScaler::fitted_arrays() const {
  if (!fitted()) return {};
  return {{"scale", scale_}, {"min", min_}};
}

Status MinMaxScaler::restore(std::vector<NamedArray> arrays) {
  Matrix scale, min;
  if (arrays.empty()) {
    scale_.resize(0, 0), min_.resize(0, 0);
    return Status::Ok();
  }
  N4A_TRY(unpack_arrays(name(), arrays, {{"scale", &scale}, {"min", &min}}));
  N4A_TRY(check_row_pair(name(), scale, min));
  scale_ = std::move(scale), min_ = std::move(min);
  return Status::Ok();
}

Result<std::unique_ptr<Operator>> StandardScaler::create(const nlohmann::json& params) {
  ParamReader r("StandardScaler", params);
  N4A_ASSIGN_OR_RETURN(bool with_mean, r.boolean("with_mean", true));
  N4A_ASSIGN_OR_RETURN(bool with_std, r.boolean("with_std", true));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new StandardScaler(with_mean, with_std));
}

nlohmann::json StandardScaler::params() const {
  return {{"with_mean", with_mean_}, {"with_std", with_std_}};
}

Status StandardScaler::do_fit(const Matrix& x, const Matrix&, const FitContext&) {
  const double n = static_cast<double>(x.rows());
  const RowVector mean = x.colwise().mean();
  const RowVector var = (x.rowwise() - mean).array().square().colwise().sum() / n;
  scale_ = RowVector::Ones(x.cols());
  if (with_std_) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      // sklearn's _is_constant_feature: var within rounding error of zero.
      const double bound = n * kEps * var[j] + std::pow(n * mean[j] * kEps, 2);
      scale_(0, j) = var[j] <= bound ? 1.0 : std::sqrt(var[j]);
    }
  }
  mean_ = with_mean_ ? Matrix(mean) : Matrix(RowVector::Zero(x.cols()));
  return Status::Ok();
}

Result<Matrix> StandardScaler::do_transform(const Matrix& x) const {
  N4A_TRY(check_columns(x, mean_.cols()));
  Matrix out = x;
  if (with_mean_) out.rowwise() -= mean_.row(0);
  if (with_std_) out.array().rowwise() /= scale_.row(0).array();
  return out;
}

std::vector<NamedArray> StandardScaler::fitted_arrays() const {
  if (!fitted()) return {};
  return {{"mean", mean_}, {"scale", scale_}};
}

Status StandardScaler::restore(std::vector<NamedArray> arrays) {
  Matrix mean, scale;
  if (arrays.empty()) {
    mean_.resize(0, 0), scale_.resize(0, 0);
    return Status::Ok();
  }
  N4A_TRY(unpack_arrays(name(), arrays, {{"mean", &mean}, {"scale", &scale}}));
  N4A_TRY(check_row_pair(name(), mean, scale));
  mean_ = std::move(mean), scale_ = std::move(scale);
  return Status::Ok();
}

}  // namespace n4a::ml
