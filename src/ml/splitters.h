// Cross-validation splitters: deterministic train/test index sets.
//
// Randomness: std::mt19937_64 seeded with `seed`, and a Fisher-Yates
// shuffle that draws unbiased bounded integers by rejection (not
// std::shuffle / uniform_int_distribution, whose algorithms the standard
// leaves unspecified), so the same seed gives the same folds on every
// platform. Shuffled folds do not reproduce scikit-learn's permutation;
// unshuffled KFold gives sklearn's folds exactly. Train and test index lists
// are sorted. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "ml/matrix.h"
#include "n4a/status.h"

namespace n4a::ml {

struct Fold {
  std::vector<Eigen::Index> train;
  std::vector<Eigen::Index> test;
};

enum class Shuffle { kNo, kYes };

// The permutation of 0..n-1 drawn from `seed` (as described above).
std::vector<Eigen::Index> permutation(Eigen::Index n, uint64_t seed);

// n_splits contiguous folds of the (optionally shuffled) indices; the first
// n % n_splits folds have one extra sample. 2 <= n_splits <= n.
Result<std::vector<Fold>> kfold(Eigen::Index n, int n_splits, Shuffle shuffle, uint64_t seed);

// n_splits independent random splits with ceil(test_size * n) test samples;
// 0 < test_size < 1, at least one train and one test sample.
Result<std::vector<Fold>> shuffle_split(Eigen::Index n, int n_splits, double test_size,
                                        uint64_t seed);

// n folds, each testing one sample. n >= 2.
Result<std::vector<Fold>> leave_one_out(Eigen::Index n);

// By name and JSON params: "KFold" {n_splits=5, shuffle=false, seed=0},
// "ShuffleSplit" {n_splits=10, test_size=0.1, seed=0}, "LeaveOneOut" {}.
// InvalidArgument naming an unknown splitter or parameter.
Result<std::vector<Fold>> make_folds(std::string_view name, const nlohmann::json& params,
                                     Eigen::Index n);

}  // namespace n4a::ml
