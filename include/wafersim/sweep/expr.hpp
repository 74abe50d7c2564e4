#pragma once
// The `where:` language of sweep files: numbers, axis names, string literals, + - * /,
// comparisons and and/or/not. Parsed once when the sweep is loaded (so a typo fails before
// any point runs), evaluated per point. No function calls, no side effects: a constraint can
// only compute and compare.
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace wafersim::sweep {

using ExprValue = std::variant<double, std::string>;
// Looks up a name; returns false when the name is unknown.
using ExprLookup = std::function<bool(const std::string& name, ExprValue& out)>;

class Expr {
 public:
  // Throws std::invalid_argument with a message naming the column and the problem. Every
  // identifier must be accepted by `known` (so an unknown axis name fails at load time).
  static Expr parse(const std::string& text, const std::function<bool(const std::string&)>& known);

  // Throws std::invalid_argument on a type mismatch (e.g. "pipelined" * 2).
  ExprValue eval(const ExprLookup& lookup) const;
  bool test(const ExprLookup& lookup) const;  // non-zero number / non-empty string = true
  const std::string& text() const { return text_; }

  struct Node {
    enum class Op { num, str, var, neg, not_, add, sub, mul, div, lt, le, gt, ge, eq, ne, and_, or_ };
    Op op = Op::num;
    double num = 0;
    std::string str;  // literal or variable name
    int lhs = -1, rhs = -1;
  };

 private:
  ExprValue eval_node(int i, const ExprLookup& lookup) const;
  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
  friend class ExprParser;
};

}  // namespace wafersim::sweep
