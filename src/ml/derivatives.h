// Row-wise derivative and detrending of spectra (stateless transforms).
#pragma once

#include <memory>

#include "ml/operator.h"

namespace n4a::ml {

// numpy.gradient(x, axis=1) (unit spacing, edge_order=1), applied `order`
// times: interior (x[i+1] - x[i-1]) / 2, edges x[1] - x[0] and x[p-1] - x[p-2].
// The spacing is one feature, not the wavelength step. Params: order (1..4,
// default 1). Needs at least 2 features.
class Derivative final : public StatelessTransform {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "Derivative"; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override { return {{"order", order_}}; }
  // InvalidArgument for fewer than 2 features.
  Result<DataShape> output_shape(const DataShape& in) const override;

 protected:
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  explicit Derivative(int order) : order_(order) {}
  int order_;
};

// Subtracts from each row its least-squares polynomial of degree `order`
// against the feature index x = 0, 1, ..., p-1 (numpy.polyfit(x, row, order);
// order 1 is scipy.signal.detrend(type="linear"), order 0 removes the mean).
// Params: order (0..5, default 1). Needs more than `order` features.
class Detrend final : public StatelessTransform {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "Detrend"; }
  bool is_affine() const override { return true; }
  nlohmann::json params() const override { return {{"order", order_}}; }
  // InvalidArgument for `order` features or fewer.
  Result<DataShape> output_shape(const DataShape& in) const override;

 protected:
  Result<Matrix> do_transform(const Matrix& x) const override;

 private:
  explicit Detrend(int order) : order_(order) {}
  int order_;
};

}  // namespace n4a::ml
