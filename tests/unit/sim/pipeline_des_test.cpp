#include "wafersim/sim/pipeline_des.hpp"

#include <catch2/catch.hpp>

using namespace wafersim;

namespace {
PipeConfig balanced(int stages, double f, double b, int batch) {
  PipeConfig c;
  for (int s = 0; s < stages; ++s)
    c.stages.push_back(PipeStage{Seconds(f), Seconds(b), Seconds(0), stages - s, Seconds(0)});
  c.links.assign(static_cast<std::size_t>(stages - 1), PipeLink{});
  c.batch = batch;
  c.batches = 3;
  return c;
}
}  // namespace

TEST_CASE("a balanced pipeline: batch x stage time + fill and drain", "[sim][pipeline]") {
  const int S = 6;
  const int batch = 200;
  const auto r = run_pipeline(balanced(S, 1.0, 2.0, batch));
  const double step = (r.window_end_s - r.window_start_s) / 2;
  // Steady state: every stage does one forward and one backward per sample.
  CHECK(step >= batch * 3.0);
  // Fill and drain cost at most a round trip through the stages.
  CHECK(step <= batch * 3.0 + 2.0 * S * 3.0);
  for (const auto& s : r.stages) CHECK(s.busy_fwd_s + s.busy_bwd_s <= r.window_end_s - r.window_start_s);
}

TEST_CASE("the slowest stage sets the throughput", "[sim][pipeline]") {
  auto c = balanced(4, 1.0, 2.0, 100);
  c.stages[2].fwd_s = Seconds(2.0);
  c.stages[2].bwd_s = Seconds(4.0);
  const auto r = run_pipeline(c);
  const double step = (r.window_end_s - r.window_start_s) / 2;
  CHECK(step >= 100 * 6.0);
  // Above it only by fill, drain and the bubbles the in-flight limits leave.
  CHECK(step <= 100 * 6.0 * 1.1);
  CHECK(r.stages[2].busy_fwd_s + r.stages[2].busy_bwd_s > 0.9 * step * 2);
}

TEST_CASE("a slow input link starves the pipeline and is measured", "[sim][pipeline]") {
  auto c = balanced(3, 1.0, 2.0, 100);
  c.input_s = Seconds(5.0);  // slower than the 3.0 per sample the stages need
  const auto r = run_pipeline(c);
  const double window = r.window_end_s - r.window_start_s;
  CHECK(window / 2 >= 100 * 5.0);
  CHECK(r.input_busy_s / window > 0.95);
  CHECK(r.stage0_wait_input_s > 0.2 * window);
}

TEST_CASE("a slow link between stages bounds the pipeline", "[sim][pipeline]") {
  auto c = balanced(3, 1.0, 2.0, 100);
  c.links[1].xfer_s = Seconds(4.0);
  for (auto& st : c.stages) st.in_flight = 10;  // enough samples in flight to cover the transfers
  const auto r = run_pipeline(c);
  const double window = r.window_end_s - r.window_start_s;
  CHECK(window / 2 >= 100 * 4.0);
  CHECK(r.link_busy_s[1] / window > 0.9);
}

TEST_CASE("too few samples in flight leave the stage idle while transfers are under way", "[sim][pipeline]") {
  auto c = balanced(3, 1.0, 2.0, 100);
  c.links[1].latency_s = Seconds(10.0);
  const auto tight = run_pipeline(c);
  for (auto& st : c.stages) st.in_flight = 20;
  const auto loose = run_pipeline(c);
  CHECK(tight.window_end_s - tight.window_start_s > loose.window_end_s - loose.window_start_s);
}

TEST_CASE("the weight update runs once per batch per stage", "[sim][pipeline]") {
  auto c = balanced(3, 1.0, 1.0, 10);
  for (auto& s : c.stages) s.update_s = Seconds(7.0);
  const auto r = run_pipeline(c);
  for (const auto& s : r.stages) CHECK(s.busy_update_s == Approx(2 * 7.0));
  REQUIRE(r.batch_end_s.size() == 3);
  CHECK(r.batch_end_s[1] > r.batch_end_s[0]);
}
