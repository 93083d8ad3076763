#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "ml/binary_format.h"
#include "ml/crc32c.h"
#include "ml/registry.h"

namespace n4a::ml {
namespace {

struct Spec {
  const char* name;
  nlohmann::json params;
};

const Spec kSpecs[] = {
    {"MinMaxScaler", {{"feature_range", {-1, 1}}}},
    {"StandardScaler", nullptr},
    {"SNV", nullptr},
    {"MSC", nullptr},
    {"SavitzkyGolay", {{"window_length", 7}, {"polyorder", 2}, {"deriv", 1}}},
    {"Detrend", {{"order", 2}}},
    {"Derivative", {{"order", 2}}},
    {"Crop", {{"start", 3}, {"end", 12.5}}},
    {"PCA", {{"n_components", 3}}},
    {"PLSRegression", {{"n_components", 4}, {"scale", true}}},
    {"Ridge", {{"alpha", 0.5}}},
    {"PLSDA", {{"n_components", 2}}},
};

class SerializeTest : public ::testing::TestWithParam<Spec> {};

Matrix features() {
  std::srand(11);
  Matrix x = Matrix::Random(25, 20);
  x.array() += 2.0;
  return x;
}

std::unique_ptr<Operator> fitted(const Spec& spec) {
  auto op = make_operator(spec.name, spec.params);
  EXPECT_TRUE(op.ok());
  const Matrix x = features();
  Matrix y = x.col(2) * 2 + x.col(7);
  if (std::string_view(spec.name) == "PLSDA") y = (y.array() > y.mean()).cast<double>();
  FitContext ctx;
  for (int j = 0; j < 20; ++j) ctx.wavelengths.push_back(j);
  EXPECT_TRUE((*op)->fit(x, y, ctx).ok()) << spec.name;
  return std::move(op).value();
}

Matrix apply(const Operator& op, const Matrix& x) {
  auto r = op.kind() == OperatorKind::kModel ? op.predict(x) : op.transform(x);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Matrix();
}

TEST_P(SerializeTest, RoundTripIsExactAndDeterministic) {
  auto op = fitted(GetParam());
  const std::string bytes = op->serialize();
  EXPECT_EQ(bytes, fitted(GetParam())->serialize());
  auto back = deserialize_operator(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->name(), op->name());
  EXPECT_EQ((*back)->params(), op->params());
  EXPECT_EQ((*back)->serialize(), bytes);
  EXPECT_EQ(apply(**back, features()), apply(*op, features()));
}

TEST_P(SerializeTest, EveryTruncationAndBitFlipIsAnError) {
  const std::string bytes = fitted(GetParam())->serialize();
  for (size_t len = 0; len < bytes.size(); len += 1 + len / 8) {
    auto r = deserialize_operator(bytes.substr(0, len));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  }
  for (size_t pos = 0; pos < bytes.size(); pos += 1 + pos / 4) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x10);
    auto r = deserialize_operator(bad);
    ASSERT_FALSE(r.ok()) << pos;
  }
}

INSTANTIATE_TEST_SUITE_P(AllOperators, SerializeTest, ::testing::ValuesIn(kSpecs),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// Re-frames `arrays` with a valid checksum, as a hostile writer could.
std::string frame(std::string_view name, const nlohmann::json& params,
                  const std::vector<NamedArray>& arrays) {
  return encode_operator(name, params, arrays);
}

TEST(BinaryFormatTest, HeaderErrors) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  const std::string good = frame("SNV", nlohmann::json::object(), {});
  ASSERT_TRUE(deserialize_operator(good).ok());
  std::string magic = good;
  magic[0] = 'X';
  auto r = deserialize_operator(magic);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad magic"), std::string::npos);
  std::string newer = good;
  newer[6] = kOperatorFormatVersion + 1;
  r = deserialize_operator(newer);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotSupported()) << r.status().ToString();
  r = deserialize_operator(frame("Nope", nlohmann::json::object(), {}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown operator 'Nope'"), std::string::npos);
  r = deserialize_operator(frame("SNV", {{"x", 1}}, {}));
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

TEST(Crc32cTest, HardwareAndPortablePathsAgree) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<char>(i * 7919 % 251));
  EXPECT_EQ(crc32c_portable("123456789", 9), 0xE3069283u);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t size = 0; size + offset <= bytes.size(); size += 13) {
      EXPECT_EQ(crc32c(bytes.data() + offset, size), crc32c_portable(bytes.data() + offset, size))
          << offset << " " << size;
    }
  }
}

// Version 1 PLS files held x_rotations after y_loadings: they still read, and
// the model restored from either version is the fitted one, bit for bit.
TEST(BinaryFormatTest, Version1PlsFilesStillRead) {
  for (std::string_view name : {"PLSRegression", "PLSDA"}) {
    const Spec& spec = *std::find_if(std::begin(kSpecs), std::end(kSpecs),
                                     [&](const Spec& s) { return s.name == name; });
    auto op = fitted(spec);
    auto v2 = decode_operator(op->serialize());
    ASSERT_TRUE(v2.ok()) << spec.name;
    std::vector<NamedArray> arrays = v2->arrays;
    auto coef = std::find_if(arrays.begin(), arrays.end(),
                             [](const NamedArray& a) { return a.name == "coef"; });
    ASSERT_NE(coef, arrays.end());
    const auto& weights = *std::find_if(arrays.begin(), arrays.end(),
                                        [](const NamedArray& a) { return a.name == "x_weights"; });
    // Any p x k values: the reader derives x_rotations instead of trusting them.
    arrays.insert(coef, NamedArray{"x_rotations", Matrix::Constant(weights.values.rows(),
                                                                   weights.values.cols(), 7.0)});
    std::string v1 = encode_operator(v2->name, v2->params, arrays);
    v1[6] = 1;
    v1.resize(v1.size() - 4);
    const uint32_t crc = crc32c(v1.data(), v1.size());
    for (int b = 0; b < 4; ++b) v1.push_back(static_cast<char>((crc >> (8 * b)) & 0xFF));
    auto back = deserialize_operator(v1);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ((*back)->serialize(), op->serialize()) << spec.name;
    EXPECT_EQ(apply(**back, features()), apply(*op, features())) << spec.name;
  }
}

TEST(BinaryFormatTest, StateMustMatchParams) {
  Matrix m(1, 3);
  m << 1, 2, 3;
  auto r = deserialize_operator(frame("SNV", nlohmann::json::object(), {{"x", m}}));
  EXPECT_TRUE(r.status().IsCorruption());
  r = deserialize_operator(frame("StandardScaler", nlohmann::json::object(), {{"mean", m}}));
  EXPECT_TRUE(r.status().IsCorruption());
  r = deserialize_operator(
      frame("StandardScaler", nlohmann::json::object(), {{"mean", m}, {"scale", Matrix(1, 2)}}));
  EXPECT_TRUE(r.status().IsCorruption());
  r = deserialize_operator(frame("Crop", {{"start", 0}, {"end", 1}},
                                 {{"n_features_in", Matrix::Constant(1, 1, 2)}, {"indices", m}}));
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST(BinaryFormatTest, HugeArrayHeaderDoesNotAllocate) {
  std::string bytes = frame("MSC", nlohmann::json::object(), {{"reference", Matrix::Random(1, 4)}});
  ASSERT_TRUE(deserialize_operator(bytes).ok());
  // Patch the rows field (u64 after the array name) to 2^62 and re-checksum.
  const size_t rows_at = bytes.find("reference") + 9;
  bytes[rows_at + 7] = 0x40;
  bytes.resize(bytes.size() - 4);
  const uint32_t crc = crc32c(bytes.data(), bytes.size());
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(crc >> (8 * i)));
  auto r = deserialize_operator(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not fit"), std::string::npos) << r.status().ToString();
}

TEST(BinaryFormatTest, UnfittedOperatorRoundTrips) {
  auto op = make_operator("PLSRegression", {{"n_components", 3}});
  ASSERT_TRUE(op.ok());
  auto back = deserialize_operator((*op)->serialize());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE((*back)->fitted());
}

}  // namespace
}  // namespace n4a::ml

namespace n4a::ml {
namespace {

// Writes the fuzzer's seed corpus when N4A_FUZZ_CORPUS_DIR is set
// (fuzz/make_operator_corpus.sh); otherwise skipped.
TEST(FuzzCorpus, WriteSeeds) {
  const char* dir = std::getenv("N4A_FUZZ_CORPUS_DIR");
  if (dir == nullptr) GTEST_SKIP() << "N4A_FUZZ_CORPUS_DIR not set";
  for (const Spec& spec : kSpecs) {
    const std::string bytes = fitted(spec)->serialize();
    std::ofstream out(std::string(dir) + "/seed_" + spec.name, std::ios::binary);
    out << '\x01' << bytes.substr(0, bytes.size() - 4);
  }
}

}  // namespace
}  // namespace n4a::ml
