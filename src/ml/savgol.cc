#include "ml/savgol.h"

#include <fmt/format.h>

#include <cmath>

#include "ml/params.h"

namespace n4a::ml {
namespace {

// Rows of the pseudo-inverse of the Vandermonde matrix of the window, in
// scaled coordinates u = (j - half) / half so that it is well conditioned.
Matrix window_pinv(int window, int polyorder) {
  const int half = window / 2;
  Matrix v(window, polyorder + 1);
  for (int j = 0; j < window; ++j) {
    const double u = static_cast<double>(j - half) / half;
    double power = 1.0;
    for (int m = 0; m <= polyorder; ++m, power *= u) v(j, m) = power;
  }
  Matrix id = Matrix::Identity(window, window);
  return v.colPivHouseholderQr().solve(id);  // (polyorder + 1) x window
}

// Coefficients giving the deriv-th derivative (per unit sample step) at
// offset s (in samples, from the window center) of the least-squares fit.
RowVector coefficients_at(const Matrix& pinv, int polyorder, int deriv, int half, int s) {
  RowVector c = RowVector::Zero(pinv.cols());
  const double u = static_cast<double>(s) / half;
  for (int m = deriv; m <= polyorder; ++m) {
    double factor = 1.0;  // m! / (m - deriv)!
    for (int k = m - deriv + 1; k <= m; ++k) factor *= k;
    c += factor * std::pow(u, m - deriv) * pinv.row(m);
  }
  return c / std::pow(static_cast<double>(half), deriv);
}

}  // namespace

SavitzkyGolay::SavitzkyGolay(int window, int polyorder, int deriv)
    : window_(window), polyorder_(polyorder), deriv_(deriv) {
  const int half = window / 2;
  const Matrix pinv = window_pinv(window, polyorder);
  center_ = coefficients_at(pinv, polyorder, deriv, half, 0);
  left_.resize(half, window);
  right_.resize(half, window);
  for (int i = 0; i < half; ++i) {
    left_.row(i) = coefficients_at(pinv, polyorder, deriv, half, i - half);
    right_.row(i) = coefficients_at(pinv, polyorder, deriv, half, i + 1);
  }
}

Result<std::unique_ptr<Operator>> SavitzkyGolay::create(const nlohmann::json& params) {
  ParamReader r("SavitzkyGolay", params);
  N4A_ASSIGN_OR_RETURN(int window, r.integer("window_length", 11, 3, 1001));
  N4A_ASSIGN_OR_RETURN(int polyorder, r.integer("polyorder", 2, 0, 20));
  N4A_ASSIGN_OR_RETURN(int deriv, r.integer("deriv", 0, 0, 20));
  N4A_TRY(r.finish());
  if (window % 2 == 0) {
    return Status::InvalidArgument(
        fmt::format("SavitzkyGolay: parameter 'window_length' must be odd, got {}", window));
  }
  if (polyorder >= window) {
    return Status::InvalidArgument(fmt::format(
        "SavitzkyGolay: parameter 'polyorder' ({}) must be less than window_length ({})", polyorder,
        window));
  }
  return std::unique_ptr<Operator>(new SavitzkyGolay(window, polyorder, deriv));
}

nlohmann::json SavitzkyGolay::params() const {
  return {{"window_length", window_}, {"polyorder", polyorder_}, {"deriv", deriv_}};
}

void SavitzkyGolay::apply_row(const double* in, double* out, Eigen::Index size) const {
  const Eigen::Index half = window_ / 2;
  const Eigen::Index inner = size - 2 * half;
  Eigen::Map<const RowVector> x(in, size);
  Eigen::Map<RowVector> y(out, size);
  auto body = y.segment(half, inner);
  body = center_[0] * x.segment(0, inner);
  for (Eigen::Index j = 1; j < window_; ++j) body += center_[j] * x.segment(j, inner);
  y.head(half).noalias() = x.head(window_) * left_.transpose();
  y.tail(half).noalias() = x.tail(window_) * right_.transpose();
}

Result<DataShape> SavitzkyGolay::output_shape(const DataShape& in) const {
  if (in.n_features < window_) {
    return invalid(
        fmt::format("parameter 'window_length' must be at most the number of features ({}), got {}",
                    in.n_features, window_));
  }
  return in;
}

Result<Matrix> SavitzkyGolay::do_transform(const Matrix& x) const {
  N4A_TRY(output_shape({x.rows(), x.cols(), {}}));
  Matrix out(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) apply_row(&x(i, 0), &out(i, 0), x.cols());
  return out;
}

}  // namespace n4a::ml
