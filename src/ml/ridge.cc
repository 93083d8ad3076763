#include "ml/ridge.h"

#include "ml/params.h"

namespace n4a::ml {
namespace {

// Solves the symmetric positive (semi)definite system a x = b.
Matrix solve_spd(const Matrix& a, const Matrix& b) {
  Eigen::LLT<Matrix> llt(a);
  if (llt.info() == Eigen::Success) return llt.solve(b);
  return a.completeOrthogonalDecomposition().solve(b);
}

}  // namespace

Result<std::unique_ptr<Operator>> Ridge::create(const nlohmann::json& params) {
  ParamReader r("Ridge", params);
  N4A_ASSIGN_OR_RETURN(double alpha, r.number("alpha", 1.0, 0.0, 1e300));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Ridge(alpha));
}

Status Ridge::do_fit(const Matrix& x, const Matrix& y, const FitContext&) {
  const RowVector x_mean = x.colwise().mean();
  const RowVector y_mean = y.colwise().mean();
  const Matrix xc = x.rowwise() - x_mean;
  const Matrix yc = y.rowwise() - y_mean;
  Matrix coef;
  if (x.cols() > x.rows()) {
    Matrix k = xc * xc.transpose();
    k.diagonal().array() += alpha_;
    coef = xc.transpose() * solve_spd(k, yc);
  } else {
    Matrix a = xc.transpose() * xc;
    a.diagonal().array() += alpha_;
    coef = solve_spd(a, xc.transpose() * yc);
  }
  if (!coef.allFinite()) return invalid("the system is singular (try alpha > 0)");
  intercept_ = y_mean - x_mean * coef;
  coef_ = std::move(coef);
  return Status::Ok();
}

Result<Matrix> Ridge::do_predict(const Matrix& x) const {
  N4A_TRY(check_columns(x, coef_.rows()));
  Matrix out = x * coef_;
  out.rowwise() += intercept_.row(0);
  return out;
}

std::vector<NamedArray> Ridge::fitted_arrays() const {
  if (!fitted()) return {};
  return {{"coef", coef_}, {"intercept", intercept_}};
}

Status Ridge::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    coef_.resize(0, 0), intercept_.resize(0, 0);
    return Status::Ok();
  }
  Matrix coef, intercept;
  N4A_TRY(unpack_arrays(name(), arrays, {{"coef", &coef}, {"intercept", &intercept}}));
  if (coef.size() == 0 || intercept.rows() != 1 || intercept.cols() != coef.cols()) {
    return corrupt_state(name(), "coef must be p x q and intercept 1 x q");
  }
  coef_ = std::move(coef), intercept_ = std::move(intercept);
  return Status::Ok();
}

}  // namespace n4a::ml

namespace n4a::ml {

bool Ridge::affine_model(Matrix& b, Matrix& c) const {
  if (!fitted()) return false;
  b = coef_;
  c = intercept_;
  return true;
}

}  // namespace n4a::ml
