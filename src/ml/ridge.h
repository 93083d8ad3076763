// Ridge(alpha): scikit-learn's Ridge(alpha, fit_intercept=True) with its
// default dense solver: X and y centered, then the Cholesky solution of
// (Xc^T Xc + alpha I) w = Xc^T yc (or of the dual (Xc Xc^T + alpha I) d = yc,
// w = Xc^T d, when p > n); intercept = mean(y) - mean(X) w. A singular system
// (alpha = 0) falls back to a least-squares solve.
#pragma once

#include <memory>

#include "ml/operator.h"

namespace n4a::ml {

class Ridge final : public Operator {
 public:
  // Params: alpha (>= 0, default 1.0).
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "Ridge"; }
  OperatorKind kind() const override { return OperatorKind::kModel; }
  nlohmann::json params() const override { return {{"alpha", alpha_}}; }
  bool affine_model(Matrix& b, Matrix& c) const override;
  bool fitted() const override { return coef_.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_predict(const Matrix& x) const override;

 private:
  explicit Ridge(double alpha) : alpha_(alpha) {}

  double alpha_;
  Matrix coef_;       // p x q
  Matrix intercept_;  // 1 x q
};

}  // namespace n4a::ml
