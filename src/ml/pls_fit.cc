#include "ml/pls_fit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "ml/pls_kernel.h"

namespace n4a::ml {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr int kMaxIter = 500;
constexpr double kTol = 1e-6;

// m = x - mean(x) and, with scaling, divided by the ddof=1 std (0 -> 1).
void center_scale(const Matrix& x, Matrix& m, RowVector& mean, RowVector& sd, PlsScale scale) {
  mean = x.colwise().mean();
  m.noalias() = x.rowwise() - mean;
  sd = RowVector::Ones(m.cols());
  if (scale == PlsScale::kNo) return;
  const double dof = static_cast<double>(m.rows() - 1);
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    const double s = std::sqrt(m.col(j).squaredNorm() / dof);
    sd[j] = (s == 0.0 || !std::isfinite(s)) ? 1.0 : s;
  }
  m.array().rowwise() /= sd.array();
}

// scipy.linalg.pinv: SVD, singular values <= max(shape) * eps * s_max dropped.
Matrix pinv(const Matrix& a) {
  Eigen::JacobiSVD<Matrix> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Vector& s = svd.singularValues();
  const double cutoff =
      (s.size() ? s.maxCoeff() : 0.0) * static_cast<double>(std::max(a.rows(), a.cols())) * kEps;
  Matrix v = svd.matrixV();
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    v.col(i) *= s[i] > cutoff ? 1.0 / s[i] : 0.0;
  }
  return v * svd.matrixU().transpose();
}

// sklearn's _svd_flip_1d: the largest |x_weights| entry becomes positive.
double flip_sign(const Vector& w) {
  Eigen::Index arg = 0;
  w.cwiseAbs().maxCoeff(&arg);
  return w[arg] < 0 ? -1.0 : 1.0;
}

// Sets m's rotations and, from them, its coefficients.
void finish(PlsModel& m, PlsRotations rotations) {
  m.x_rotations = std::move(rotations.x_rotations);
  m.nested_rotations = rotations.nested;
  m.coef = m.x_rotations * m.y_loadings.transpose();
  m.coef.array().rowwise() *= m.y_std.array();
}

// Entries below the diagonal of P^T W up to this fraction of |p_i| |w_j|
// count as zero: NIPALS leaves rounding there (~1e-16), and leaving out
// 1e-10 of a vector's norm changes no score. Its diagonal is 1 to within
// kUnitDiagonalTol (the weights are normalized up to eps).
constexpr double kTriangularTol = 1e-10;
constexpr double kUnitDiagonalTol = 1e-8;

// P^T W, the inverse of which gives the rotations, if it has the form NIPALS
// gives it (see PlsRotations); `dropped` marks the zero components.
std::optional<Matrix> nipals_pw(const Matrix& w, const Matrix& p, std::vector<bool>& dropped) {
  const Eigen::Index rows = w.rows(), k = w.cols();
  // Sums over the rows in order, so each entry's bits do not depend on k.
  Matrix pw = Matrix::Zero(k, k);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double pri = p(r, i);
      for (Eigen::Index j = 0; j < k; ++j) pw(i, j) += pri * w(r, j);
    }
  }
  dropped.assign(static_cast<size_t>(k), false);
  Vector w_norm(k), p_norm(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    w_norm[j] = w.col(j).norm();
    p_norm[j] = p.col(j).norm();
    if ((w_norm[j] == 0.0) != (p_norm[j] == 0.0)) return std::nullopt;
    dropped[static_cast<size_t>(j)] = w_norm[j] == 0.0;
    if (!dropped[static_cast<size_t>(j)] && !(std::abs(pw(j, j) - 1.0) <= kUnitDiagonalTol))
      return std::nullopt;
  }
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j + 1; i < k; ++i) {
      if (!(std::abs(pw(i, j)) <= kTriangularTol * p_norm[i] * w_norm[j])) return std::nullopt;
    }
  }
  return pw;
}

// One column of y: see the header for the formulation.
class Pls1 {
 public:
  Pls1(const Matrix& x0, const Vector& y0, int k, PlsModel& m)
      : x0_(x0), n_(x0.rows()), p_(x0.cols()), yk_(y0), m_(m) {
    t_ = Eigen::MatrixXd::Zero(n_, k);
    u_ = Eigen::MatrixXd::Zero(p_, k);
    q_ = Vector::Zero(k);
    g0_ = x0.transpose() * y0;
  }

  // Returns false when y's residual is constant (no more components).
  bool step(Eigen::Index a) {
    if ((yk_.array().abs() < 10 * kEps).all()) yk_.setZero();
    if (yk_.cwiseAbs().maxCoeff() <= kEps) return false;
    const auto t_prev = t_.leftCols(a);
    const auto p_prev = m_.x_loadings.leftCols(a);
    Vector w = g0_ - u_.leftCols(a) * q_.head(a) - p_prev * (t_prev.transpose() * yk_);
    w /= yk_.squaredNorm();
    w /= std::sqrt(w.squaredNorm()) + kEps;
    w *= flip_sign(w);
    score_and_cross(w, a);
    const auto t = t_.col(a);
    const double tt = t.squaredNorm();
    m_.x_weights.col(a) = w;
    m_.x_loadings.col(a) = (u_.col(a) - p_prev * (t_prev.transpose() * t)) / tt;
    q_[a] = yk_.dot(t) / tt;
    m_.y_loadings(0, a) = q_[a];
    yk_ -= q_[a] * t;
    return true;
  }

 private:
  // t = X0 w - T (P^T w) and u = X0^T t, in one pass over X0 (each row is
  // read from memory once). The pass direction alternates between
  // components, so the rows read last are still in cache when the next
  // component starts.
  void score_and_cross(const Vector& w, Eigen::Index a) {
    const Vector c = m_.x_loadings.leftCols(a).transpose() * w;
    Vector corr;
    if (a > 0) corr.noalias() = t_.leftCols(a) * c;
    const Eigen::Index block = std::max<Eigen::Index>(8, 16384 / std::max<Eigen::Index>(p_, 1));
    const Eigen::Index n_blocks = (n_ + block - 1) / block;
    for (Eigen::Index k = 0; k < n_blocks; ++k) {
      const Eigen::Index i0 = (a % 2 == 0 ? k : n_blocks - 1 - k) * block;
      const Eigen::Index b = std::min(block, n_ - i0);
      pls_score_and_cross(x0_.data() + i0 * p_, b, p_, w.data(), a > 0 ? corr.data() + i0 : nullptr,
                          t_.col(a).data() + i0, u_.col(a).data());
    }
  }

  const Matrix& x0_;
  Eigen::Index n_, p_;
  Vector yk_;
  PlsModel& m_;
  Eigen::MatrixXd t_;  // n x k scores (column-major: columns contiguous)
  Eigen::MatrixXd u_;  // p x k, X0^T t
  Vector q_;           // y loadings
  Vector g0_;          // X0^T y0
};

// sklearn's power method for one component; false if Y's residual is constant.
bool power_method(const Matrix& xk, const Matrix& yk, Vector& x_w, Vector& y_w) {
  Eigen::Index col = -1;
  for (Eigen::Index j = 0; j < yk.cols() && col < 0; ++j) {
    if (yk.col(j).cwiseAbs().maxCoeff() > kEps) col = j;
  }
  if (col < 0) return false;
  Vector y_score = yk.col(col);
  Vector x_w_old;
  for (int i = 0; i < kMaxIter; ++i) {
    x_w = xk.transpose() * y_score / y_score.squaredNorm();
    x_w /= std::sqrt(x_w.squaredNorm()) + kEps;
    const Vector x_score = xk * x_w;
    y_w = yk.transpose() * x_score / x_score.squaredNorm();
    y_score = yk * y_w / (y_w.squaredNorm() + kEps);
    if (yk.cols() == 1 || (i > 0 && (x_w - x_w_old).squaredNorm() < kTol)) break;
    x_w_old = x_w;
  }
  return true;
}

void fit_pls2(Matrix xk, Matrix yk, int k, PlsModel& m) {
  for (int a = 0; a < k; ++a) {
    for (Eigen::Index j = 0; j < yk.cols(); ++j) {
      if (yk.col(j).cwiseAbs().maxCoeff() < 10 * kEps) yk.col(j).setZero();
    }
    Vector x_w, y_w;
    if (!power_method(xk, yk, x_w, y_w)) break;
    const double sign = flip_sign(x_w);
    x_w *= sign;
    const Vector t = xk * x_w;
    const double tt = t.squaredNorm();
    const Vector p = xk.transpose() * t / tt;
    xk.noalias() -= t * p.transpose();
    const Vector q = yk.transpose() * t / tt;
    yk.noalias() -= t * q.transpose();
    m.x_weights.col(a) = x_w;
    m.x_loadings.col(a) = p;
    m.y_loadings.col(a) = q;
  }
}

}  // namespace

PlsRotations pls_rotations(const Matrix& x_weights, const Matrix& x_loadings) {
  std::vector<bool> dropped;
  const std::optional<Matrix> pw = nipals_pw(x_weights, x_loadings, dropped);
  if (!pw) return {x_weights * pinv(x_loadings.transpose() * x_weights), false};
  // The inverse of the upper triangular P^T W, column by column, zero on
  // the dropped components (as the pseudo-inverse of that block form is).
  const Eigen::Index k = x_weights.cols();
  Matrix inv = Matrix::Zero(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    if (dropped[static_cast<size_t>(j)]) continue;
    inv(j, j) = 1.0 / (*pw)(j, j);
    for (Eigen::Index i = j - 1; i >= 0; --i) {
      if (dropped[static_cast<size_t>(i)]) continue;
      double s = 0.0;
      for (Eigen::Index l = i + 1; l <= j; ++l) s += (*pw)(i, l) * inv(l, j);
      inv(i, j) = -s / (*pw)(i, i);
    }
  }
  // W inv, each entry summed over i = 0..j in order.
  Matrix rotations = Matrix::Zero(x_weights.rows(), k);
  for (Eigen::Index r = 0; r < x_weights.rows(); ++r) {
    for (Eigen::Index j = 0; j < k; ++j) {
      double s = 0.0;
      for (Eigen::Index i = 0; i <= j; ++i) s += x_weights(r, i) * inv(i, j);
      rotations(r, j) = s;
    }
  }
  return {std::move(rotations), true};
}

PlsModel truncate_pls(const PlsModel& m, int k) {
  PlsModel out;
  out.x_mean = m.x_mean;
  out.x_std = m.x_std;
  out.y_mean = m.y_mean;
  out.y_std = m.y_std;
  out.x_weights = m.x_weights.leftCols(k);
  out.x_loadings = m.x_loadings.leftCols(k);
  out.y_loadings = m.y_loadings.leftCols(k);
  finish(out, m.nested_rotations ? PlsRotations{m.x_rotations.leftCols(k), true}
                                 : pls_rotations(out.x_weights, out.x_loadings));
  return out;
}

Result<PlsModel> fit_pls(const Matrix& x, const Matrix& y, int n_components, PlsScale scale) {
  if (n_components < 1 || n_components > x.cols()) {
    return Status::InvalidArgument(fmt::format(
        "PLS: n_components must be in [1, n_features = {}], got {}", x.cols(), n_components));
  }
  if (x.rows() < 2 || y.rows() != x.rows() || y.cols() < 1) {
    return Status::InvalidArgument("PLS: needs at least 2 samples and one target per sample");
  }
  PlsModel m;
  Matrix x0, y0;
  center_scale(x, x0, m.x_mean, m.x_std, scale);
  center_scale(y, y0, m.y_mean, m.y_std, scale);
  m.x_weights = Matrix::Zero(x.cols(), n_components);
  m.x_loadings = Matrix::Zero(x.cols(), n_components);
  m.y_loadings = Matrix::Zero(y.cols(), n_components);
  if (y.cols() == 1) {
    Pls1 pls(x0, y0.col(0), n_components, m);
    for (int a = 0; a < n_components && pls.step(a); ++a) {
    }
  } else {
    fit_pls2(std::move(x0), std::move(y0), n_components, m);
  }
  finish(m, pls_rotations(m.x_weights, m.x_loadings));
  return m;
}

Status check_pls_size(std::string_view op, int n_components, Eigen::Index n_samples,
                      Eigen::Index n_features) {
  const auto bound = [&](std::string_view what, Eigen::Index n) {
    return Status::InvalidArgument(
        fmt::format("{}: parameter 'n_components' must be at most the number of {} ({}), got {}",
                    op, what, n, n_components));
  };
  if (n_components > n_features) return bound("features", n_features);
  if (n_components > n_samples) return bound("training rows", n_samples);
  return Status::Ok();
}

Matrix PlsModel::predict(const Matrix& x) const {
  return std::move(pls_predict_many(*this, {&coef}, x).front());
}

std::vector<Matrix> pls_predict_many(const PlsModel& m, const std::vector<const Matrix*>& coefs,
                                     const Matrix& x) {
  const Eigen::Index p = x.cols();
  Eigen::Index cols = 0;
  for (const Matrix* c : coefs) cols += c->cols();
  Matrix bt(cols, p);  // each output's coefficients, one row each
  Eigen::Index at = 0;
  for (const Matrix* c : coefs) {
    bt.middleRows(at, c->cols()) = c->transpose();
    at += c->cols();
  }
  const bool scaled = (m.x_std.array() != 1.0).any();
  Matrix all(x.rows(), cols);
  pls_centered_products(x.data(), x.rows(), p, m.x_mean.data(), scaled ? m.x_std.data() : nullptr,
                        bt.data(), cols, all.data());
  std::vector<Matrix> out;
  at = 0;
  for (const Matrix* c : coefs) {
    Matrix y = all.middleCols(at, c->cols());
    y.rowwise() += m.y_mean;
    out.push_back(std::move(y));
    at += c->cols();
  }
  return out;
}

}  // namespace n4a::ml
