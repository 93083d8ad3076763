// The inner pass of the PLS1 fit (internal): for each row x_i of a row-major
// block, t_i = x_i . w - corr_i, then u += t_i x_i, reading each row from
// memory once. An AVX2+FMA version is chosen at run time on CPUs that have
// it (the binary stays portable x86-64); otherwise a portable Eigen version.
// The two differ only in the order of floating-point sums.
#pragma once

#include "ml/matrix.h"

namespace n4a::ml {

// x: rows x p row-major; w: p; corr: rows (or null for zeros); t: rows
// (written); u: p (accumulated).
void pls_score_and_cross(const double* x, Eigen::Index rows, Eigen::Index p, const double* w,
                         const double* corr, double* t, double* u);

}  // namespace n4a::ml
