#include "ml/pca.h"

#include <fmt/format.h>

#include <limits>

#include "ml/params.h"

namespace n4a::ml {

Result<std::unique_ptr<Operator>> Pca::create(const nlohmann::json& params) {
  ParamReader r("PCA", params);
  N4A_ASSIGN_OR_RETURN(int k, r.integer("n_components", 2, 1, 100000));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Pca(k));
}

Result<DataShape> Pca::output_shape(const DataShape& in) const {
  if (n_components_ > std::min(in.n_samples, in.n_features)) {
    return invalid(fmt::format(
        "parameter 'n_components' must be at most min(n_samples, n_features) = min({}, {}), got {}",
        in.n_samples, in.n_features, n_components_));
  }
  return DataShape{in.n_samples, n_components_, output_wavelengths(in.wavelengths)};
}

Status Pca::do_fit(const Matrix& x, const Matrix&, const FitContext&) {
  N4A_TRY(output_shape({x.rows(), x.cols(), {}}));
  RowVector mean = x.colwise().mean();
  Matrix centered = x.rowwise() - mean;
  Eigen::BDCSVD<Matrix> svd(centered, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Matrix& u = svd.matrixU();
  Matrix components = svd.matrixV().leftCols(n_components_).transpose();
  for (Eigen::Index k = 0; k < n_components_; ++k) {
    Eigen::Index arg = 0;
    u.col(k).cwiseAbs().maxCoeff(&arg);
    if (u(arg, k) < 0) components.row(k) *= -1.0;
  }
  mean_ = mean;
  components_ = std::move(components);
  return Status::Ok();
}

Result<Matrix> Pca::do_transform(const Matrix& x) const {
  N4A_TRY(check_columns(x, mean_.cols()));
  Matrix centered = x.rowwise() - mean_.row(0);
  Matrix out = centered * components_.transpose();
  return out;
}

std::vector<double> Pca::output_wavelengths(const std::vector<double>&) const {
  return std::vector<double>(static_cast<size_t>(n_components_),
                             std::numeric_limits<double>::quiet_NaN());
}

std::vector<NamedArray> Pca::fitted_arrays() const {
  if (!fitted()) return {};
  return {{"mean", mean_}, {"components", components_}};
}

Status Pca::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    mean_.resize(0, 0), components_.resize(0, 0);
    return Status::Ok();
  }
  Matrix mean, components;
  N4A_TRY(unpack_arrays(name(), arrays, {{"mean", &mean}, {"components", &components}}));
  if (mean.rows() != 1 || mean.cols() == 0 || components.rows() != n_components_ ||
      components.cols() != mean.cols()) {
    return corrupt_state(name(), "mean must be 1 x p and components n_components x p");
  }
  mean_ = std::move(mean), components_ = std::move(components);
  return Status::Ok();
}

}  // namespace n4a::ml
