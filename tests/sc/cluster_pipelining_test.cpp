// One SystemC run per process: a stream crossing two hops of different bandwidth arrives when
// a chunk-by-chunk store-and-forward pipeline would deliver it (closed form), not when a
// whole-stream store-and-forward (or an ideal fluid) would.
#include <catch2/catch.hpp>

#include "wafersim/system/cluster.hpp"

using namespace wafersim;

TEST_CASE("streams pipeline across hops at chunk granularity", "[sc]") {
  ClusterConfig c;
  c.systems = 1;
  c.steps = 2;
  c.micro_batches = 1;
  ClusterLayer l;
  l.name = "l0";
  l.weight_bytes = 100e6;
  l.grad_bytes = 1e3;
  l.forward_s = 1e-3;
  l.backward_s = 1e-3;
  l.optimizer_s = 1e-6;
  c.layers.push_back(l);
  const double lat = 1e-6;
  c.memoryx = {10e9, lat};  // the slow hop first: MemoryX -> SwarmX
  c.swarmx = {100e9, lat};
  c.io = {100e9, lat};  // SwarmX -> CS-2
  c.input = {100e9, lat};
  c.input_bytes_per_micro = 1e3;
  c.chunk_bytes = 10e6;
  const ClusterResult r = run_cluster(c);

  // MemoryX sends 100 MB at 10 GB/s: its last 10 MB chunk reaches SwarmX at 10 ms + lat, and
  // crosses the 100 GB/s port in 0.1 ms more.
  const double expect = 100e6 / 10e9 + lat + 10e6 / 100e9 + lat;
  REQUIRE(!r.cs2.front().weights_ready.empty());
  CHECK(r.cs2.front().weights_ready.front() == Approx(expect).epsilon(1e-9));
  CHECK(r.cs2.front().kernels.front().t0 == Approx(expect).epsilon(1e-9));
  // Whole-stream store-and-forward would give 11 ms; the fluid limit 10 ms.
  CHECK(expect > 10.05e-3);
  CHECK(expect < 10.2e-3);

  // The port is occupied for the whole stream but sends only 1 ms of it: its share is 1/9.1.
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    if (r.links[i].name != "io_in_0") continue;
    REQUIRE(!r.link_busy[i].empty());
    const Interval& first = r.link_busy[i].front();
    CHECK(first.t0 == Approx(10e6 / 10e9 + lat).epsilon(1e-9));
    CHECK(first.t1 == Approx(expect - lat).epsilon(1e-9));
    CHECK(first.share * (first.t1 - first.t0) == Approx(100e6 / 100e9).epsilon(1e-9));
  }
}
