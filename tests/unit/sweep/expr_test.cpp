#include "wafersim/sweep/expr.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace wafersim::sweep;

namespace {
bool eval(const std::string& text, const std::map<std::string, ExprValue>& vars) {
  const auto e = Expr::parse(text, [&](const std::string& n) { return vars.count(n) != 0; });
  return e.test([&](const std::string& n, ExprValue& out) {
    out = vars.at(n);
    return true;
  });
}
}  // namespace

TEST_CASE("where expressions: arithmetic, precedence, logic", "[sweep]") {
  const std::map<std::string, ExprValue> v = {
      {"a", 2.0}, {"b", 3.0}, {"pe.sram", 49152.0}, {"mode", std::string("auto")}};
  CHECK(eval("a + b * 2 == 8", v));
  CHECK(eval("(a + b) * 2 == 10", v));
  CHECK(eval("-a < 0 and b / a > 1", v));
  CHECK(eval("pe.sram >= 48 * 1024", v));
  CHECK(eval("not a > b", v));
  CHECK(eval("a > b or mode == \"auto\"", v));
  CHECK_FALSE(eval("mode != 'auto'", v));
  CHECK(eval("a >= 2 && b <= 3 || 0", v));
}

TEST_CASE("where expressions reject what they cannot compute", "[sweep]") {
  const auto known = [](const std::string& n) { return n == "a"; };
  CHECK_THROWS_AS(Expr::parse("a +", known), std::invalid_argument);
  CHECK_THROWS_AS(Expr::parse("b > 1", known), std::invalid_argument);
  CHECK_THROWS_AS(Expr::parse("a > 1)", known), std::invalid_argument);
  CHECK_THROWS_AS(Expr::parse("system('rm')", known), std::invalid_argument);
  const auto e = Expr::parse("a / 0 > 1", known);
  CHECK_THROWS_AS(e.test([](const std::string&, ExprValue& out) {
    out = 1.0;
    return true;
  }),
                  std::invalid_argument);
}
