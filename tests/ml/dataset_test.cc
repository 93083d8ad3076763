#include "ml/dataset.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "support/test_util.h"

namespace n4a::ml {
namespace {

CsvOptions with_target(std::string target) {
  CsvOptions o;
  o.targets = {std::move(target)};
  return o;
}

TEST(DatasetTest, LoadsGasoline) {
  auto d = load_csv(testing::SourcePath("data/gasoline.csv").string(), with_target("octane"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->n_samples(), 60);
  EXPECT_EQ(d->n_features(), 401);
  EXPECT_EQ(d->y.cols(), 1);
  EXPECT_EQ(d->target_names, std::vector<std::string>{"octane"});
  EXPECT_EQ(d->feature_names.front(), "900");
  EXPECT_DOUBLE_EQ(d->wavelengths.front(), 900.0);
  EXPECT_DOUBLE_EQ(d->wavelengths.back(), 1700.0);
  EXPECT_NEAR(d->y(0, 0), 85.3, 1e-12);
  EXPECT_EQ(d->content_hash.size(), 64u);
  EXPECT_EQ(d->content_hash, dataset_content_hash(*d));
}

TEST(DatasetTest, SemicolonsIdsAndSeveralTargets) {
  CsvOptions o;
  o.targets = {"a", "b"};
  o.id_column = "id";
  auto d = parse_csv("id;a;1000;b;x\r\ns1;1;2.5;3;4\r\ns2;5;6;7;8e-1\r\n\r\n", o, "mem.csv");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->n_samples(), 2);
  EXPECT_EQ(d->feature_names, (std::vector<std::string>{"1000", "x"}));
  EXPECT_TRUE(std::isnan(d->wavelengths[1]));
  EXPECT_EQ(d->sample_ids, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_DOUBLE_EQ(d->y(1, 1), 7.0);
  EXPECT_DOUBLE_EQ(d->x(1, 1), 0.8);
}

// Spreadsheet programs start "CSV UTF-8" files with a byte-order mark; it is
// not part of the first header (quoted or not), nor of the content hash.
TEST(DatasetTest, ByteOrderMarkIsSkipped) {
  const std::string plain = "octane,900,902\n85.3,0.1,0.2\n86,0.3,0.4\n";
  const std::string quoted = "\"octane\",\"900\",\"902\"\n85.3,0.1,0.2\n86,0.3,0.4\n";
  auto reference = parse_csv(plain, with_target("octane"), "plain.csv");
  ASSERT_TRUE(reference.ok()) << reference.status().ToString();
  for (const std::string& text : {plain, quoted}) {
    auto d = parse_csv("\xEF\xBB\xBF" + text, with_target("octane"), "bom.csv");
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->feature_names, (std::vector<std::string>{"900", "902"}));
    EXPECT_EQ(d->content_hash, reference->content_hash);
  }
}

TEST(DatasetTest, NoTargetForPrediction) {
  auto d = parse_csv("\"1\",\"2\"\n1,2\n", CsvOptions{}, "p.csv");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->has_targets());
  EXPECT_EQ(d->n_features(), 2);
}

void expect_error(std::string_view text, const CsvOptions& o, std::string_view needle) {
  auto d = parse_csv(text, o, "bad.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsInvalidArgument());
  EXPECT_NE(d.status().message().find(needle), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("bad.csv"), std::string::npos);
}

TEST(DatasetTest, ErrorsNameFileLineAndColumn) {
  const CsvOptions o = with_target("y");
  expect_error("", o, "empty file");
  expect_error("y,a\n", o, "no data row");
  expect_error("z,a\n1,2\n", o, "target column 'y' not found");
  expect_error("y,a\n1,2\n3\n", o, "line 3: 1 fields");
  expect_error("y,a\n1,2\n3,\n", o, "line 3: column 'a' (2): missing value");
  expect_error("y,a\n1,2\n3,abc\n", o, "line 3: column 'a' (2): non-numeric value 'abc'");
  expect_error("y,a\n1,nan\n", o, "non-numeric value 'nan'");
  expect_error("y,a,a\n1,2,3\n", o, "duplicate column 'a'");
  expect_error("y\n1\n", o, "no feature column");
}

TEST(DatasetTest, MissingFileIsIOError) {
  auto d = load_csv("/nonexistent/file.csv", CsvOptions{});
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsIOError());
}

// load_csv reads a regular file in one read of its size; a pipe has no
// size and is read to its end. Both give the same dataset.
TEST(DatasetTest, LoadsFromAPipeLikeFromAFile) {
  const std::string path = testing::SourcePath("data/gasoline.csv").string();
  auto file = load_csv(path, with_target("octane"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  testing::TempDir dir;
  const std::string fifo = (dir / "gasoline.fifo").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ifstream in(path, std::ios::binary);
    std::ofstream out(fifo, std::ios::binary);
    out << in.rdbuf();
  });
  auto piped = load_csv(fifo, with_target("octane"));
  writer.join();
  ASSERT_TRUE(piped.ok()) << piped.status().ToString();
  EXPECT_EQ(piped->n_samples(), 60);
  EXPECT_EQ(piped->content_hash, file->content_hash);
}

TEST(DatasetTest, HashDependsOnValuesAndHeadersNotFormatting) {
  const CsvOptions o = with_target("y");
  auto a = parse_csv("y,a\n1,2\n", o, "a");
  auto b = parse_csv("\"y\";\"a\"\r\n1.0;2e0\r\n", o, "b");
  auto c = parse_csv("y,a\n1,2.0000001\n", o, "c");
  auto d = parse_csv("y,b\n1,2\n", o, "d");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->content_hash, c->content_hash);
  EXPECT_NE(a->content_hash, d->content_hash);
}

TEST(DatasetTest, SliceAndSelectRows) {
  auto d = load_csv(testing::SourcePath("data/gasoline.csv").string(), with_target("octane"));
  ASSERT_TRUE(d.ok());
  auto train = slice_rows(*d, 0, 50);
  auto test = slice_rows(*d, 50, 60);
  ASSERT_TRUE(train.ok() && test.ok());
  EXPECT_EQ(train->n_samples(), 50);
  EXPECT_EQ(test->n_samples(), 10);
  EXPECT_EQ(test->x.row(0), d->x.row(50));
  EXPECT_NE(train->content_hash, d->content_hash);
  auto all = slice_rows(*d, 0, 60);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->content_hash, d->content_hash);
  EXPECT_FALSE(slice_rows(*d, 10, 61).ok());
  EXPECT_FALSE(select_rows(*d, {0, 60}).ok());
}

}  // namespace
}  // namespace n4a::ml
