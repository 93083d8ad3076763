#include "ml/crop.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "ml/params.h"

namespace n4a::ml {

Result<std::unique_ptr<Operator>> Crop::create(const nlohmann::json& params) {
  ParamReader r("Crop", params);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  N4A_ASSIGN_OR_RETURN(double start, r.any_number("start", nan));
  N4A_ASSIGN_OR_RETURN(double end, r.any_number("end", nan));
  N4A_TRY(r.finish());
  if (std::isnan(start) || std::isnan(end)) {
    return Status::InvalidArgument(
        fmt::format("Crop: parameter '{}' is required", std::isnan(start) ? "start" : "end"));
  }
  if (!(start < end)) {
    return Status::InvalidArgument(
        fmt::format("Crop: parameter 'start' ({}) must be less than 'end' ({})", start, end));
  }
  return std::unique_ptr<Operator>(new Crop(start, end));
}

Result<std::vector<Eigen::Index>> Crop::kept_columns(const std::vector<double>& wavelengths,
                                                     Eigen::Index n_features) const {
  if (static_cast<Eigen::Index>(wavelengths.size()) != n_features) {
    return invalid(fmt::format("needs one wavelength per feature ({}), got {}", n_features,
                               wavelengths.size()));
  }
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < n_features; ++j) {
    const double w = wavelengths[static_cast<size_t>(j)];
    if (w >= start_ && w <= end_) keep.push_back(j);  // false for NaN
  }
  if (keep.empty()) {
    return invalid(fmt::format("no feature has a wavelength in [{}, {}]", start_, end_));
  }
  return keep;
}

Result<DataShape> Crop::output_shape(const DataShape& in) const {
  N4A_ASSIGN_OR_RETURN(std::vector<Eigen::Index> keep, kept_columns(in.wavelengths, in.n_features));
  DataShape out{in.n_samples, static_cast<Eigen::Index>(keep.size()), {}};
  for (Eigen::Index j : keep) out.wavelengths.push_back(in.wavelengths[static_cast<size_t>(j)]);
  return out;
}

Status Crop::do_fit(const Matrix& x, const Matrix&, const FitContext& context) {
  N4A_ASSIGN_OR_RETURN(keep_, kept_columns(context.wavelengths, x.cols()));
  n_in_ = x.cols();
  return Status::Ok();
}

Result<Matrix> Crop::do_transform(const Matrix& x) const {
  N4A_TRY(check_columns(x, n_in_));
  Matrix out(x.rows(), static_cast<Eigen::Index>(keep_.size()));
  for (Eigen::Index j = 0; j < out.cols(); ++j) out.col(j) = x.col(keep_[static_cast<size_t>(j)]);
  return out;
}

std::vector<double> Crop::output_wavelengths(const std::vector<double>& input) const {
  std::vector<double> out;
  for (Eigen::Index j : keep_) {
    const auto k = static_cast<size_t>(j);
    out.push_back(k < input.size() ? input[k] : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

std::vector<NamedArray> Crop::fitted_arrays() const {
  if (!fitted()) return {};
  Matrix n_in(1, 1);
  n_in(0, 0) = static_cast<double>(n_in_);
  Matrix keep(1, static_cast<Eigen::Index>(keep_.size()));
  for (Eigen::Index j = 0; j < keep.cols(); ++j)
    keep(0, j) = static_cast<double>(keep_[static_cast<size_t>(j)]);
  return {{"n_features_in", n_in}, {"indices", keep}};
}

Status Crop::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    n_in_ = 0, keep_.clear();
    return Status::Ok();
  }
  Matrix n_in, keep;
  N4A_TRY(unpack_arrays(name(), arrays, {{"n_features_in", &n_in}, {"indices", &keep}}));
  if (n_in.size() != 1 || keep.rows() != 1 || keep.cols() == 0) {
    return corrupt_state(name(), "bad array shapes");
  }
  const double limit = n_in(0, 0);
  if (!(limit >= 1 && limit <= 1e9 && limit == std::floor(limit))) {
    return corrupt_state(name(), "bad n_features_in");
  }
  std::vector<Eigen::Index> indices;
  double previous = -1;
  for (Eigen::Index j = 0; j < keep.cols(); ++j) {
    const double v = keep(0, j);
    if (!(v > previous && v < limit && v == std::floor(v))) {
      return corrupt_state(name(), "indices must be increasing integers below n_features_in");
    }
    indices.push_back(static_cast<Eigen::Index>(v));
    previous = v;
  }
  n_in_ = static_cast<Eigen::Index>(limit);
  keep_ = std::move(indices);
  return Status::Ok();
}

}  // namespace n4a::ml
