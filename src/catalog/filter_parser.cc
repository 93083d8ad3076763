// ParseFilter: a lexer and a recursive-descent parser for the filter
// language (docs/filters.md has the grammar this follows).
#include <cctype>
#include <charconv>
#include <optional>

#include "n4a/filter.h"

namespace n4a {
namespace {

// Deeper nesting is refused instead of exhausting the stack.
constexpr int kMaxDepth = 200;

enum class TokenKind { kName, kString, kNumber, kOperator, kLeftParen, kRightParen, kComma, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // the name, the string's value, the operator, ...
  size_t offset = 0;  // byte offset in the filter text
};

// A syntax error at `offset`: the message, the text, and a caret under it.
Status SyntaxError(std::string_view text, size_t offset, const std::string& what) {
  // Columns count characters, not UTF-8 continuation bytes.
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return Status::InvalidArgument("filter syntax error at column " + std::to_string(column) + ": " +
                                 what + "\n  " + std::string(text) + "\n  " +
                                 std::string(column - 1, ' ') + "^");
}

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool IsDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Tokens() {
    std::vector<Token> out;
    while (true) {
      while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
        ++pos_;
      }
      if (pos_ == text_.size()) break;
      N4A_ASSIGN_OR_RETURN(Token t, Next());
      out.push_back(std::move(t));
    }
    out.push_back({TokenKind::kEnd, "", text_.size()});
    return out;
  }

 private:
  Result<Token> Next() {
    const size_t start = pos_;
    const char c = text_[pos_];
    if (IsNameStart(c)) return Name(start);
    if (IsDigit(c) || ((c == '-' || c == '.') && pos_ + 1 < text_.size() &&
                       (IsDigit(text_[pos_ + 1]) || text_[pos_ + 1] == '.'))) {
      return Number(start);
    }
    if (c == '\'') return String(start);
    if (c == '"') {
      return SyntaxError(text_, start,
                         "strings take single quotes ('like this'); double quotes are not used");
    }
    ++pos_;
    switch (c) {
      case '(': return Token{TokenKind::kLeftParen, "(", start};
      case ')': return Token{TokenKind::kRightParen, ")", start};
      case ',': return Token{TokenKind::kComma, ",", start};
      case '~': return Token{TokenKind::kOperator, "~", start};
      case '=': return Operator(start, "=", '=', "=");  // "==" is "=" too
      case '<':
        if (Peek('>')) return Token{TokenKind::kOperator, "!=", start};
        return Operator(start, "<", '=', "<=");
      case '>': return Operator(start, ">", '=', ">=");
      case '!':
        if (Peek('=')) return Token{TokenKind::kOperator, "!=", start};
        if (Peek('~')) return Token{TokenKind::kOperator, "!~", start};
        break;
      default: break;
    }
    // The whole character, not one byte of its UTF-8 sequence.
    size_t end = start + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return SyntaxError(
        text_, start,
        "unexpected character '" + std::string(text_.substr(start, end - start)) + "'");
  }

  // Consumes `c` when it comes next.
  bool Peek(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Token Operator(size_t start, const char* alone, char second, const char* both) {
    return Token{TokenKind::kOperator, Peek(second) ? both : alone, start};
  }

  // A name: letters, digits and '_', parts joined by '.' (scores.r2).
  Result<Token> Name(size_t start) {
    while (true) {
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
      if (pos_ + 1 < text_.size() && text_[pos_] == '.' && IsNameStart(text_[pos_ + 1])) {
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      return SyntaxError(text_, pos_, "expected a name after '.'");
    }
    return Token{TokenKind::kName, std::string(text_.substr(start, pos_ - start)), start};
  }

  Result<Token> Number(size_t start) {
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && (IsNameChar(text_[pos_]) || text_[pos_] == '.' ||
                                   ((text_[pos_] == '-' || text_[pos_] == '+') &&
                                    (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    return Token{TokenKind::kNumber, std::string(text_.substr(start, pos_ - start)), start};
  }

  // 'text', with '' for a quote inside.
  Result<Token> String(size_t start) {
    std::string value;
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c != '\'') {
        value += c;
      } else if (Peek('\'')) {
        value += '\'';
      } else {
        return Token{TokenKind::kString, std::move(value), start};
      }
    }
    return SyntaxError(text_, start, "unterminated string (a quote inside a string is '')");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// A number token as int64 when it is an integer that fits, else a double.
std::optional<FilterValue> ParseNumber(const std::string& text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  int64_t i = 0;
  auto [ip, iec] = std::from_chars(begin, end, i);
  if (iec == std::errc() && ip == end) return i;
  double d = 0;
  auto [dp, dec] = std::from_chars(begin, end, d);
  if (dec == std::errc() && dp == end) return d;
  return std::nullopt;
}

bool IsKeyword(const Token& t, std::string_view word) {
  if (t.kind != TokenKind::kName || t.text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
  }
  return true;
}

bool IsReserved(const Token& t) {
  for (const char* w : {"and", "or", "not", "in", "like", "is", "null"}) {
    if (IsKeyword(t, w)) return true;
  }
  return false;
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "the end of the filter";
    case TokenKind::kString: return "a string";
    default: return "'" + t.text + "'";
  }
}

// or_expr  := and_expr ("or" and_expr)*
// and_expr := not_expr ("and" not_expr)*
// not_expr := "not" not_expr | "(" or_expr ")" | predicate
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  Result<Filter> Parse() {
    N4A_ASSIGN_OR_RETURN(Filter f, Or(0));
    if (Current().kind != TokenKind::kEnd) {
      return Error("expected 'and', 'or' or the end of the filter, found " + Describe(Current()));
    }
    return f;
  }

 private:
  const Token& Current() const { return tokens_[pos_]; }
  const Token& Advance() { return tokens_[pos_++]; }
  bool Accept(std::string_view keyword) {
    if (!IsKeyword(Current(), keyword)) return false;
    ++pos_;
    return true;
  }
  Status Error(const std::string& what) const { return SyntaxError(text_, Current().offset, what); }

  Result<Filter> Or(int depth) {
    if (depth > kMaxDepth) return Error("filter nested too deeply");
    std::vector<Filter> operands;
    do {
      N4A_ASSIGN_OR_RETURN(Filter f, And(depth));
      operands.push_back(std::move(f));
    } while (Accept("or"));
    return operands.size() == 1 ? operands[0] : Filter::Or(std::move(operands));
  }

  Result<Filter> And(int depth) {
    std::vector<Filter> operands;
    do {
      N4A_ASSIGN_OR_RETURN(Filter f, Not(depth));
      operands.push_back(std::move(f));
    } while (Accept("and"));
    return operands.size() == 1 ? operands[0] : Filter::And(std::move(operands));
  }

  Result<Filter> Not(int depth) {
    if (depth > kMaxDepth) return Error("filter nested too deeply");
    if (Accept("not")) {
      N4A_ASSIGN_OR_RETURN(Filter f, Not(depth + 1));
      return Filter::Not(std::move(f));
    }
    if (Current().kind == TokenKind::kLeftParen) {
      Advance();
      N4A_ASSIGN_OR_RETURN(Filter f, Or(depth + 1));
      if (Current().kind != TokenKind::kRightParen) {
        return Error("expected ')', found " + Describe(Current()));
      }
      Advance();
      return f;
    }
    return Predicate();
  }

  // predicate := name ( op value | ["not"] "in" "(" value ("," value)* ")"
  //                   | ["not"] "like" string | ("~" | "!~") string | "is" ["not"] "null" )
  Result<Filter> Predicate() {
    if (Current().kind != TokenKind::kName || IsReserved(Current())) {
      return Error("expected a field name, 'not' or '(', found " + Describe(Current()));
    }
    std::string field = Advance().text;
    if (Accept("is")) {
      bool negated = Accept("not");
      if (!Accept("null")) return Error("expected 'null' after 'is', found " + Describe(Current()));
      return Negate(Filter::IsNull(field), negated);
    }
    bool negated = Accept("not");
    if (Accept("in")) {
      N4A_ASSIGN_OR_RETURN(Filter in, In(field));
      return Negate(std::move(in), negated);
    }
    if (Accept("like")) {
      N4A_ASSIGN_OR_RETURN(std::string pattern, String("like"));
      return Negate(Filter::Like(field, pattern), negated);
    }
    if (negated) return Error("expected 'in' or 'like' after 'not', found " + Describe(Current()));
    if (Current().kind != TokenKind::kOperator) {
      return Error("expected an operator (= != < <= > >= ~ !~), in, like or is after '" + field +
                   "', found " + Describe(Current()));
    }
    std::string op = Advance().text;
    if (op == "~" || op == "!~") {
      N4A_ASSIGN_OR_RETURN(std::string pattern, String(op));
      return Negate(Filter::Regex(field, pattern), op == "!~");
    }
    N4A_ASSIGN_OR_RETURN(FilterValue value, Value(op));
    return Filter::Compare(field, CompareOpOf(op), std::move(value));
  }

  static Filter Negate(Filter f, bool negated) { return negated ? Filter::Not(std::move(f)) : f; }

  static CompareOp CompareOpOf(const std::string& op) {
    if (op == "!=") return CompareOp::kNe;
    if (op == "<") return CompareOp::kLt;
    if (op == "<=") return CompareOp::kLe;
    if (op == ">") return CompareOp::kGt;
    if (op == ">=") return CompareOp::kGe;
    return CompareOp::kEq;
  }

  Result<Filter> In(const std::string& field) {
    if (Current().kind != TokenKind::kLeftParen) {
      return Error("expected '(' after 'in', found " + Describe(Current()));
    }
    Advance();
    std::vector<FilterValue> values;
    while (true) {
      N4A_ASSIGN_OR_RETURN(FilterValue v, Value(values.empty() ? "(" : ","));
      values.push_back(std::move(v));
      if (Current().kind != TokenKind::kComma) break;
      Advance();
    }
    if (Current().kind != TokenKind::kRightParen) {
      return Error("expected ',' or ')' in the list, found " + Describe(Current()));
    }
    Advance();
    return Filter::In(field, std::move(values));
  }

  Result<std::string> String(const std::string& after) {
    if (Current().kind != TokenKind::kString) {
      return Error("expected a 'quoted pattern' after '" + after + "', found " +
                   Describe(Current()));
    }
    return Advance().text;
  }

  Result<FilterValue> Value(const std::string& after) {
    const Token& t = Current();
    if (t.kind == TokenKind::kString) return FilterValue(Advance().text);
    if (t.kind == TokenKind::kNumber) {
      auto v = ParseNumber(t.text);
      if (!v) return Error("'" + t.text + "' is not a number");
      Advance();
      return *v;
    }
    std::string hint = t.kind == TokenKind::kName && !IsReserved(t)
                           ? " (text values take single quotes: '" + t.text + "')"
                           : "";
    return Error("expected a value ('text' or a number) after '" + after + "', found " +
                 Describe(t) + hint);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<Filter> ParseFilter(std::string_view text) {
  N4A_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text).Tokens());
  if (tokens.size() == 1) return Filter();  // blank
  return Parser(text, std::move(tokens)).Parse();
}

}  // namespace n4a
