#include "pipeline/generators.h"

#include <gtest/gtest.h>

#include "pipeline/variant.h"

namespace n4a::pipeline {
namespace {

Json issue_pipeline() {
  return Json::parse(R"([
    {"_or_": [{"op": "SNV"}, {"op": "MSC"}, null]},
    {"op": "SavitzkyGolay", "window_length": 11, "polyorder": 2, "deriv": {"_or_": [0, 1, 2]}},
    {"model": "PLSRegression", "n_components": {"_range_": [1, 15]}}
  ])");
}

TEST(GeneratorsTest, IssueExampleGives135VariantsInPrefixOrder) {
  auto variants = build_variants(issue_pipeline(), kMaxVariants);
  ASSERT_TRUE(variants.ok()) << variants.status().ToString();
  ASSERT_EQ(variants->size(), 3u * 3u * 15u);
  EXPECT_EQ((*variants)[0].name, "SNV > SG(11,2,0) > PLS(1)");
  EXPECT_EQ((*variants)[16].name, "SNV > SG(11,2,1) > PLS(2)");
  EXPECT_EQ((*variants)[16].preprocessings, "SNV>SG(11,2,1)");
  EXPECT_EQ(variants->back().name, "SG(11,2,2) > PLS(15)");
  EXPECT_EQ(variants->back().steps.size(), 2u);  // null skipped the first step
  const Json& choices = (*variants)[16].generator_choices;
  EXPECT_EQ(choices.at("pipeline[0]"), Json({{"op", "SNV"}}));
  EXPECT_EQ(choices.at("pipeline[1].deriv"), 1);
  EXPECT_EQ(choices.at("pipeline[2].n_components"), 2);
  EXPECT_TRUE(variants->back().generator_choices.at("pipeline[0]").is_null());
  for (size_t i = 0; i < variants->size(); ++i) EXPECT_EQ((*variants)[i].index, i);
}

TEST(GeneratorsTest, RangesAndLogRanges) {
  auto r = expand(Json::parse(R"({"_range_": [2, 10, 4]})"), "x", kMaxVariants);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2].value, 10);
  auto down = expand(Json::parse(R"({"_range_": [3, 1]})"), "x", kMaxVariants);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->size(), 3u);
  EXPECT_EQ((*down)[2].value, 1);
  auto log = expand(Json::parse(R"({"_log_range_": [0.001, 10, 5]})"), "a", kMaxVariants);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 5u);
  EXPECT_NEAR((*log)[1].value.get<double>(), 0.01, 1e-12);
  EXPECT_EQ((*log)[4].value.get<double>(), 10.0);
  auto frac = expand(Json::parse(R"({"_range_": [0.5, 1.0, 0.25]})"), "a", kMaxVariants);
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(frac->size(), 3u);
}

TEST(GeneratorsTest, NestedGeneratorsInsideAlternatives) {
  Json p = Json::parse(R"([
    {"_or_": [{"op": "SNV"}, {"op": "Detrend", "order": {"_or_": [1, 2]}}]},
    {"model": "Ridge", "alpha": {"_log_range_": [0.1, 10, 3]}}
  ])");
  auto n = count_variants(p, "pipeline", kMaxVariants);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 9u);
  auto variants = build_variants(p, kMaxVariants);
  ASSERT_TRUE(variants.ok()) << variants.status().ToString();
  ASSERT_EQ(variants->size(), 9u);
  EXPECT_EQ((*variants)[3].name, "Detrend(1) > Ridge(0.1)");
  EXPECT_EQ((*variants)[3].generator_choices.at("pipeline[0]._or_[1].order"), 1);
}

TEST(GeneratorsTest, MalformedGeneratorsNameTheirPath) {
  auto bad =
      expand(Json::parse(R"([{"op": "SNV", "x": {"_grid_": [1]}}])"), "pipeline", kMaxVariants);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("pipeline[0].x._grid_: unknown generator", 0), 0u)
      << bad.status().message();
  auto range = expand(Json::parse(R"({"_range_": [1]})"), "pipeline[2].n_components", kMaxVariants);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.status().message().rfind("pipeline[2].n_components._range_:", 0), 0u);
  auto empty = expand(Json::parse(R"({"_or_": []})"), "p", kMaxVariants);
  EXPECT_FALSE(empty.ok());
  auto mixed = expand(Json::parse(R"({"_or_": [1], "extra": 2})"), "p", kMaxVariants);
  EXPECT_FALSE(mixed.ok());
}

TEST(GeneratorsTest, TooManyVariantsIsRefusedBeforeExpanding) {
  Json p = Json::array();
  for (int i = 0; i < 6; ++i) p.push_back(Json::parse(R"({"_range_": [1, 100]})"));
  auto n = count_variants(p, "pipeline", kMaxVariants);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("more than"), std::string::npos);
}

// A document built in memory (the library API, not a file) may nest without
// limit: the recursion over it stops at the bound instead of the stack.
TEST(GeneratorsTest, DeepNestingIsRefusedNotACrash) {
  Json deep = {{"model", "PLSRegression"}};
  for (int i = 0; i < 100'000; ++i) {
    Json wrapper = Json::object();
    wrapper["_or_"] = Json::array();
    wrapper["_or_"].push_back(std::move(deep));
    deep = std::move(wrapper);
  }
  auto n = count_variants(Json::array({std::move(deep)}), "pipeline", kMaxVariants);
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.status().IsInvalidArgument());
  EXPECT_NE(n.status().message().find("nested more than 64 levels deep"), std::string::npos)
      << n.status().message();
  EXPECT_EQ(n.status().message().rfind("pipeline[0]._or_[0]._or_[0]", 0), 0u);
}

}  // namespace
}  // namespace n4a::pipeline
