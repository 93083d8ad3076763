// Matrix types of the ml layer: spectra are row-major (one sample per row),
// so that a sample's features are contiguous and row-wise operators (SNV,
// Savitzky-Golay, derivatives) stream through memory.
#pragma once

#include <Eigen/Dense>

namespace n4a::ml {

// n x p, rows are samples. Also used for targets (n x t) and fitted arrays.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A column vector of doubles.
using Vector = Eigen::VectorXd;
// A row vector of doubles (one spectrum).
using RowVector = Eigen::RowVectorXd;

}  // namespace n4a::ml
