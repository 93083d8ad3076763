// Column-wise scalers with scikit-learn semantics (sklearn 1.2).
#pragma once

#include <memory>
#include <utility>

#include "ml/operator.h"

namespace n4a::ml {

// sklearn MinMaxScaler: X * scale + min, with scale = (hi - lo) / (max - min)
// per column (a range below 10 * machine epsilon counts as 1) and
// min = lo - data_min * scale. Params: feature_range [lo, hi] = [0, 1].
class MinMaxScaler final : public Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "MinMaxScaler"; }
  OperatorKind kind() const override { return OperatorKind::kTransform; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override;
  bool fitted() const override { return scale_.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  explicit MinMaxScaler(std::pair<double, double> range) : range_(range) {}
  std::pair<double, double> range_;
  Matrix scale_;  // 1 x p
  Matrix min_;    // 1 x p
};

// sklearn StandardScaler: (X - mean) / scale with the population standard
// deviation; a (near-)constant column gets scale 1 (sklearn's
// _is_constant_feature test). Params: with_mean = true, with_std = true.
class StandardScaler final : public Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "StandardScaler"; }
  OperatorKind kind() const override { return OperatorKind::kTransform; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override;
  bool fitted() const override { return mean_.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  StandardScaler(bool with_mean, bool with_std) : with_mean_(with_mean), with_std_(with_std) {}
  bool with_mean_;
  bool with_std_;
  Matrix mean_;   // 1 x p (zeros without with_mean)
  Matrix scale_;  // 1 x p (ones without with_std)
};

}  // namespace n4a::ml
