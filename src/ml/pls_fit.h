// The PLS fitting core shared by PLSRegression and PLSDA: scikit-learn's
// _PLS.fit with algorithm="nipals", mode="A", deflation_mode="regression"
// (sklearn 1.2), max_iter=500, tol=1e-6.
//
// Two code paths give the same model:
// - one target (PLS1): the power method converges in one step, and X is
//   never deflated explicitly. With X0 the centered (scaled) X and T, P the
//   scores and loadings so far, the deflated products are
//     Xk^T yk = X0^T y0 - U q - P (T^T yk)   (U = X0^T T, kept),
//     Xk w    = X0 w - T (P^T w),
//     Xk^T t  = X0^T t - P (T^T t),
//   and X0 w and X0^T t are computed together in one cache-blocked pass
//   over X0 per component (instead of sklearn's four passes plus a
//   deflation that rewrites X).
// - several targets (PLS2): sklearn's loop, literally, with explicit deflation.
// Both are thread-compatible pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "ml/matrix.h"
#include "n4a/status.h"

namespace n4a::ml {

enum class PlsScale { kNo, kYes };

// A fitted PLS model, arrays named as sklearn's attributes.
struct PlsModel {
  RowVector x_mean, x_std;  // 1 x p (x_std all ones without scaling)
  RowVector y_mean, y_std;  // 1 x q
  Matrix x_weights;         // p x k
  Matrix x_loadings;        // p x k
  Matrix y_loadings;        // q x k
  Matrix x_rotations;       // p x k = W (P^T W)^+
  Matrix coef;              // p x q = x_rotations y_loadings^T * y_std
  // Whether the rotations of the first j components are, bit for bit, the
  // first j columns of x_rotations (PlsRotations::nested).
  bool nested_rotations = false;

  // ((X - x_mean) / x_std) coef + y_mean, for X with p columns.
  Matrix predict(const Matrix& x) const;
};

// The predictions, for X with p columns, of models that share m's x_mean,
// x_std and y_mean and differ in their coef (`coefs`, each p x q_k): the
// members of one family (truncate_pls). One pass over X for them all; each
// result is what PlsModel::predict gives for that coef, bit for bit.
std::vector<Matrix> pls_predict_many(const PlsModel& m, const std::vector<const Matrix*>& coefs,
                                     const Matrix& x);

// x_rotations = W (P^T W)^+, as fit_pls computes it: a restored model
// derives it from its stored weights and loadings, bit for bit.
//
// NIPALS makes P^T W upper triangular with a unit diagonal: p_i^T w_j = 0
// for i > j, since X is deflated by t_j before p_i is computed, and
// p_a^T w_a = t_a^T t_a / t_a^T t_a = 1; the components after y's residual
// ran out are zero columns of both. Its inverse is then a back substitution,
// and `nested`: the leading block of a triangular inverse is the inverse of
// the leading block, so the rotations of the first j components are the
// first j columns (computed in an order that does not depend on k, so that
// they are the same bits). Weights and loadings of another form (not from a
// NIPALS fit) go through the pseudo-inverse, as scikit-learn computes it.
struct PlsRotations {
  Matrix x_rotations;  // p x k
  bool nested = false;
};
PlsRotations pls_rotations(const Matrix& x_weights, const Matrix& x_loadings);

// The model of the first `k` components of `m` (k <= m's), with its
// rotations and coefficients computed as fit_pls computes them: since each
// component depends only on the ones before it, this is, bit for bit, what
// fit_pls with k components gives on the same data. With nested rotations
// (every NIPALS fit) the rotations are cut from m's, not computed again.
PlsModel truncate_pls(const PlsModel& m, int k);

// Fits `n_components` (1..p) components. x is n x p, y is n x q, both finite.
// When the residual of y becomes constant, the remaining components stay
// zero, as in sklearn (which warns "Y residual is constant").
Result<PlsModel> fit_pls(const Matrix& x, const Matrix& y, int n_components, PlsScale scale);

// InvalidArgument "<op>: parameter 'n_components' ..." unless n_components
// suits training data of `n_samples` x `n_features`: at most one component
// per feature (fit_pls refuses more) and per training row (the centered
// data has a smaller rank: further components are zero, a config mistake).
Status check_pls_size(std::string_view op, int n_components, Eigen::Index n_samples,
                      Eigen::Index n_features);

}  // namespace n4a::ml
