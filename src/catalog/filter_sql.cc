#include "catalog/filter_sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <regex>

#include "util/suggest.h"

namespace n4a::catalog {
namespace {

constexpr const char* kScoresPrefix = "scores.";
constexpr const char* kParamsPrefix = "params.";

std::vector<FilterField> Columns(const std::string& qualifier, FieldType type,
                                 std::initializer_list<const char*> names) {
  std::vector<FilterField> out;
  for (const char* n : names) out.push_back({n, qualifier + n, type});
  return out;
}

void Append(std::vector<FilterField>& to, std::vector<FilterField> more) {
  for (auto& f : more) to.push_back(std::move(f));
}

bool IsPlainName(const std::string& s) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(s, kName);
}

std::string Param(std::vector<db::Value>& params, db::Value v) {
  params.push_back(std::move(v));
  return "$" + std::to_string(params.size());
}

db::Value ToDb(const FilterValue& v) {
  return std::visit([](const auto& x) { return db::Value(x); }, v);
}

bool IsText(const FilterValue& v) {
  return std::holds_alternative<std::string>(v);
}

std::string LiteralText(const FilterValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return fmt::format("{}", std::get<double>(v));
}

const char* SqlOp(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return " = ";
    case CompareOp::kNe: return " <> ";
    case CompareOp::kLt: return " < ";
    case CompareOp::kLe: return " <= ";
    case CompareOp::kGt: return " > ";
    case CompareOp::kGe: return " >= ";
  }
  return " = ";
}

// A field resolved against a listing: an SQL expression of a known type, or
// a parameter whose SQL depends on the literal it is compared with.
struct Operand {
  std::string name;
  FieldType type = FieldType::kText;
  std::string sql;         // columns and scores
  std::string param_name;  // params.<name>: empty for other fields
};

std::string KnownFields(const FilterFields& fields) {
  std::string out;
  for (const auto& c : fields.columns) out += (out.empty() ? "" : ", ") + c.name;
  if (fields.scores) out += ", scores.<metric>";
  if (fields.params_key != ParamsKey::kNone) out += ", params.<name>";
  return out;
}

// " (did you mean X?)" for the known field closest to `name`, if close.
std::string Suggestion(const std::string& name, const FilterFields& fields) {
  std::vector<std::string> known;
  for (const auto& c : fields.columns) known.push_back(c.name);
  std::string head = name.substr(0, name.find('.'));
  std::string rest =
      name.find('.') == std::string::npos ? "<metric>" : name.substr(head.size() + 1);
  if (fields.scores) known.push_back("scores." + rest);
  if (fields.params_key != ParamsKey::kNone) {
    known.push_back("params." + (rest == "<metric>" ? std::string("<name>") : rest));
  }
  return DidYouMean(name, known);
}

Result<Operand> Resolve(const std::string& name, const FilterFields& fields,
                        std::vector<db::Value>& params) {
  for (const auto& c : fields.columns) {
    if (c.name == name) return Operand{name, c.type, c.sql, ""};
  }
  auto suffix = [&](const char* prefix) -> std::string {
    std::string p(prefix);
    if (name.compare(0, p.size(), p) != 0) return "";
    std::string rest = name.substr(p.size());
    return IsPlainName(rest) ? rest : "";
  };
  if (std::string metric = suffix(kScoresPrefix); !metric.empty() && fields.scores) {
    return Operand{name, FieldType::kNumber, ScoreSql(fields.qualifier, metric, params), ""};
  }
  if (std::string param = suffix(kParamsPrefix);
      !param.empty() && fields.params_key != ParamsKey::kNone) {
    return Operand{name, FieldType::kText, "", param};
  }
  return Status::InvalidArgument("unknown field '" + name + "' in a filter on " + fields.listing +
                                 Suggestion(name, fields) +
                                 "; known fields: " + KnownFields(fields));
}

class Compiler {
 public:
  Compiler(const FilterFields& fields, std::vector<db::Value>& params, CompiledFilter& out)
      : fields_(fields), params_(params), out_(out) {}

  // `negated`: under an odd number of `not`s, where a null must count as
  // false explicitly (elsewhere SQL's null already filters the row out).
  Result<std::string> Compile(const Filter& f, bool negated) {
    if (f.empty()) return Status::InvalidArgument("an empty filter cannot be an operand");
    return std::visit([&](const auto& n) { return Node(n, negated); }, f.node().expr);
  }

 private:
  Result<std::string> Junction(const std::vector<Filter>& operands, const char* op, bool negated) {
    if (operands.empty()) return Status::InvalidArgument("'and' and 'or' need operands");
    std::string out = "(";
    for (size_t i = 0; i < operands.size(); ++i) {
      N4A_ASSIGN_OR_RETURN(std::string s, Compile(operands[i], negated));
      out += (i > 0 ? op : "") + s;
    }
    return out + ")";
  }

  Result<std::string> Node(const FilterAnd& n, bool negated) {
    return Junction(n.operands, " AND ", negated);
  }
  Result<std::string> Node(const FilterOr& n, bool negated) {
    return Junction(n.operands, " OR ", negated);
  }
  Result<std::string> Node(const FilterNot& n, bool negated) {
    N4A_ASSIGN_OR_RETURN(std::string s, Compile(n.operand, !negated));
    return "(NOT " + s + ")";
  }

  Result<std::string> Node(const FilterCompare& n, bool negated) {
    N4A_ASSIGN_OR_RETURN(Operand o, Resolve(n.field, fields_, params_));
    N4A_ASSIGN_OR_RETURN(std::string value, Literal(o, n.value, IsText(n.value)));
    return Leaf(
        o, IsText(n.value), [&](const std::string& x) { return x + SqlOp(n.op) + value; }, negated);
  }

  Result<std::string> Node(const FilterIn& n, bool negated) {
    N4A_ASSIGN_OR_RETURN(Operand o, Resolve(n.field, fields_, params_));
    if (n.values.empty()) return Status::InvalidArgument("'" + n.field + " in ()' needs values");
    bool text = IsText(n.values[0]);
    std::string list;
    for (const auto& v : n.values) {
      if (IsText(v) != text) {
        return Status::InvalidArgument("the list of '" + n.field +
                                       " in (...)' mixes text and numbers");
      }
      N4A_ASSIGN_OR_RETURN(std::string value, Literal(o, v, text));
      list += (list.empty() ? "" : ", ") + value;
    }
    return Leaf(
        o, text, [&](const std::string& x) { return x + " IN (" + list + ")"; }, negated);
  }

  Result<std::string> Node(const FilterLike& n, bool negated) {
    return Pattern(n.field, n.pattern, "like", negated);
  }
  Result<std::string> Node(const FilterRegex& n, bool negated) {
    out_.regexes.push_back(n.pattern);
    return Pattern(n.field, n.pattern, "~", negated);
  }

  Result<std::string> Node(const FilterIsNull& n, bool negated) {
    N4A_ASSIGN_OR_RETURN(Operand o, Resolve(n.field, fields_, params_));
    return Leaf(
        o, true, [](const std::string& x) { return x + " IS NULL"; }, negated);
  }

  Result<std::string> Pattern(const std::string& field, const std::string& pattern,
                              const std::string& op, bool negated) {
    N4A_ASSIGN_OR_RETURN(Operand o, Resolve(field, fields_, params_));
    if (o.type == FieldType::kNumber) {
      return Status::InvalidArgument("'" + op + "' needs a text field; '" + field +
                                     "' is a number");
    }
    if (o.type == FieldType::kTime) o.sql = "CAST(" + o.sql + " AS VARCHAR)";
    std::string value = Param(params_, pattern);
    if (op == "like") {
      return Leaf(
          o, true, [&](const std::string& x) { return x + " LIKE " + value; }, negated);
    }
    return Leaf(
        o, true, [&](const std::string& x) { return "regexp_matches(" + x + ", " + value + ")"; },
        negated);
  }

  // The SQL of one literal compared with `o`, checked against its type.
  Result<std::string> Literal(const Operand& o, const FilterValue& v, bool text) {
    if (o.param_name.empty() && text != (o.type != FieldType::kNumber)) {
      return Status::InvalidArgument(
          "'" + o.name + "' holds " + (text ? "numbers" : "text") + "; compare it with " +
          (text ? "a number" : "a 'quoted' value") + ", not " + LiteralText(v));
    }
    std::string p = Param(params_, ToDb(v));
    if (o.type != FieldType::kTime) return p;
    out_.timestamps.push_back(std::get<std::string>(v));
    return "CAST(" + p + " AS TIMESTAMP)";
  }

  // The condition `cond` makes of the operand's SQL, false (never null)
  // where that matters.
  using Condition = std::function<std::string(const std::string&)>;
  std::string Leaf(const Operand& o, bool text, const Condition& cond, bool negated) {
    std::string sql = o.param_name.empty() ? cond(o.sql) : ParamCondition(o, text, cond);
    return negated ? "COALESCE(" + sql + ", FALSE)" : sql;
  }

  // params.<name>: the rows whose chain (or pipeline) has a matching value,
  // as a semi-join so that each variant's JSON is read once, not per row.
  std::string ParamCondition(const Operand& o, bool text, const Condition& cond) {
    std::string quoted = "\"" + o.param_name + "\"";
    std::string fitted = Param(params_, "$[*].params." + quoted);
    std::string configured = Param(params_, "$[*]." + quoted);
    std::string value = "json_extract_string(COALESCE(json_extract(fc.steps, " + fitted +
                        ")[-1], json_extract(fp.expanded_config, " + configured + ")[-1]), '$')";
    if (!text) value = "TRY_CAST(" + value + " AS DOUBLE)";
    std::string from = fields_.params_key == ParamsKey::kChain
                           ? "SELECT fc.chain_id FROM chains fc LEFT JOIN pipelines fp "
                             "ON fp.pipeline_id = fc.pipeline_id"
                           : "SELECT fp.pipeline_id FROM pipelines fp LEFT JOIN chains fc "
                             "ON fc.pipeline_id = fp.pipeline_id";
    return fields_.params_key_sql + " IN (" + from + " WHERE " + cond(value) + ")";
  }

  const FilterFields& fields_;
  std::vector<db::Value>& params_;
  CompiledFilter& out_;
};

}  // namespace

const FilterFields& RunFilterFields() {
  static const FilterFields kFields = [] {
    FilterFields f;
    f.listing = "runs";
    f.columns =
        Columns("r.", FieldType::kText, {"run_id", "name", "status", "project_id", "error"});
    Append(f.columns, Columns("r.", FieldType::kTime, {"created_at", "completed_at"}));
    f.columns.push_back({"pipelines",
                         "(SELECT count(*) FROM pipelines q WHERE q.run_id = r.run_id)",
                         FieldType::kNumber});
    // Provenance (RunRecord::provenance): who ran it, where, at which commit.
    f.columns.push_back({"user", "(r.provenance->>'user')", FieldType::kText});
    f.columns.push_back({"host", "(r.provenance->>'host')", FieldType::kText});
    f.columns.push_back({"git_commit", "(r.provenance->'git'->>'commit')", FieldType::kText});
    return f;
  }();
  return kFields;
}

const FilterFields& PipelineFilterFields() {
  static const FilterFields kFields = [] {
    FilterFields f;
    f.listing = "pipelines";
    f.columns = Columns("p.", FieldType::kText,
                        {"pipeline_id", "run_id", "name", "status", "dataset_name", "dataset_hash",
                         "metric", "error"});
    Append(f.columns, Columns("p.", FieldType::kNumber, {"best_val", "best_test", "duration_ms"}));
    Append(f.columns, Columns("p.", FieldType::kTime, {"created_at", "completed_at"}));
    f.params_key = ParamsKey::kPipeline;
    f.params_key_sql = "p.pipeline_id";
    return f;
  }();
  return kFields;
}

const FilterFields& ChainFilterFields() {
  static const FilterFields kFields = [] {
    FilterFields f;
    f.listing = "chains";
    f.columns = Columns("c.", FieldType::kText,
                        {"chain_id", "pipeline_id", "model_class", "model_name", "preprocessings",
                         "fold_strategy", "metric", "task_type", "dataset_name"});
    f.columns.push_back({"pipeline_name", "p.name", FieldType::kText});
    f.columns.push_back({"run_id", "p.run_id", FieldType::kText});
    Append(f.columns, Columns("c.", FieldType::kNumber,
                              {"cv_val_score", "cv_oof_score", "cv_test_score", "cv_train_score",
                               "cv_fold_count"}));
    f.columns.push_back({"created_at", "c.created_at", FieldType::kTime});
    f.params_key = ParamsKey::kChain;
    f.params_key_sql = "c.chain_id";
    return f;
  }();
  return kFields;
}

FilterFields PredictionFilterFields(const std::string& q) {
  FilterFields f;
  f.listing = "predictions";
  f.columns = Columns(q, FieldType::kText,
                      {"prediction_id", "pipeline_id", "chain_id", "dataset_name", "model_name",
                       "model_class", "fold_id", "partition", "metric", "task_type",
                       "preprocessings", "branch_id", "branch_name"});
  f.columns.push_back(
      {"pipeline_name",
       "(SELECT fp.name FROM pipelines fp WHERE fp.pipeline_id = " + q + "pipeline_id)",
       FieldType::kText});
  f.columns.push_back(
      {"run_id", "(SELECT fp.run_id FROM pipelines fp WHERE fp.pipeline_id = " + q + "pipeline_id)",
       FieldType::kText});
  Append(f.columns, Columns(q, FieldType::kNumber,
                            {"val_score", "test_score", "train_score", "n_samples", "n_features"}));
  f.columns.push_back({"created_at", q + "created_at", FieldType::kTime});
  f.scores = true;
  f.qualifier = q;
  f.params_key = ParamsKey::kChain;
  f.params_key_sql = q + "chain_id";
  return f;
}

std::string ScoreSql(const std::string& q, const std::string& name,
                     std::vector<db::Value>& params) {
  std::string m = Param(params, name);
  std::string path = Param(params, "$.\"" + name + "\"");
  return "(CASE WHEN " + q + "metric = " + m + " AND " + q + "partition = 'val' THEN " + q +
         "val_score WHEN " + q + "metric = " + m + " AND " + q + "partition = 'test' THEN " + q +
         "test_score WHEN " + q + "metric = " + m + " AND " + q + "partition = 'train' THEN " + q +
         "train_score ELSE TRY_CAST(json_extract_string(" + q + "scores, " + path +
         ") AS DOUBLE) END)";
}

Result<CompiledFilter> CompileFilter(const Filter& filter, const FilterFields& fields,
                                     std::vector<db::Value>& params) {
  CompiledFilter out;
  if (filter.empty()) return out;
  Compiler compiler(fields, params, out);
  N4A_ASSIGN_OR_RETURN(out.sql, compiler.Compile(filter, false));
  return out;
}

Status CheckLiterals(db::Connection& con, const CompiledFilter& compiled) {
  for (const auto& pattern : compiled.regexes) {
    if (!con.query("SELECT regexp_matches('', $1)", {pattern}).ok()) {
      return Status::InvalidArgument("not a valid regular expression: '" + pattern +
                                     "' (RE2 syntax)");
    }
  }
  for (const auto& time : compiled.timestamps) {
    if (!con.query("SELECT CAST($1 AS TIMESTAMP)", {time}).ok()) {
      return Status::InvalidArgument("not a timestamp: '" + time +
                                     "' (use 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS')");
    }
  }
  return Status::Ok();
}

Status AppendFilter(db::Connection& con, const Filter& filter, const FilterFields& fields,
                    std::string& where, std::vector<db::Value>& params) {
  N4A_ASSIGN_OR_RETURN(CompiledFilter compiled, CompileFilter(filter, fields, params));
  if (compiled.sql.empty()) return Status::Ok();
  N4A_TRY(CheckLiterals(con, compiled));
  where += (where.empty() ? " WHERE " : " AND ") + compiled.sql;
  return Status::Ok();
}

}  // namespace n4a::catalog
