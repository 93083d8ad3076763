#include "ml/pls_kernel.h"

#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define N4A_PLS_AVX2 1
#endif

namespace n4a::ml {
namespace {

void portable(const double* x, Eigen::Index rows, Eigen::Index p, const double* w,
              const double* corr, double* t, double* u) {
  Eigen::Map<const Matrix> xb(x, rows, p);
  Eigen::Map<const Vector> wv(w, p);
  Eigen::Map<Vector> tv(t, rows);
  Eigen::Map<Vector> uv(u, p);
  tv.noalias() = xb * wv;
  if (corr != nullptr) tv -= Eigen::Map<const Vector>(corr, rows);
  uv.noalias() += xb.transpose() * tv;
}

// c = (x - mean) / scale, elementwise (exact whatever the vectorization).
void center_row(const double* x, const double* mean, const double* scale, Eigen::Index p,
                double* c) {
  for (Eigen::Index j = 0; j < p; ++j) c[j] = x[j] - mean[j];
  if (scale != nullptr)
    for (Eigen::Index j = 0; j < p; ++j) c[j] /= scale[j];
}

double dot_portable(const double* a, const double* b, Eigen::Index p) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  Eigen::Index j = 0;
  for (; j + 4 <= p; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  double sum = (s0 + s1) + (s2 + s3);
  for (; j < p; ++j) sum += a[j] * b[j];
  return sum;
}

template <typename Dot>
void centered_products(const double* x, Eigen::Index rows, Eigen::Index p, const double* mean,
                       const double* scale, const double* bt, Eigen::Index cols, double* out,
                       Dot dot) {
  std::vector<double> c(static_cast<size_t>(p));
  for (Eigen::Index i = 0; i < rows; ++i) {
    center_row(x + i * p, mean, scale, p, c.data());
    for (Eigen::Index j = 0; j < cols; ++j) out[i * cols + j] = dot(c.data(), bt + j * p, p);
  }
}

#ifdef N4A_PLS_AVX2
__attribute__((target("avx2,fma"))) double dot_avx2(const double* a, const double* b,
                                                    Eigen::Index p) {
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  Eigen::Index j = 0;
  for (; j + 16 <= p; j += 16) {
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + j), _mm256_loadu_pd(b + j), s0);
    s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + j + 4), _mm256_loadu_pd(b + j + 4), s1);
    s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + j + 8), _mm256_loadu_pd(b + j + 8), s2);
    s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + j + 12), _mm256_loadu_pd(b + j + 12), s3);
  }
  for (; j + 4 <= p; j += 4)
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + j), _mm256_loadu_pd(b + j), s0);
  const __m256d s = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, s);
  double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; j < p; ++j) sum += a[j] * b[j];
  return sum;
}

__attribute__((target("avx2,fma"))) void axpy_avx2(double alpha, const double* x, double* y,
                                                   Eigen::Index p) {
  const __m256d a = _mm256_set1_pd(alpha);
  Eigen::Index j = 0;
  for (; j + 8 <= p; j += 8) {
    _mm256_storeu_pd(y + j, _mm256_fmadd_pd(a, _mm256_loadu_pd(x + j), _mm256_loadu_pd(y + j)));
    _mm256_storeu_pd(y + j + 4,
                     _mm256_fmadd_pd(a, _mm256_loadu_pd(x + j + 4), _mm256_loadu_pd(y + j + 4)));
  }
  for (; j < p; ++j) y[j] += alpha * x[j];
}

__attribute__((target("avx2,fma"))) void with_avx2(const double* x, Eigen::Index rows,
                                                   Eigen::Index p, const double* w,
                                                   const double* corr, double* t, double* u) {
  for (Eigen::Index i = 0; i < rows; ++i) {
    const double* row = x + i * p;
    t[i] = dot_avx2(row, w, p) - (corr != nullptr ? corr[i] : 0.0);
    axpy_avx2(t[i], row, u, p);
  }
}

__attribute__((target("avx2,fma"))) void centered_products_avx2(const double* x, Eigen::Index rows,
                                                                Eigen::Index p, const double* mean,
                                                                const double* scale,
                                                                const double* bt, Eigen::Index cols,
                                                                double* out) {
  centered_products(x, rows, p, mean, scale, bt, cols, out, dot_avx2);
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}
#endif

}  // namespace

void pls_score_and_cross(const double* x, Eigen::Index rows, Eigen::Index p, const double* w,
                         const double* corr, double* t, double* u) {
#ifdef N4A_PLS_AVX2
  if (has_avx2()) return with_avx2(x, rows, p, w, corr, t, u);
#endif
  portable(x, rows, p, w, corr, t, u);
}

void pls_centered_products(const double* x, Eigen::Index rows, Eigen::Index p, const double* mean,
                           const double* scale, const double* bt, Eigen::Index cols, double* out) {
#ifdef N4A_PLS_AVX2
  if (has_avx2()) return centered_products_avx2(x, rows, p, mean, scale, bt, cols, out);
#endif
  centered_products(x, rows, p, mean, scale, bt, cols, out, dot_portable);
}

}  // namespace n4a::ml
