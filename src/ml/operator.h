// Operator: a transform or a model of an n4a chain, with its parameters,
// its fitted state, and a deterministic binary form.
//
// Lifecycle: make_operator(name, params) (registry.h) builds an unfitted
// operator from validated parameters; fit() learns the state; transform()
// (transforms) or predict() (models) applies it; serialize() gives bytes that
// deserialize_operator() turns back into an equal operator.
//
// Thread safety: fit() mutates and needs exclusive access. After fit, the
// const methods (transform, predict, predict_proba, serialize, params) keep no
// scratch state and may be called concurrently from several threads.
//
// Errors: never thrown. Wrong shapes, an unfitted operator or non-finite
// results give a Status naming the operator; exceptions from Eigen or the
// standard library (e.g. bad_alloc) are caught here and become Internal.
#pragma once

#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ml/matrix.h"
#include "n4a/status.h"

namespace n4a::ml {

enum class OperatorKind {
  kTransform,  // transform(X) -> X'
  kModel,      // predict(X) -> y
};

// What fit() may need besides X and y.
struct FitContext {
  // One wavelength per column of X (NaN where a header is not numeric), or
  // empty when unknown. Crop needs it; other operators ignore it.
  std::vector<double> wavelengths;
  // Set by a caller that has checked X and y for NaN and infinities, once for
  // the many fits on the same matrices: fit() then skips its own check (a
  // pass over X that costs a PLS fit on 1,000 wavelengths a fifth of its time).
  bool inputs_finite = false;
};

// The shape of the data a step will be fitted on, known before any fit: what
// a sweep checks its variants against before it starts (prepare_run), so that
// parameters the data rules out are refused at once instead of at fit time.
struct DataShape {
  Eigen::Index n_samples = 0;  // the fewest rows any fit of the step gets
  Eigen::Index n_features = 0;
  // One wavelength per feature (NaN where a header is not numeric), or
  // empty when unknown, as in FitContext.
  std::vector<double> wavelengths;
};

// Models whose fits nest: fitting a member of size k computes, on the way, the
// fit of every smaller member on the same data (PLS: the NIPALS components
// come one after the other). A sweep over the size fits the largest member
// once and derives the others from it (Operator::derive).
struct ModelFamily {
  std::string key;  // equal for the members of one family: name and other params
  int size = 0;     // PLS: n_components
};

// A named fitted array, as stored in the binary format.
struct NamedArray {
  std::string name;
  Matrix values;
};

class Operator {
 public:
  virtual ~Operator() = default;

  // The registry name, e.g. "PLSRegression".
  virtual std::string_view name() const = 0;
  virtual OperatorKind kind() const = 0;
  // Every parameter, defaults included, as a JSON object; make_operator(name(),
  // params()) builds an equal unfitted operator.
  virtual nlohmann::json params() const = 0;
  // True once fit() succeeded (always true for stateless transforms).
  virtual bool fitted() const = 0;

  // Learns the state from X (n x p) and y (n x t; may have 0 columns for
  // transforms). On error the operator is left unfitted or unchanged.
  Status fit(const Matrix& x, const Matrix& y, const FitContext& context = {});
  // Transforms only: X (n x p, p as at fit) -> n x p'.
  Result<Matrix> transform(const Matrix& x) const;
  // Models only: X (n x p) -> predictions (n x t; class labels for PLSDA).
  Result<Matrix> predict(const Matrix& x) const;
  // Classifiers only: X -> n x n_classes membership scores (rows sum to 1).
  Result<Matrix> predict_proba(const Matrix& x) const;

  // The shape of what transform() gives for input of shape `in` (models and
  // transforms that keep the shape: `in`). InvalidArgument "<name>: <what>"
  // when fit() or transform() on data of that shape is bound to fail for a
  // reason the shape shows (too few features or samples for the parameters,
  // no wavelength in a Crop's range).
  virtual Result<DataShape> output_shape(const DataShape& in) const { return in; }

  // Models only: true when predict() gives class labels (a classifier),
  // false for a regressor.
  virtual bool is_classifier() const { return false; }

  // The wavelengths of the output columns given those of the input columns
  // (same size as the input when unknown). Identity by default; Crop selects.
  virtual std::vector<double> output_wavelengths(const std::vector<double>& input) const {
    return input;
  }

  // True when the fitted transform is affine, transform(X) = X L + c (L and c
  // fixed), so that apply_chain() may fold it into a following affine model.
  virtual bool is_affine() const { return false; }
  // Models only: when predict(X) = X B + c, sets B (p x q) and c (1 x q) and
  // returns true (fitted models; false otherwise).
  virtual bool affine_model(Matrix& /*b*/, Matrix& /*c*/) const { return false; }

  // The family of this model (fitted or not), or nullopt (most operators).
  virtual std::optional<ModelFamily> family() const { return std::nullopt; }
  // Fitted models with a family only: `member` (fitted or not, of the same
  // family, size not above ours) as fit() would make it on the data this
  // model was fitted on, bit for bit. InvalidArgument otherwise.
  virtual Result<std::unique_ptr<Operator>> derive(const Operator& member) const;

  // Models with a family only: the predictions on x of `members`, fitted
  // models that derive() made from this one (this one included), each
  // exactly what its predict(x) gives. Where the family allows it (PLS), one
  // pass over x serves them all.
  Result<std::vector<Matrix>> predict_members(const std::vector<const Operator*>& members,
                                              const Matrix& x) const;

  // The fitted state as named arrays (empty when unfitted or stateless).
  virtual std::vector<NamedArray> fitted_arrays() const = 0;
  // Restores the state saved by fitted_arrays() (of an operator with the same
  // params). Corruption when names or shapes are inconsistent.
  virtual Status restore(std::vector<NamedArray> arrays) = 0;

  // The operator in the binary format of docs/formats/operator.md. Same
  // parameters and fitted state give the same bytes.
  std::string serialize() const;

 protected:
  virtual Status do_fit(const Matrix& x, const Matrix& y, const FitContext& context) = 0;
  virtual Result<Matrix> do_transform(const Matrix& x) const;
  virtual Result<Matrix> do_predict(const Matrix& x) const;
  virtual Result<Matrix> do_predict_proba(const Matrix& x) const;
  // predict_members() once this model is known fitted: by default each
  // member's predict().
  virtual Result<std::vector<Matrix>> do_predict_members(
      const std::vector<const Operator*>& members, const Matrix& x) const;

  // InvalidArgument "<name>: <what>".
  Status invalid(std::string_view what) const;
  // InvalidArgument unless x has `expected` columns.
  Status check_columns(const Matrix& x, Eigen::Index expected) const;
};

// A transform with nothing to fit (SNV, Savitzky-Golay, derivatives): fit is
// a no-op and its binary form carries no arrays.
class StatelessTransform : public Operator {
 public:
  OperatorKind kind() const final { return OperatorKind::kTransform; }
  bool fitted() const final { return true; }
  std::vector<NamedArray> fitted_arrays() const final { return {}; }
  // Corruption if `arrays` is not empty.
  Status restore(std::vector<NamedArray> arrays) final;

 protected:
  Status do_fit(const Matrix&, const Matrix&, const FitContext&) final { return Status::Ok(); }
};

// For restore(): moves `arrays` into `targets` in order, checking that the
// names match exactly. Corruption naming `op` otherwise. Shapes are the
// caller's to check.
Status unpack_arrays(std::string_view op, std::vector<NamedArray>& arrays,
                     std::initializer_list<std::pair<std::string_view, Matrix*>> targets);

// Corruption "<op>: <what>" for restore() shape checks.
Status corrupt_state(std::string_view op, std::string_view what);

}  // namespace n4a::ml
