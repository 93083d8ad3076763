// PLS models: PLSRegression (sklearn's PLSRegression) and PLSDA
// (classification by PLS2 on one-hot targets).
#pragma once

#include <memory>
#include <vector>

#include "ml/operator.h"
#include "ml/pls_fit.h"

namespace n4a::ml {

// scikit-learn's PLSRegression(n_components, scale) with n4a's default
// scale=false (spectra share one unit). predict() = ((X - x_mean) / x_std) coef
// + y_mean, as sklearn. Params: n_components (>= 1, default 2; <= p at fit),
// scale (default false).
class PlsRegression final : public Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "PLSRegression"; }
  OperatorKind kind() const override { return OperatorKind::kModel; }
  nlohmann::json params() const override;
  bool affine_model(Matrix& b, Matrix& c) const override;
  // InvalidArgument from check_pls_size.
  Result<DataShape> output_shape(const DataShape& in) const override;
  std::optional<ModelFamily> family() const override;
  Result<std::unique_ptr<Operator>> derive(const Operator& member) const override;
  bool fitted() const override { return model_.coef.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

  // The fitted model (valid when fitted()).
  const PlsModel& model() const { return model_; }

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_predict(const Matrix& x) const override;
  // One pass over x for members that share this fit's centering (derived).
  Result<std::vector<Matrix>> do_predict_members(const std::vector<const Operator*>& members,
                                                 const Matrix& x) const override;

 private:
  PlsRegression(int n_components, PlsScale scale) : n_components_(n_components), scale_(scale) {}

  int n_components_;
  PlsScale scale_;
  PlsModel model_;
};

// PLS discriminant analysis: y is one column of class labels (any finite
// numbers); fit encodes them one-hot over the sorted distinct labels and fits
// PLS2 with scale=false. predict() returns the label of the largest PLS
// output per row. predict_proba() returns the PLS outputs clipped to [0, 1]
// and divided by their row sum (uniform when all clip to 0): a normalized
// membership score, not a calibrated probability. Params: n_components
// (>= 1, default 2).
class PlsDa final : public Operator {
 public:
  static Result<std::unique_ptr<Operator>> create(const nlohmann::json& params);

  std::string_view name() const override { return "PLSDA"; }
  OperatorKind kind() const override { return OperatorKind::kModel; }
  nlohmann::json params() const override { return {{"n_components", n_components_}}; }
  // InvalidArgument from check_pls_size.
  Result<DataShape> output_shape(const DataShape& in) const override;
  bool is_classifier() const override { return true; }
  std::optional<ModelFamily> family() const override;
  Result<std::unique_ptr<Operator>> derive(const Operator& member) const override;
  bool fitted() const override { return classes_.size() > 0; }
  std::vector<NamedArray> fitted_arrays() const override;
  Status restore(std::vector<NamedArray> arrays) override;

  // The sorted class labels (1 x C), valid when fitted.
  const Matrix& classes() const { return classes_; }

 protected:
  Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) override;
  Result<Matrix> do_predict(const Matrix& x) const override;
  Result<Matrix> do_predict_proba(const Matrix& x) const override;

 private:
  explicit PlsDa(int n_components) : n_components_(n_components) {}

  int n_components_;
  Matrix classes_;  // 1 x C
  PlsModel model_;
};

// Shared by both models' restore(): arrays in the order of pls_arrays()
// (x_rotations is not stored: restore_pls derives it, and also reads the
// version-1 list that held it).
std::vector<NamedArray> pls_arrays(const PlsModel& m);
Status restore_pls(std::string_view op, std::vector<NamedArray>& arrays, int n_components,
                   PlsModel& m);

}  // namespace n4a::ml
