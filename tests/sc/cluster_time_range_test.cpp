// SystemC time is a 64-bit count of picoseconds: a run whose durations pass its range used to
// wrap to a wrong, earlier time (1 bit/s gave a shorter step than 1 kbit/s). Such a run now
// fails with SimError naming the time it would reach, and the next run in the same process is
// unaffected (src/system/sc_time_guard.hpp).
#include <catch2/catch.hpp>
#include <string>

#include "test_cluster.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/system/cluster.hpp"

using namespace wafersim;

TEST_CASE("a run beyond SystemC's time range fails instead of wrapping", "[sc]") {
  // 1.2 GB per layer through 1 byte/s ports: 1.2e9 s a stream, beyond the 4.6e6 s horizon.
  const ClusterConfig slow = test::small_cluster(1, 3, {1.2e9, 1e-3, 1e-3, 1e-3}, 1.0, 1.0, 1.0);
  try {
    (void)run_cluster(slow);
    FAIL("expected a SimError");
  } catch (const SimError& e) {
    const std::string what = e.what();
    CHECK(what.find("beyond SystemC's range") != std::string::npos);
    CHECK(what.find("far too small") != std::string::npos);
  }
  // The same shapes at 150 GB/s in the same process: the guard was reset with the session.
  const ClusterResult ok = run_cluster(test::small_cluster(1, 3, {1.2e9, 1e-3, 1e-3, 1e-3}));
  CHECK(ok.window_end_s > ok.window_start_s);
  // A slow run within the range still runs, and its time grows with the slowness.
  const ClusterResult slower =
      run_cluster(test::small_cluster(1, 3, {1.2e9, 1e-3, 1e-3, 1e-3}, 1e6, 1e6, 1e6));
  CHECK((slower.window_end_s - slower.window_start_s) > 1000 * (ok.window_end_s - ok.window_start_s));
}
