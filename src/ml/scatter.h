// Scatter corrections of NIR spectra: SNV and MSC (row-wise).
#pragma once

#include <memory>

#include "ml/operator.h"

namespace n4a::ml {

// Standard normal variate: each row becomes (x - mean(x)) / std(x), with the
// population standard deviation (ddof = 0); a constant row is only centered.
// Stateless, no parameters.
class Snv final : public StatelessTransform {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "SNV"; }
  nlohmann::json params() const override { return nlohmann::json::object(); }

  // SNV of one row of `size` values from `in` to `out` (may alias).
  static void apply_row(const double* in, double* out, Eigen::Index size);

 protected:
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  Snv() = default;
};

// Multiplicative scatter correction: fit stores the mean training spectrum m;
// transform regresses each row x on m by least squares, x ~ a + b m, and
// returns (x - a) / b (as nirs4all and the chemometrics literature do).
// InvalidArgument when a row has slope b == 0. No parameters.
class Msc final : public Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "MSC"; }
  OperatorKind kind() const override { return OperatorKind::kTransform; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool fitted() const override { return reference_.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  Msc() = default;
  Status set_reference(Matrix reference);

  Matrix reference_;    // 1 x p mean spectrum
  RowVector centered_;  // reference - mean(reference)
  double ref_mean_ = 0;
  double ref_ss_ = 0;  // sum of squares of centered_
};

}  // namespace n4a::ml
