#include "ml/derivatives.h"

#include <fmt/format.h>

#include "ml/params.h"

namespace n4a::ml {
namespace {

void gradient_row(const double* in, double* out, Eigen::Index p) {
  out[0] = in[1] - in[0];
  for (Eigen::Index j = 1; j + 1 < p; ++j) out[j] = (in[j + 1] - in[j - 1]) / 2.0;
  out[p - 1] = in[p - 1] - in[p - 2];
}

// An orthonormal basis (p x (order + 1)) of the polynomials of degree
// <= order on 0..p-1, built in scaled coordinates for conditioning.
Matrix polynomial_basis(Eigen::Index p, int order) {
  Matrix v(p, order + 1);
  const double mid = static_cast<double>(p - 1) / 2.0;
  const double scale = mid > 0 ? mid : 1.0;
  for (Eigen::Index i = 0; i < p; ++i) {
    const double u = (static_cast<double>(i) - mid) / scale;
    double power = 1.0;
    for (int m = 0; m <= order; ++m, power *= u) v(i, m) = power;
  }
  Eigen::HouseholderQR<Matrix> qr(v);
  return qr.householderQ() * Matrix::Identity(p, order + 1);
}

}  // namespace

Result<std::unique_ptr<Operator>> Derivative::create(const nlohmann::json& params) {
  ParamReader r("Derivative", params);
  N4A_ASSIGN_OR_RETURN(int order, r.integer("order", 1, 1, 4));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Derivative(order));
}

Result<DataShape> Derivative::output_shape(const DataShape& in) const {
  if (in.n_features < 2) return invalid("needs at least 2 features");
  return in;
}

Result<Matrix> Derivative::do_transform(const Matrix& x) const {
  N4A_TRY(output_shape({x.rows(), x.cols(), {}}));
  Matrix out(x.rows(), x.cols());
  RowVector scratch(x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double* in = &x(i, 0);
    for (int k = 0; k < order_; ++k) {
      // Alternate between the output row and the scratch row so that the
      // last pass lands in the output.
      double* dst = ((order_ - k) % 2 == 1) ? &out(i, 0) : scratch.data();
      gradient_row(in, dst, x.cols());
      in = dst;
    }
  }
  return out;
}

Result<std::unique_ptr<Operator>> Detrend::create(const nlohmann::json& params) {
  ParamReader r("Detrend", params);
  N4A_ASSIGN_OR_RETURN(int order, r.integer("order", 1, 0, 5));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Detrend(order));
}

Result<DataShape> Detrend::output_shape(const DataShape& in) const {
  if (in.n_features <= order_) {
    return invalid(
        fmt::format("parameter 'order' must be less than the number of features ({}), got {}",
                    in.n_features, order_));
  }
  return in;
}

Result<Matrix> Detrend::do_transform(const Matrix& x) const {
  N4A_TRY(output_shape({x.rows(), x.cols(), {}}));
  const Matrix q = polynomial_basis(x.cols(), order_);
  Matrix coeffs = x * q;  // n x (order + 1)
  Matrix out = x;
  out.noalias() -= coeffs * q.transpose();
  return out;
}

}  // namespace n4a::ml
