// Matrix types of the ml layer: spectra are row-major (one sample per row),
// so that a sample's features are contiguous and row-wise operators (SNV,
// Savitzky-Golay, derivatives) stream through memory.
//
// Eigen is reached through <eigen3/Eigen/...> when the include path of the
// Eigen3 CMake target is not visible (targets that link n4a only get it
// privately); /usr/include is a system directory, so Eigen's own warnings
// stay out of ours either way.
#pragma once

#if __has_include(<Eigen/Dense>)
#include <Eigen/Dense>
#else
#include <eigen3/Eigen/Dense>
#endif

namespace n4a::ml {

// n x p, rows are samples. Also used for targets (n x t) and fitted arrays.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// A column vector of doubles.
using Vector = Eigen::VectorXd;
// A row vector of doubles (one spectrum).
using RowVector = Eigen::RowVectorXd;

}  // namespace n4a::ml
