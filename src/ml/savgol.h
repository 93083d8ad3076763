// Savitzky-Golay smoothing and derivatives along each row, reproducing
// scipy.signal.savgol_filter(x, window_length, polyorder, deriv, delta=1.0,
// mode="interp", axis=-1):
// - interior points (a full window around them) use the convolution
//   coefficients of savgol_coeffs;
// - the first and last window_length // 2 points take the value (or
//   derivative) at their position of the least-squares polynomial fitted to
//   the first, respectively last, window of the row.
// Every output is a fixed linear combination of inputs, so all coefficients
// are precomputed from the parameters and transform() is a row-wise
// convolution. Only odd window lengths are accepted. Stateless after create.
#pragma once

#include <memory>

#include "ml/operator.h"

namespace n4a::ml {

class SavitzkyGolay final : public StatelessTransform {
 public:
  // Params: window_length (odd, >= 3, default 11), polyorder (< window_length,
  // default 2), deriv (>= 0, default 0).
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "SavitzkyGolay"; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override;
  // InvalidArgument when the window is longer than the features.
  Result<DataShape> output_shape(const DataShape& in) const override;

  // Filters one row of `size` >= window_length values; `out` must not alias `in`.
  void apply_row(const double* in, double* out, Eigen::Index size) const;

 protected:
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  SavitzkyGolay(int window, int polyorder, int deriv);

  int window_;
  int polyorder_;
  int deriv_;
  RowVector center_;  // interior coefficients, applied as a correlation
  Matrix left_;       // half x window: first points from the first window
  Matrix right_;      // half x window: last points from the last window
};

}  // namespace n4a::ml
