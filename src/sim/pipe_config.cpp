#include <algorithm>

#include "wafersim/core/units.hpp"
#include "wafersim/map/pipeline_plan.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/sim/pipeline_des.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

PipeConfig pipe_config(const SystemSpec& spec, const ModelSpec& model, const PipelinePlan& plan,
                       int batches) {
  const double clock = spec.pe.clock.value;
  const double eff = spec.calibration.compute_efficiency;
  const auto sec = [&](double cycles) { return Seconds(cycles / clock / eff); };
  PipeConfig pc;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    const Stage& st = plan.stages[s];
    pc.stages.push_back(PipeStage{sec(st.fwd_cycles), sec(st.bwd_cycles), sec(st.update_cycles),
                                  st.demand.in_flight, Seconds(st.latency_cycles / clock)});
    if (s + 1 < plan.stages.size())
      pc.links.push_back(
          PipeLink{Seconds(st.xfer_cycles / clock), Seconds(st.flow_hops * spec.router.hop_latency / clock)});
  }
  const double in_bw = std::min(bytes_per_second(spec.input.worker_bandwidth) * spec.input.workers,
                                bytes_per_second(spec.io.total()));
  pc.input_s = Seconds(input_bytes_per_sample(model) / in_bw);
  pc.input_latency_s = spec.input.latency;
  pc.batch = model.training.batch;
  pc.batches = batches;
  return pc;
}

}  // namespace wafersim
