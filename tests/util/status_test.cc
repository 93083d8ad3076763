#include "n4a/status.h"

#include <gtest/gtest.h>

#include "util/sha256.h"

namespace n4a {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  N4A_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

Status CheckEven(int x) {
  N4A_TRY(Half(x));
  return Status::Ok();
}

TEST(StatusTest, PropagatesErrorsAndValues) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).ToString(), "InvalidArgument: odd: 5");
}

TEST(StatusTest, WithContextPrefixesMessage) {
  Status s = Status::NotFound("run 42").WithContext("get_run");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "get_run: run 42");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.Update("ab");
  h.Update("c");
  EXPECT_EQ(h.FinishHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  h.Update("abc");  // reusable after FinishHex
  EXPECT_EQ(h.FinishHex(), Sha256Hex("abc"));
}

}  // namespace
}  // namespace n4a
