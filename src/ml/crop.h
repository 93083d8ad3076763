// Crop(start, end): keeps the features whose wavelength w satisfies
// start <= w <= end. The wavelengths come from the FitContext at fit time;
// the kept column indices are the fitted state.
#pragma once

#include <memory>
#include <vector>

#include "ml/operator.h"

namespace n4a::ml {

class Crop final : public Operator {
 public:
  // Params: start, end (required numbers, start < end).
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "Crop"; }
  OperatorKind kind() const override { return OperatorKind::kTransform; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override { return {{"start", start_}, {"end", end_}}; }
  bool fitted() const override { return n_in_ > 0; }
  std::vector<double> output_wavelengths(const std::vector<double>& input) const override;
  // The features in [start, end]; InvalidArgument as do_fit.
  Result<DataShape> output_shape(const DataShape& in) const override;
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

 protected:
  // InvalidArgument when the context has no wavelength per column or when no
  // wavelength falls in [start, end].
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  Crop(double start, double end) : start_(start), end_(end) {}
  // The columns whose wavelength is in [start, end], or InvalidArgument when
  // `wavelengths` does not hold one per feature or none is in range.
  Result<std::vector<Eigen::Index>> kept_columns(const std::vector<double>& wavelengths,
                                                 Eigen::Index n_features) const;

  double start_;
  double end_;
  Eigen::Index n_in_ = 0;
  std::vector<Eigen::Index> keep_;
};

}  // namespace n4a::ml
