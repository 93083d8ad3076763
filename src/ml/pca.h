// PCA(n_components) as scikit-learn's PCA(svd_solver="full", whiten=False):
// centered exact SVD, components with sklearn's svd_flip sign convention
// (largest-magnitude entry of each left singular vector made positive),
// transform = (X - mean) * components^T.
#pragma once

#include <memory>

#include "ml/operator.h"

namespace n4a::ml {

class Pca final : public Operator {
 public:
  // Params: n_components (>= 1, default 2; at most min(n, p) at fit).
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "PCA"; }
  OperatorKind kind() const override { return OperatorKind::kTransform; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override { return {{"n_components", n_components_}}; }
  bool fitted() const override { return mean_.size() > 0; }
  // Outputs are scores, not wavelengths: all NaN.
  std::vector<double> output_wavelengths(const std::vector<double>& input) const override;
  // n_components scores; InvalidArgument when n_components exceeds
  // min(n_samples, n_features).
  Result<DataShape> output_shape(const DataShape& in) const override;
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

  // k x p, rows are the principal axes (valid once fitted).
  const Matrix& components() const { return components_; }

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  explicit Pca(int n_components) : n_components_(n_components) {}

  int n_components_;
  Matrix mean_;        // 1 x p
  Matrix components_;  // k x p
};

}  // namespace n4a::ml
