#include "ml/splitters.h"

#include <gtest/gtest.h>

#include <set>

namespace n4a::ml {
namespace {

TEST(SplittersTest, UnshuffledKFoldMatchesSklearnBoundaries) {
  auto folds = kfold(10, 3, Shuffle::kNo, 0);
  ASSERT_TRUE(folds.ok());
  ASSERT_EQ(folds->size(), 3u);
  EXPECT_EQ((*folds)[0].test, (std::vector<Eigen::Index>{0, 1, 2, 3}));
  EXPECT_EQ((*folds)[1].test, (std::vector<Eigen::Index>{4, 5, 6}));
  EXPECT_EQ((*folds)[2].test, (std::vector<Eigen::Index>{7, 8, 9}));
  EXPECT_EQ((*folds)[1].train, (std::vector<Eigen::Index>{0, 1, 2, 3, 7, 8, 9}));
}

TEST(SplittersTest, ShuffledKFoldIsADeterministicPartition) {
  auto a = kfold(23, 5, Shuffle::kYes, 42);
  auto b = kfold(23, 5, Shuffle::kYes, 42);
  auto c = kfold(23, 5, Shuffle::kYes, 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  std::set<Eigen::Index> seen;
  for (size_t f = 0; f < a->size(); ++f) {
    EXPECT_EQ((*a)[f].test, (*b)[f].test);
    EXPECT_EQ((*a)[f].train.size() + (*a)[f].test.size(), 23u);
    seen.insert((*a)[f].test.begin(), (*a)[f].test.end());
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_NE((*a)[0].test, (*c)[0].test);
  // Pinned: the PRNG and shuffle are specified, so this never changes.
  EXPECT_EQ(permutation(5, 1), permutation(5, 1));
}

TEST(SplittersTest, ShuffleSplitAndLeaveOneOut) {
  auto s = shuffle_split(10, 4, 0.25, 7);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 4u);
  for (const Fold& f : *s) {
    EXPECT_EQ(f.test.size(), 3u);  // ceil(2.5)
    EXPECT_EQ(f.train.size(), 7u);
  }
  auto loo = leave_one_out(4);
  ASSERT_TRUE(loo.ok());
  ASSERT_EQ(loo->size(), 4u);
  EXPECT_EQ((*loo)[2].test, (std::vector<Eigen::Index>{2}));
  EXPECT_EQ((*loo)[2].train, (std::vector<Eigen::Index>{0, 1, 3}));
}

TEST(SplittersTest, ByNameWithValidation) {
  auto f = make_folds("KFold", {{"n_splits", 4}, {"shuffle", true}, {"seed", 3}}, 12);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->size(), 4u);
  EXPECT_TRUE(make_folds("LeaveOneOut", nullptr, 3).ok());
  EXPECT_TRUE(make_folds("ShuffleSplit", {{"test_size", 0.5}}, 10).ok());
  auto bad = make_folds("KFold", {{"n_splits", 1}}, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("n_splits"), std::string::npos);
  EXPECT_FALSE(make_folds("KFold", {{"n_splits", 11}}, 10).ok());
  EXPECT_FALSE(make_folds("KFold", {{"folds", 3}}, 10).ok());
  EXPECT_FALSE(make_folds("GroupKFold", nullptr, 10).ok());
}

}  // namespace
}  // namespace n4a::ml
