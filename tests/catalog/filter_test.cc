// The filter language: parsing (precedence, quoting, every operator, errors
// with their columns) and compiling to parameterized SQL (no user text in
// the SQL, unknown fields, type checks), plus a few runs of the compiled SQL
// on an in-memory catalog.
#include "n4a/filter.h"

#include <gtest/gtest.h>

#include "catalog/filter_sql.h"
#include "catalog/schema.h"

namespace n4a {
namespace {

// The canonical text of a parsed filter (each and/or parenthesized).
std::string Canon(std::string_view text) {
  auto f = ParseFilter(text);
  EXPECT_TRUE(f.ok()) << text << ": " << f.status().ToString();
  return f.ok() ? f->ToString() : "<error>";
}

// The message of a parse that must fail.
std::string ParseError(std::string_view text) {
  auto f = ParseFilter(text);
  EXPECT_FALSE(f.ok()) << text << " parsed as " << (f.ok() ? f->ToString() : "");
  if (f.ok()) return "";
  EXPECT_TRUE(f.status().IsInvalidArgument());
  return f.status().message();
}

template <typename T>
const T& NodeAs(const Filter& f) {
  return std::get<T>(f.node().expr);
}

TEST(FilterParseTest, BlankTextIsTheEmptyFilter) {
  EXPECT_TRUE(ParseFilter("")->empty());
  EXPECT_TRUE(ParseFilter("  \t\n")->empty());
  EXPECT_EQ(Filter().ToString(), "");
}

TEST(FilterParseTest, NotBindsTighterThanAndWhichBindsTighterThanOr) {
  EXPECT_EQ(Canon("a = 1 or b = 2 and c = 3"), "(a = 1 or (b = 2 and c = 3))");
  EXPECT_EQ(Canon("a = 1 and b = 2 or c = 3"), "((a = 1 and b = 2) or c = 3)");
  EXPECT_EQ(Canon("not a = 1 and b = 2"), "(not a = 1 and b = 2)");
  EXPECT_EQ(Canon("not a = 1 or not b = 2 and c = 3"), "(not a = 1 or (not b = 2 and c = 3))");
  EXPECT_EQ(Canon("not (a = 1 or b = 2)"), "not (a = 1 or b = 2)");
  EXPECT_EQ(Canon("not not a = 1"), "not not a = 1");
  EXPECT_EQ(Canon("(a = 1 or b = 2) and c = 3"), "((a = 1 or b = 2) and c = 3)");
  EXPECT_EQ(Canon("a = 1 and b = 2 and c = 3"), "(a = 1 and b = 2 and c = 3)");  // flat
  EXPECT_EQ(Canon("((a = 1))"), "a = 1");
  auto f = *ParseFilter("a = 1 or b = 2 and not c = 3");
  const auto& top = NodeAs<FilterOr>(f);
  ASSERT_EQ(top.operands.size(), 2u);
  const auto& right = NodeAs<FilterAnd>(top.operands[1]);
  ASSERT_EQ(right.operands.size(), 2u);
  EXPECT_EQ(NodeAs<FilterCompare>(NodeAs<FilterNot>(right.operands[1]).operand).field, "c");
}

TEST(FilterParseTest, KeywordsIgnoreCase) {
  EXPECT_EQ(Canon("a = 1 AND b = 2 Or NOT c IS NOT NULL"),
            "((a = 1 and b = 2) or not not c is null)");
  EXPECT_EQ(Canon("a IN (1) and b LIKE 'x' and c Not Like 'y'"),
            "(a in (1) and b like 'x' and not c like 'y')");
}

TEST(FilterParseTest, EveryComparisonOperator) {
  const std::pair<const char*, CompareOp> kOps[] = {{"=", CompareOp::kEq},  {"==", CompareOp::kEq},
                                                    {"!=", CompareOp::kNe}, {"<>", CompareOp::kNe},
                                                    {"<", CompareOp::kLt},  {"<=", CompareOp::kLe},
                                                    {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
  for (const auto& [text, op] : kOps) {
    auto f = ParseFilter(std::string("scores.r2 ") + text + " 0.5");
    ASSERT_TRUE(f.ok()) << text;
    const auto& c = NodeAs<FilterCompare>(*f);
    EXPECT_EQ(c.field, "scores.r2");
    EXPECT_EQ(c.op, op) << text;
    EXPECT_EQ(std::get<double>(c.value), 0.5);
  }
  EXPECT_EQ(Canon("a<1"), "a < 1");  // no spaces needed
  EXPECT_EQ(Canon("a>=-2"), "a >= -2");
}

TEST(FilterParseTest, InLikeRegexAndNull) {
  auto in = *ParseFilter("model_class in ('PLSRegression', 'Ridge')");
  EXPECT_EQ(NodeAs<FilterIn>(in).values,
            (std::vector<FilterValue>{std::string("PLSRegression"), std::string("Ridge")}));
  auto not_in = *ParseFilter("params.n_components not in (1, 2.5)");
  const auto& inner = NodeAs<FilterIn>(NodeAs<FilterNot>(not_in).operand);
  EXPECT_EQ(inner.field, "params.n_components");
  EXPECT_EQ(inner.values, (std::vector<FilterValue>{int64_t{1}, 2.5}));
  EXPECT_EQ(NodeAs<FilterLike>(*ParseFilter("name like 'SNV%'")).pattern, "SNV%");
  EXPECT_EQ(NodeAs<FilterRegex>(*ParseFilter("name ~ '^SG\\(11'")).pattern, "^SG\\(11");
  auto not_regex = *ParseFilter("name !~ 'MSC'");
  EXPECT_EQ(NodeAs<FilterRegex>(NodeAs<FilterNot>(not_regex).operand).pattern, "MSC");
  EXPECT_EQ(NodeAs<FilterIsNull>(*ParseFilter("test_score is null")).field, "test_score");
  auto not_null = *ParseFilter("test_score is not null");
  EXPECT_EQ(NodeAs<FilterIsNull>(NodeAs<FilterNot>(not_null).operand).field, "test_score");
}

TEST(FilterParseTest, NumbersAndStrings) {
  EXPECT_EQ(std::get<int64_t>(NodeAs<FilterCompare>(*ParseFilter("a = 4")).value), 4);
  EXPECT_EQ(std::get<int64_t>(NodeAs<FilterCompare>(*ParseFilter("a = -12")).value), -12);
  EXPECT_EQ(std::get<double>(NodeAs<FilterCompare>(*ParseFilter("a = 1e-3")).value), 1e-3);
  EXPECT_EQ(std::get<double>(NodeAs<FilterCompare>(*ParseFilter("a = .5")).value), 0.5);
  EXPECT_EQ(std::get<double>(NodeAs<FilterCompare>(*ParseFilter("a = 4.0")).value), 4.0);
  // Larger than int64: a double.
  EXPECT_EQ(std::get<double>(NodeAs<FilterCompare>(*ParseFilter("a = 99999999999999999999")).value),
            1e20);
  EXPECT_EQ(std::get<std::string>(NodeAs<FilterCompare>(*ParseFilter("a = 'it''s'")).value),
            "it's");
  EXPECT_EQ(std::get<std::string>(NodeAs<FilterCompare>(*ParseFilter("a = ''")).value), "");
  EXPECT_EQ(std::get<std::string>(NodeAs<FilterCompare>(*ParseFilter("a = 'é and or'")).value),
            "é and or");
}

TEST(FilterParseTest, ToStringParsesBackToTheSameTree) {
  for (const char* text :
       {"model_class = 'PLSRegression' and (scores.r2 > 0.95 or params.n_components < 4)",
        "not (a in ('x''y', 'z') or b like '%''%') and c ~ '^a|b$'", "a != 2.5 or b is null",
        "not a is null and b >= -1e+20 and c <= 4.0"}) {
    std::string once = Canon(text);
    EXPECT_EQ(Canon(once), once) << text;
  }
  // Built by hand, printed, parsed: the same.
  Filter f = Filter::And({Filter::Compare("a", CompareOp::kLe, 2.0),
                          Filter::Not(Filter::In("b", {std::string("q'"), std::string("r")}))});
  EXPECT_EQ(f.ToString(), "(a <= 2.0 and not b in ('q''', 'r'))");
  EXPECT_EQ(Canon(f.ToString()), f.ToString());
}

TEST(FilterParseTest, SyntaxErrorsPointAtTheirColumn) {
  struct Case {
    const char* text;
    int column;
    const char* says;
  };
  const Case kCases[] = {
      {"a >", 4, "expected a value"},
      {"a = 'x", 5, "unterminated string"},
      {"a = 1 b = 2", 7, "expected 'and', 'or'"},
      {"(a = 1", 7, "expected ')'"},
      {"a = 1)", 6, "expected 'and', 'or'"},
      {"model_class = \"PLS\"", 15, "single quotes"},
      {"a = PLS", 5, "text values take single quotes: 'PLS'"},
      {"a = 1 and", 10, "expected a field name"},
      {"and = 1", 1, "expected a field name"},
      {"a in 1", 6, "expected '(' after 'in'"},
      {"a in (1,)", 9, "expected a value"},
      {"a in (1 2)", 9, "expected ',' or ')'"},
      {"a like 5", 8, "quoted pattern"},
      {"a is 5", 6, "expected 'null'"},
      {"a not = 1", 7, "expected 'in' or 'like'"},
      {"a", 2, "expected an operator"},
      {"a = 1 & b = 2", 7, "unexpected character '&'"},
      {"a = 12abc", 5, "not a number"},
      {"scores. = 1", 7, "expected a name after '.'"},
      {"a = 'é' or", 11, "expected a field name"},  // columns count characters
      {"a = 1 or é = 2", 10, "unexpected character 'é'"},
  };
  for (const auto& c : kCases) {
    std::string message = ParseError(c.text);
    EXPECT_NE(message.find("column " + std::to_string(c.column) + ":"), std::string::npos)
        << c.text << " -> " << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << c.text << " -> " << message;
    // The text, then a caret under the column.
    std::string caret =
        "\n  " + std::string(c.text) + "\n  " + std::string(c.column - 1, ' ') + "^";
    EXPECT_NE(message.find(caret), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(FilterParseTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '(');
  EXPECT_NE(ParseError(deep + "a = 1").find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_NE(ParseError(nots + "a = 1").find("nested too deeply"), std::string::npos);
  std::string ok(50, '(');
  EXPECT_EQ(Canon(ok + "a = 1" + std::string(50, ')')), "a = 1");
}

TEST(FilterParseTest, InjectionAttemptsStayLiteralsOrFailToParse) {
  // Unquoted SQL is a syntax error, never SQL.
  ParseError("x'; DROP TABLE runs; --");
  ParseError("name = 'x'; DROP TABLE runs; --");
  ParseError("name = 1; DROP TABLE runs");
  ParseError("name = 1 -- comment");
  // Quoted, it is one string value.
  auto f = ParseFilter("name = 'x''; DROP TABLE runs; --'");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(std::get<std::string>(NodeAs<FilterCompare>(*f).value), "x'; DROP TABLE runs; --");
}

// --- Compiling.

using catalog::CompileFilter;
using catalog::FilterFields;

Result<catalog::CompiledFilter> Compile(const std::string& text, const FilterFields& fields,
                                        std::vector<db::Value>& params) {
  N4A_ASSIGN_OR_RETURN(Filter f, ParseFilter(text));
  return CompileFilter(f, fields, params);
}

TEST(FilterCompileTest, LiteralsAndNamesAreBoundNeverSqlText) {
  std::vector<db::Value> params{std::string("already there")};
  auto c = Compile(
      "model_class = 'x''; DROP TABLE runs; --' or scores.r2 > 0.95 or params.n_components in "
      "(3, 4) or preprocessings like '%SNV%' or model_name ~ 'PLS' or branch_id is null",
      catalog::PredictionFilterFields("p."), params);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (const char* text : {"DROP", "r2", "n_components", "SNV", "PLS", "0.95"}) {
    EXPECT_EQ(c->sql.find(text), std::string::npos) << text << " in " << c->sql;
  }
  // Numbered after what was bound before; each literal once.
  EXPECT_NE(c->sql.find("p.model_class = $2"), std::string::npos) << c->sql;
  EXPECT_EQ(std::get<std::string>(params[1]), "x'; DROP TABLE runs; --");
  EXPECT_EQ(std::get<std::string>(params[2]), "r2");
  EXPECT_EQ(std::get<std::string>(params[3]), "$.\"r2\"");
  EXPECT_EQ(std::get<double>(params[4]), 0.95);
  EXPECT_EQ(c->regexes, std::vector<std::string>{"PLS"});
  // Names in fields can only be plain names: anything else is unknown.
  std::vector<db::Value> more;
  for (const char* field : {"scores.r2\" OR 1=1", "params.a b", "name; DROP TABLE runs"}) {
    auto bad = CompileFilter(Filter::Compare(field, CompareOp::kEq, int64_t{1}),
                             catalog::PredictionFilterFields("p."), more);
    EXPECT_TRUE(bad.status().IsInvalidArgument()) << field;
  }
}

TEST(FilterCompileTest, UnknownFieldsListTheKnownOnes) {
  std::vector<db::Value> params;
  auto c = Compile("modelclass = 'PLS'", catalog::ChainFilterFields(), params);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsInvalidArgument());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("unknown field 'modelclass' in a filter on chains (did you mean model_class?)"),
            std::string::npos)
      << m;
  for (const char* known : {"model_class", "cv_val_score", "pipeline_name", "params.<name>"}) {
    EXPECT_NE(m.find(known), std::string::npos) << known << " not in " << m;
  }
  EXPECT_EQ(m.find("scores.<metric>"), std::string::npos) << m;  // chains have no scores JSON
  auto suggests = [&](const char* text, const FilterFields& fields) {
    auto r = Compile(text, fields, params);
    EXPECT_FALSE(r.ok()) << text;
    std::string msg = r.status().message();
    size_t at = msg.find("(did you mean ");
    return at == std::string::npos ? std::string()
                                   : msg.substr(at + 14, msg.find('?', at) - at - 14);
  };
  auto predictions = catalog::PredictionFilterFields("p.");
  EXPECT_EQ(suggests("score.r2 > 1", predictions), "scores.r2");
  EXPECT_EQ(suggests("param.alpha > 1", predictions), "params.alpha");
  EXPECT_EQ(suggests("valscore > 1", predictions), "val_score");
  EXPECT_EQ(suggests("zzz > 1", predictions), "");  // nothing close
  // Runs have neither scores nor params.
  EXPECT_FALSE(Compile("params.n_components = 1", catalog::RunFilterFields(), params).ok());
  EXPECT_FALSE(Compile("scores.r2 = 1", catalog::RunFilterFields(), params).ok());
  EXPECT_TRUE(
      Compile("pipelines > 3 and status = 'completed'", catalog::RunFilterFields(), params).ok());
}

TEST(FilterCompileTest, LiteralsMustMatchTheFieldType) {
  std::vector<db::Value> params;
  auto fields = catalog::PredictionFilterFields("p.");
  auto check = [&](const char* text, const char* says) {
    auto c = Compile(text, fields, params);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_TRUE(c.status().IsInvalidArgument());
    EXPECT_NE(c.status().message().find(says), std::string::npos) << c.status().message();
  };
  check("val_score > 'high'", "holds numbers");
  check("fold_id = 3", "holds text");
  check("scores.r2 = 'x'", "holds numbers");
  check("model_class in ('a', 1)", "mixes text and numbers");
  check("val_score like '1%'", "is a number");
  check("n_samples ~ '1'", "is a number");
  // params take either: the literal decides how the value is compared.
  EXPECT_TRUE(Compile("params.n_components > 3", fields, params).ok());
  EXPECT_TRUE(Compile("params.scale = 'false'", fields, params).ok());
  auto t = Compile("created_at >= '2026-01-01'", fields, params);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->timestamps, std::vector<std::string>{"2026-01-01"});
}

TEST(FilterCompileTest, MalformedTreesAreRejected) {
  std::vector<db::Value> params;
  auto fields = catalog::RunFilterFields();
  EXPECT_FALSE(CompileFilter(Filter::And({}), fields, params).ok());
  EXPECT_FALSE(CompileFilter(Filter::Or({Filter(), Filter::IsNull("name")}), fields, params).ok());
  EXPECT_FALSE(CompileFilter(Filter::Not(Filter()), fields, params).ok());
  EXPECT_FALSE(CompileFilter(Filter::In("name", {}), fields, params).ok());
  auto empty = CompileFilter(Filter(), fields, params);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->sql, "");
}

// The compiled SQL run on a small catalog: rows with nulls, `not`, and an
// injection attempt that must leave the runs table alone.
class FilterSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
    ASSERT_TRUE(con.ok());
    con_ = std::move(con).value();
    ASSERT_TRUE(catalog::Migrate(*con_, 0).ok());
    ASSERT_TRUE(con_->exec("INSERT INTO runs (run_id, name, status, created_at) VALUES "
                           "('r1', 'alpha', 'completed', TIMESTAMP '2026-01-02 10:00:00'), "
                           "('r2', 'beta', 'failed', TIMESTAMP '2026-03-01 00:00:00'), "
                           "('r3', 'it''s', 'running', TIMESTAMP '2026-05-01 00:00:00')")
                    .ok());
    ASSERT_TRUE(con_->exec("UPDATE runs SET error = 'boom' WHERE run_id = 'r2'").ok());
  }

  // The run ids the filter selects, in order.
  std::vector<std::string> Runs(const std::string& text) {
    auto f = ParseFilter(text);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    std::string where;
    std::vector<db::Value> params;
    Status s = catalog::AppendFilter(*con_, *f, catalog::RunFilterFields(), where, params);
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto t = con_->query("SELECT r.run_id FROM runs r" + where + " ORDER BY r.run_id", params);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    std::vector<std::string> out;
    if (t.ok()) {
      for (const auto& row : t->rows) out.push_back(std::get<std::string>(row[0]));
    }
    return out;
  }

  std::unique_ptr<db::Connection> con_;
};

using Ids = std::vector<std::string>;

TEST_F(FilterSqlTest, OperatorsSelectTheRightRows) {
  EXPECT_EQ(Runs("name = 'alpha'"), Ids{"r1"});
  EXPECT_EQ(Runs("name != 'alpha'"), (Ids{"r2", "r3"}));
  EXPECT_EQ(Runs("name > 'b'"), (Ids{"r2", "r3"}));
  EXPECT_EQ(Runs("name in ('alpha', 'beta', 'gamma')"), (Ids{"r1", "r2"}));
  EXPECT_EQ(Runs("name like '%a'"), (Ids{"r1", "r2"}));
  EXPECT_EQ(Runs("name ~ 'l.h'"), Ids{"r1"});
  EXPECT_EQ(Runs("name = 'it''s'"), Ids{"r3"});
  EXPECT_EQ(Runs("created_at >= '2026-03-01'"), (Ids{"r2", "r3"}));
  EXPECT_EQ(Runs("created_at like '2026-01%'"), Ids{"r1"});
  EXPECT_EQ(Runs("status = 'completed' or status = 'running' and name = 'beta'"), Ids{"r1"});
  EXPECT_EQ(Runs("(status = 'completed' or status = 'running') and name != 'beta'"),
            (Ids{"r1", "r3"}));
  EXPECT_EQ(Runs("pipelines = 0"), (Ids{"r1", "r2", "r3"}));
}

TEST_F(FilterSqlTest, NullComparisonsAreFalseAndNotIsPlainNegation) {
  EXPECT_EQ(Runs("error is null"), (Ids{"r1", "r3"}));
  EXPECT_EQ(Runs("error is not null"), Ids{"r2"});
  EXPECT_EQ(Runs("error = 'boom'"), Ids{"r2"});
  EXPECT_EQ(Runs("error != 'boom'"), Ids{});
  EXPECT_EQ(Runs("not error = 'boom'"), (Ids{"r1", "r3"}));
  EXPECT_EQ(Runs("not not error = 'boom'"), Ids{"r2"});
  EXPECT_EQ(Runs("not (error = 'boom' or name = 'alpha')"), Ids{"r3"});
  EXPECT_EQ(Runs("not error like 'b%'"), (Ids{"r1", "r3"}));
}

TEST_F(FilterSqlTest, InjectionAttemptIsJustAValue) {
  EXPECT_EQ(Runs("name = 'x''; DROP TABLE runs; --'"), Ids{});
  EXPECT_EQ(Runs("name ~ '.*''; DROP TABLE runs; --'"), Ids{});
  EXPECT_EQ(Runs("name like '%'' OR 1=1 --'"), Ids{});
  EXPECT_EQ(Runs("name = 'alpha'"), Ids{"r1"});  // the table is still there
}

TEST_F(FilterSqlTest, BadRegexesAndTimestampsAreUsageErrors) {
  for (const char* text : {"name ~ '('", "created_at > 'yesterday'"}) {
    std::string where;
    std::vector<db::Value> params;
    Status s =
        catalog::AppendFilter(*con_, *ParseFilter(text), catalog::RunFilterFields(), where, params);
    EXPECT_TRUE(s.IsInvalidArgument()) << text << ": " << s.ToString();
  }
}

}  // namespace
}  // namespace n4a
