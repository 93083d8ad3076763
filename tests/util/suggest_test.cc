#include "util/suggest.h"

#include <gtest/gtest.h>

namespace n4a {
namespace {

TEST(SuggestTest, EditDistanceCountsSingleEdits) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("rmse", "rmse"), 0u);
  EXPECT_EQ(EditDistance("rsme", "rmse"), 1u);  // a swap is one edit
  EXPECT_EQ(EditDistance("rsme", "mse"), 2u);
  EXPECT_EQ(EditDistance("vall", "val"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(SuggestTest, DidYouMeanNamesOnlyCloseNames) {
  const std::vector<std::string> partitions = {"train", "val", "test"};
  EXPECT_EQ(DidYouMean("tset", partitions), " (did you mean test?)");
  EXPECT_EQ(DidYouMean("rsme", {"mse", "rmse"}), " (did you mean rmse?)");
  EXPECT_EQ(DidYouMean("nope", partitions), "");
  EXPECT_EQ(DidYouMean("x", {}), "");
}

TEST(SuggestTest, CheckKnownNameListsTheKnownOnes) {
  const std::vector<std::string> statuses = {"running", "completed", "failed"};
  EXPECT_TRUE(CheckKnownName("status", "failed", statuses).ok());
  Status s = CheckKnownName("run status", "complete", statuses);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(),
            "unknown run status 'complete' (did you mean completed?); known: running, "
            "completed, failed");
}

}  // namespace
}  // namespace n4a
