// One SystemC run per process: a stream crossing two hops of different bandwidth arrives when
// a chunk-by-chunk store-and-forward pipeline delivers it (worked out by hand below), with a
// partial last chunk and a downstream hop faster than the one feeding it.
#include <catch2/catch.hpp>

#include "wafersim/system/cluster.hpp"

using namespace wafersim;

TEST_CASE("streams pipeline across hops chunk by chunk", "[sc]") {
  ClusterConfig c;
  c.systems = 1;
  c.steps = 2;
  c.micro_batches = 1;
  ClusterLayer l;
  l.name = "l0";
  l.weight_bytes = 101e6;  // ten 10 MB chunks and a last one of 1 MB
  l.grad_bytes = 1e3;
  l.forward_s = Seconds(1e-3);
  l.backward_s = Seconds(1e-3);
  l.optimizer_s = Seconds(1e-6);
  c.layers.push_back(l);
  const double lat = 1e-6;
  c.memoryx = {BytesPerSecond(10e9), Seconds(lat)};  // MemoryX -> SwarmX: 1 ms a chunk
  c.swarmx = {BytesPerSecond(100e9), Seconds(lat)};
  c.io = {BytesPerSecond(12.5e9), Seconds(lat)};  // SwarmX -> CS-2: 0.8 ms a chunk, faster than what feeds it
  c.input = {BytesPerSecond(100e9), Seconds(lat)};
  c.input_bytes_per_micro = 1e3;
  c.chunk_bytes = 10e6;
  const ClusterResult r = run_cluster(c);

  // Chunk by chunk: the port sends chunk k as it arrives (k + 1 ms + lat). The last full
  // chunk arrives at 10 ms + lat and leaves at 10.8 ms + lat; the 1 MB last chunk, in at
  // 10.1 ms + lat, waits for it and leaves 0.08 ms later.
  const double expect = 10.88e-3 + 2 * lat;
  REQUIRE(!r.cs2.front().weights_ready.empty());
  CHECK(r.cs2.front().weights_ready.front() == Approx(expect).epsilon(1e-9));
  CHECK(r.cs2.front().kernels.front().t0 == Approx(expect).epsilon(1e-9));
  // Not whole-stream store-and-forward (18.18 ms), nor an ideal fluid (10.1 ms), nor only the
  // first and last chunks' constraints (10.18 ms).
  CHECK(expect > 10.5e-3);

  // The port is occupied from the first chunk to the last but sends only 8.08 ms of it.
  bool seen = false;
  for (std::size_t i = 0; i < r.links.size(); ++i) {
    if (r.links[i].name != "io_in_0") continue;
    seen = true;
    REQUIRE(!r.link_busy[i].empty());
    const Interval& first = r.link_busy[i].front();
    CHECK(first.t0 == Approx(1e-3 + lat).epsilon(1e-9));
    CHECK(first.t1 == Approx(expect - lat).epsilon(1e-9));
    CHECK(first.share * (first.t1 - first.t0) == Approx(101e6 / 12.5e9).epsilon(1e-9));
  }
  CHECK(seen);
}
