// LayerGraph mechanics on small hand-built graphs, where every answer can be worked out by hand.
#include "wafersim/graph/layer_graph.hpp"

#include <catch2/catch.hpp>

#include "wafersim/core/error.hpp"

using namespace wafersim;

namespace {
Op make(const std::string& name, int layer, double fmacs, std::uint64_t params = 0) {
  Op o;
  o.name = name;
  o.layer = layer;
  o.fwd_fmacs = fmacs;
  o.bwd_fmacs = 2 * fmacs;
  o.params = params;
  return o;
}

// Diamond a -> {b, c} -> d, added in an order that is not topological.
struct Diamond {
  LayerGraph g;
  OpId a, b, c, d;
  Diamond() {
    d = g.add_op(make("l1.d", 1, 1, 4));
    c = g.add_op(make("l1.c", 1, 30, 3));
    b = g.add_op(make("l1.b", 1, 10, 2));
    Op src = make("l0.a", 0, 5, 1);
    src.in_elems = 7;  // graph input: no producer edge gives its size
    a = g.add_op(src);
    g.add_edge(a, b, {"a:out", 100});
    g.add_edge(a, c, {"a:out", 100});
    g.add_edge(b, d, {"b:out", 20});
    g.add_edge(c, d, {"c:out", 20});
  }
};
}  // namespace

TEST_CASE("topo_order puts every producer before its consumers", "[graph]") {
  Diamond dm;
  const auto order = dm.g.topo_order();
  REQUIRE(order.size() == 4);
  std::vector<std::size_t> pos(4);
  for (std::size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  CHECK(pos[dm.a] < pos[dm.b]);
  CHECK(pos[dm.a] < pos[dm.c]);
  CHECK(pos[dm.b] < pos[dm.d]);
  CHECK(pos[dm.c] < pos[dm.d]);
}

TEST_CASE("a cycle is reported as SimError", "[graph]") {
  Diamond dm;
  dm.g.add_edge(dm.d, dm.a, {"back", 1});
  CHECK_THROWS_AS(dm.g.topo_order(), SimError);
  CHECK_THROWS_AS(dm.g.critical_path_fmacs(), SimError);
}

TEST_CASE("an edge to an op that does not exist is refused", "[graph]") {
  Diamond dm;
  CHECK_THROWS_AS(dm.g.add_edge(dm.a, 99, {"x", 1}), SimError);
  CHECK(dm.g.num_ops() == 4);
}

TEST_CASE("critical path takes the heavier branch", "[graph]") {
  Diamond dm;
  CHECK(dm.g.critical_path_fmacs() == Approx(5 + 30 + 1));
  CHECK(dm.g.fwd_fmacs_per_sample() == Approx(46));
  CHECK(dm.g.bwd_fmacs_per_sample() == Approx(92));
  CHECK(dm.g.training_flops_per_sample() == Approx(2 * (46 + 92)));
}

TEST_CASE("groups follow the layer index and count inputs once per producer", "[graph]") {
  Diamond dm;
  const auto groups = dm.g.groups();
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].index == 0);
  CHECK(groups[0].name == "l0");
  CHECK(groups[0].params == 1);
  CHECK(groups[0].input_elems == Approx(7));  // graph input, from in_elems
  CHECK(groups[1].index == 1);
  CHECK(groups[1].name == "l1");
  CHECK(groups[1].params == 9);
  CHECK(groups[1].fwd_fmacs == Approx(41));
  CHECK(groups[1].input_elems == Approx(100));  // a's output feeds b and c: counted once
  REQUIRE(groups[1].ops.size() == 3);
  CHECK(groups[1].ops.back() == dm.d);
  CHECK(dm.g.total_params() == 10);
}
