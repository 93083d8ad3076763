#include "ml/splitters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "ml/params.h"

namespace n4a::ml {
namespace {

// Unbiased integer in [0, bound) by rejection of the low remainder.
uint64_t uniform_below(std::mt19937_64& gen, uint64_t bound) {
  const uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const uint64_t r = gen();
    if (r >= threshold) return r % bound;
  }
}

void shuffle_in_place(std::vector<Eigen::Index>& v, std::mt19937_64& gen) {
  for (size_t i = v.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(uniform_below(gen, i));
    std::swap(v[i - 1], v[j]);
  }
}

std::vector<Eigen::Index> iota(Eigen::Index n) {
  std::vector<Eigen::Index> v(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

// Test = order[begin, end), train = the rest; both sorted.
Fold make_fold(const std::vector<Eigen::Index>& order, size_t begin, size_t end) {
  Fold f;
  f.test.assign(order.begin() + static_cast<std::ptrdiff_t>(begin),
                order.begin() + static_cast<std::ptrdiff_t>(end));
  f.train.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(begin));
  f.train.insert(f.train.end(), order.begin() + static_cast<std::ptrdiff_t>(end), order.end());
  std::sort(f.test.begin(), f.test.end());
  std::sort(f.train.begin(), f.train.end());
  return f;
}

}  // namespace

std::vector<Eigen::Index> permutation(Eigen::Index n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<Eigen::Index> v = iota(n);
  shuffle_in_place(v, gen);
  return v;
}

Result<std::vector<Fold>> kfold(Eigen::Index n, int n_splits, Shuffle shuffle, uint64_t seed) {
  if (n_splits < 2 || n_splits > n) {
    return Status::InvalidArgument(
        fmt::format("KFold: n_splits must be in [2, n_samples = {}], got {}", n, n_splits));
  }
  const std::vector<Eigen::Index> order = shuffle == Shuffle::kYes ? permutation(n, seed) : iota(n);
  const auto total = static_cast<size_t>(n);
  const auto k = static_cast<size_t>(n_splits);
  std::vector<Fold> folds;
  size_t begin = 0;
  for (size_t f = 0; f < k; ++f) {
    const size_t size = total / k + (f < total % k ? 1 : 0);
    folds.push_back(make_fold(order, begin, begin + size));
    begin += size;
  }
  return folds;
}

Result<std::vector<Fold>> shuffle_split(Eigen::Index n, int n_splits, double test_size,
                                        uint64_t seed) {
  if (n_splits < 1) return Status::InvalidArgument("ShuffleSplit: n_splits must be >= 1");
  if (!(test_size > 0 && test_size < 1)) {
    return Status::InvalidArgument(
        fmt::format("ShuffleSplit: test_size must be in (0, 1), got {}", test_size));
  }
  const auto n_test = static_cast<size_t>(std::ceil(test_size * static_cast<double>(n)));
  if (n_test < 1 || n_test >= static_cast<size_t>(n)) {
    return Status::InvalidArgument(
        fmt::format("ShuffleSplit: test_size {} of {} samples leaves no train or no test sample",
                    test_size, n));
  }
  std::mt19937_64 gen(seed);
  std::vector<Fold> folds;
  for (int s = 0; s < n_splits; ++s) {
    std::vector<Eigen::Index> order = iota(n);
    shuffle_in_place(order, gen);
    folds.push_back(make_fold(order, 0, n_test));
  }
  return folds;
}

Result<std::vector<Fold>> leave_one_out(Eigen::Index n) {
  if (n < 2) return Status::InvalidArgument("LeaveOneOut: needs at least 2 samples");
  std::vector<Fold> folds;
  const std::vector<Eigen::Index> order = iota(n);
  for (size_t i = 0; i < order.size(); ++i) folds.push_back(make_fold(order, i, i + 1));
  return folds;
}

Result<std::vector<Fold>> make_folds(std::string_view name, const nlohmann::json& params,
                                     Eigen::Index n) {
  ParamReader r(name, params);
  if (name == "KFold") {
    N4A_ASSIGN_OR_RETURN(int k, r.integer("n_splits", 5, 2, 1 << 30));
    N4A_ASSIGN_OR_RETURN(bool shuffle, r.boolean("shuffle", false));
    N4A_ASSIGN_OR_RETURN(int seed, r.integer("seed", 0, 0, 1 << 30));
    N4A_TRY(r.finish());
    return kfold(n, k, shuffle ? Shuffle::kYes : Shuffle::kNo, static_cast<uint64_t>(seed));
  }
  if (name == "ShuffleSplit") {
    N4A_ASSIGN_OR_RETURN(int k, r.integer("n_splits", 10, 1, 1 << 20));
    N4A_ASSIGN_OR_RETURN(double test_size, r.number("test_size", 0.1, 0.0, 1.0));
    N4A_ASSIGN_OR_RETURN(int seed, r.integer("seed", 0, 0, 1 << 30));
    N4A_TRY(r.finish());
    return shuffle_split(n, k, test_size, static_cast<uint64_t>(seed));
  }
  if (name == "LeaveOneOut") {
    N4A_TRY(r.finish());
    return leave_one_out(n);
  }
  return Status::InvalidArgument(
      fmt::format("unknown splitter '{}' (known: KFold, ShuffleSplit, LeaveOneOut)", name));
}

}  // namespace n4a::ml
