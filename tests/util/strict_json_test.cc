#include "util/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace n4a {
namespace {

std::string error_of(std::string_view text, int max_depth = kMaxStrictJsonDepth) {
  auto r = ParseStrictJson(text, max_depth);
  EXPECT_FALSE(r.ok()) << "accepted: " << text;
  if (r.ok()) return "";
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
  return r.status().message();
}

std::string nested_arrays(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(StrictJsonTest, ParsesWhatNlohmannParses) {
  const std::string text = R"({"a": [1, {"b": null, "c": "x"}, [true]], "d": {"a": 2}})";
  auto r = ParseStrictJson(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, nlohmann::json::parse(text));
}

TEST(StrictJsonTest, DuplicateKeyIsNamedByItsPath) {
  EXPECT_EQ(error_of(R"({"a": 1, "a": 2})").rfind("a: duplicate key", 0), 0u);
  const std::string m = error_of(R"({"pipeline": [{"op": "SNV"},
      {"op": "SavitzkyGolay", "window_length": 11, "polyorder": 2, "window_length": 15}]})");
  EXPECT_EQ(m.rfind("pipeline[1].window_length: duplicate key", 0), 0u) << m;
  EXPECT_EQ(error_of(R"([0, {"x": {"y": 1, "y": 1}}])").rfind("[1].x.y: duplicate key", 0), 0u);
}

TEST(StrictJsonTest, SameKeyInDifferentObjectsIsFine) {
  EXPECT_TRUE(ParseStrictJson(R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}]})").ok());
}

TEST(StrictJsonTest, DepthIsBounded) {
  EXPECT_TRUE(ParseStrictJson(nested_arrays(kMaxStrictJsonDepth)).ok());
  const std::string m = error_of(nested_arrays(kMaxStrictJsonDepth + 1));
  EXPECT_NE(m.find("nested more than 64 levels deep"), std::string::npos) << m;
  EXPECT_EQ(m.rfind("[0][0]", 0), 0u) << m;
  // Far deeper than any stack could take if something walked it recursively.
  EXPECT_NE(error_of(nested_arrays(200'000)).find("levels deep"), std::string::npos);
  EXPECT_EQ(error_of(R"({"a": {"b": [1]}})", 2).rfind("a.b: nested more than 2", 0), 0u);
}

TEST(StrictJsonTest, MalformedJsonSaysWhere) {
  const std::string m = error_of(R"({"a": )");
  EXPECT_EQ(m.rfind("not valid JSON: ", 0), 0u) << m;
  EXPECT_NE(m.find("line 1"), std::string::npos) << m;
}

}  // namespace
}  // namespace n4a
