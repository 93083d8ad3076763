#include "util/database.h"

#include <gtest/gtest.h>

namespace n4a::db {
namespace {

TEST(DatabaseTest, QueryBindsParametersAndReadsTypes) {
  auto con = Connection::open(":memory:", AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok()) << con.status().ToString();
  ASSERT_TRUE(
      (*con)->exec("CREATE TABLE t(a BIGINT, b DOUBLE, c VARCHAR, d JSON, e BOOLEAN)").ok());
  ASSERT_TRUE((*con)
                  ->exec("INSERT INTO t VALUES ($1, $2, $3, $4, $5)",
                         {int64_t{7}, 2.5, std::string("it's"), std::string("{\"x\":1}"), true})
                  .ok());
  auto t = (*con)->query("SELECT * FROM t WHERE c = ?", {std::string("it's")});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->kinds,
            (std::vector<ColumnKind>{ColumnKind::kInt, ColumnKind::kDouble, ColumnKind::kString,
                                     ColumnKind::kJson, ColumnKind::kBool}));
  EXPECT_EQ(std::get<int64_t>(t->rows[0][0]), 7);
  EXPECT_EQ(std::get<double>(t->rows[0][1]), 2.5);
  EXPECT_EQ(std::get<std::string>(t->rows[0][2]), "it's");
  EXPECT_EQ(t->column_index("d"), 3);
  EXPECT_EQ(t->column_index("zz"), -1);
}

TEST(DatabaseTest, ErrorsAreStatuses) {
  auto con = Connection::open(":memory:", AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok());
  Status s = (*con)->exec("SELEC 1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("syntax"), std::string::npos) << s.message();
  EXPECT_FALSE((*con)->query("SELECT * FROM missing", {int64_t{1}}).ok());
}

TEST(DatabaseTest, AppenderAppendsRowsAndReportsBadOnes) {
  auto con = Connection::open(":memory:", AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok());
  ASSERT_TRUE((*con)->exec("CREATE TABLE t(a BIGINT NOT NULL, s VARCHAR, ts TIMESTAMP)").ok());
  {
    auto app = Appender::create(**con, "t");
    ASSERT_TRUE(app.ok());
    for (int64_t i = 0; i < 1000; ++i) {
      (*app)->append(i);
      (*app)->append(Value{std::string("row")});
      (*app)->append_timestamp_micros(i * 1000000);
      ASSERT_TRUE((*app)->end_row().ok());
    }
    ASSERT_TRUE((*app)->close().ok());
  }
  auto t = (*con)->query("SELECT count(*), max(ts)::VARCHAR FROM t");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(std::get<int64_t>(t->rows[0][0]), 1000);
  EXPECT_EQ(std::get<std::string>(t->rows[0][1]), "1970-01-01 00:16:39");
  EXPECT_EQ(QuoteLiteral("a'b"), "'a''b'");
  EXPECT_EQ(QuoteLiteralList(std::vector<std::string>{"a'b", "c"}), "'a''b', 'c'");
  EXPECT_EQ(QuoteLiteralList({}), "");
  EXPECT_EQ(QuoteIdentifier("x\"y"), "\"x\"\"y\"");
}

}  // namespace
}  // namespace n4a::db
