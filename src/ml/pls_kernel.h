// Inner loops of PLS (internal). An AVX2+FMA version of each is chosen at
// run time on CPUs that have it (the binary stays portable x86-64);
// otherwise a portable version. The two differ only in the order of
// floating-point sums.
#pragma once

#include "ml/matrix.h"

namespace n4a::ml {

// The PLS1 fit's pass: for each row x_i of a row-major block, t_i = x_i . w -
// corr_i, then u += t_i x_i, reading each row from memory once.
// x: rows x p row-major; w: p; corr: rows (or null for zeros); t: rows
// (written); u: p (accumulated).
void pls_score_and_cross(const double* x, Eigen::Index rows, Eigen::Index p, const double* w,
                         const double* corr, double* t, double* u);

// PLS prediction's pass: out(i, j) = c_i . b_j, where c_i = (x_i - mean) /
// scale (scale null: no division), for each row x_i and each of `cols`
// vectors b_j, reading each row from memory once. Each output is summed in
// an order that depends on p only, so b_j gives the same bits whatever the
// other vectors (a model predicted alone or with its family).
// x: rows x p row-major; mean, scale: p; bt: cols x p row-major (b_j is row
// j); out: rows x cols row-major (written).
void pls_centered_products(const double* x, Eigen::Index rows, Eigen::Index p, const double* mean,
                           const double* scale, const double* bt, Eigen::Index cols, double* out);

}  // namespace n4a::ml
