// Recursive-descent parser for the where-language; precedence (low to high):
// or, and, not, comparison, + -, * /, unary minus, atoms.
#include "wafersim/sweep/expr.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace wafersim::sweep {

using Op = Expr::Node::Op;

class ExprParser {
 public:
  ExprParser(Expr& e, const std::function<bool(const std::string&)>& known) : e_(e), known_(known) {}

  void parse() {
    e_.root_ = parse_or();
    skip_space();
    if (pos_ < text().size()) fail(fmt::format("unexpected '{}'", text().substr(pos_)));
  }

 private:
  const std::string& text() const { return e_.text_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument(fmt::format("where \"{}\": {} (column {})", text(), what, pos_ + 1));
  }
  void skip_space() {
    while (pos_ < text().size() && std::isspace(static_cast<unsigned char>(text()[pos_])) != 0) ++pos_;
  }
  bool accept(const char* tok) {
    skip_space();
    const std::string t(tok);
    if (text().compare(pos_, t.size(), t) != 0) return false;
    // Words must end at a word boundary ("and" is not the start of "android").
    if (std::isalpha(static_cast<unsigned char>(t[0])) != 0) {
      const std::size_t end = pos_ + t.size();
      if (end < text().size() &&
          (std::isalnum(static_cast<unsigned char>(text()[end])) != 0 || text()[end] == '_'))
        return false;
    }
    pos_ += t.size();
    return true;
  }
  int add(Op op, int lhs, int rhs) {
    Expr::Node n;
    n.op = op;
    n.lhs = lhs;
    n.rhs = rhs;
    e_.nodes_.push_back(n);
    return static_cast<int>(e_.nodes_.size()) - 1;
  }
  int parse_or() {
    int l = parse_and();
    while (accept("or") || accept("||")) l = add(Op::or_, l, parse_and());
    return l;
  }
  int parse_and() {
    int l = parse_not();
    while (accept("and") || accept("&&")) l = add(Op::and_, l, parse_not());
    return l;
  }
  int parse_not() {
    if (accept("not") || (peek_bang() && accept("!"))) return add(Op::not_, parse_not(), -1);
    return parse_cmp();
  }
  bool peek_bang() {
    skip_space();
    return pos_ + 1 < text().size() && text()[pos_] == '!' && text()[pos_ + 1] != '=';
  }
  int parse_cmp() {
    const int l = parse_sum();
    static const std::pair<const char*, Op> ops[] = {{"<=", Op::le}, {">=", Op::ge}, {"==", Op::eq},
                                                     {"!=", Op::ne}, {"<", Op::lt},  {">", Op::gt}};
    for (const auto& [tok, op] : ops)
      if (accept(tok)) return add(op, l, parse_sum());
    return l;
  }
  int parse_sum() {
    int l = parse_product();
    for (;;) {
      if (accept("+"))
        l = add(Op::add, l, parse_product());
      else if (accept("-"))
        l = add(Op::sub, l, parse_product());
      else
        return l;
    }
  }
  int parse_product() {
    int l = parse_unary();
    for (;;) {
      if (accept("*"))
        l = add(Op::mul, l, parse_unary());
      else if (accept("/"))
        l = add(Op::div, l, parse_unary());
      else
        return l;
    }
  }
  int parse_unary() {
    if (accept("-")) return add(Op::neg, parse_unary(), -1);
    return parse_atom();
  }
  int parse_atom() {
    skip_space();
    if (pos_ >= text().size()) fail("expression ends early");
    const char c = text()[pos_];
    if (accept("(")) {
      const int inner = parse_or();
      if (!accept(")")) fail("missing ')'");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.') {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(text().substr(pos_), &used);
      } catch (const std::exception&) {
        fail("bad number");
      }
      pos_ += used;
      const int n = add(Op::num, -1, -1);
      e_.nodes_[static_cast<std::size_t>(n)].num = v;
      return n;
    }
    if (c == '"' || c == '\'') {
      const std::size_t end = text().find(c, pos_ + 1);
      if (end == std::string::npos) fail("unterminated string");
      const int n = add(Op::str, -1, -1);
      e_.nodes_[static_cast<std::size_t>(n)].str = text().substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      return n;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
      std::size_t end = pos_;
      while (end < text().size() && (std::isalnum(static_cast<unsigned char>(text()[end])) != 0 ||
                                     text()[end] == '_' || text()[end] == '.'))
        ++end;
      const std::string name = text().substr(pos_, end - pos_);
      if (!known_(name))
        fail(fmt::format("unknown name '{}' (use an axis or systems, batch, seq, steps, mode)", name));
      pos_ = end;
      const int n = add(Op::var, -1, -1);
      e_.nodes_[static_cast<std::size_t>(n)].str = name;
      return n;
    }
    fail(fmt::format("unexpected '{}'", c));
  }

  Expr& e_;
  const std::function<bool(const std::string&)>& known_;
  std::size_t pos_ = 0;
};

Expr Expr::parse(const std::string& text, const std::function<bool(const std::string&)>& known) {
  Expr e;
  e.text_ = text;
  ExprParser(e, known).parse();
  return e;
}

namespace {
bool truthy(const ExprValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d != 0;
  return !std::get<std::string>(v).empty();
}
double number_of(const ExprValue& v, const std::string& text) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  throw std::invalid_argument(
      fmt::format("where \"{}\": \"{}\" is text, not a number", text, std::get<std::string>(v)));
}
}  // namespace

ExprValue Expr::eval_node(int i, const ExprLookup& lookup) const {
  const Node& n = nodes_[static_cast<std::size_t>(i)];
  switch (n.op) {
    case Op::num:
      return n.num;
    case Op::str:
      return n.str;
    case Op::var: {
      ExprValue v;
      if (!lookup(n.str, v))
        throw std::invalid_argument(fmt::format("where \"{}\": unknown name '{}'", text_, n.str));
      return v;
    }
    case Op::neg:
      return -number_of(eval_node(n.lhs, lookup), text_);
    case Op::not_:
      return truthy(eval_node(n.lhs, lookup)) ? 0.0 : 1.0;
    case Op::and_:  // short-circuit, so `systems > 0 and batch / systems >= 8` is safe
      return truthy(eval_node(n.lhs, lookup)) && truthy(eval_node(n.rhs, lookup)) ? 1.0 : 0.0;
    case Op::or_:
      return truthy(eval_node(n.lhs, lookup)) || truthy(eval_node(n.rhs, lookup)) ? 1.0 : 0.0;
    case Op::eq:
    case Op::ne: {
      const ExprValue a = eval_node(n.lhs, lookup);
      const ExprValue b = eval_node(n.rhs, lookup);
      const bool same = a == b;
      return (n.op == Op::eq) == same ? 1.0 : 0.0;
    }
    default:
      break;
  }
  const double a = number_of(eval_node(n.lhs, lookup), text_);
  const double b = number_of(eval_node(n.rhs, lookup), text_);
  switch (n.op) {
    case Op::add:
      return a + b;
    case Op::sub:
      return a - b;
    case Op::mul:
      return a * b;
    case Op::div:
      if (b == 0) throw std::invalid_argument(fmt::format("where \"{}\": division by zero", text_));
      return a / b;
    case Op::lt:
      return a < b ? 1.0 : 0.0;
    case Op::le:
      return a <= b ? 1.0 : 0.0;
    case Op::gt:
      return a > b ? 1.0 : 0.0;
    case Op::ge:
      return a >= b ? 1.0 : 0.0;
    default:
      return 0.0;
  }
}

ExprValue Expr::eval(const ExprLookup& lookup) const { return eval_node(root_, lookup); }
bool Expr::test(const ExprLookup& lookup) const { return truthy(eval(lookup)); }

}  // namespace wafersim::sweep
