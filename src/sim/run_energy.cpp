#include "run_energy.hpp"

#include <cmath>

#include "wafersim/energy/energy_model.hpp"

namespace wafersim::detail {

EnergyStats ws_energy(const SystemSpec& spec, const ModelSpec& model, const WsPlan& plan,
                      const ClusterConfig& cc, const ClusterResult& res, const RunStats& st) {
  EnergyEvents ev;
  // Every system runs the largest share's micro-batches (the kernels are compiled for it).
  const double runs = static_cast<double>(plan.micro_batches) * cc.systems;
  std::uint64_t params = 0;
  for (const auto& l : plan.layers) {
    add_kernel_events(ev, l.fwd_total, runs);
    add_kernel_events(ev, l.bwd_total, runs);
    params += l.params;
  }
  // Links: whole-run bytes over the steps run (every step moves the same).
  const double steps = cc.steps;
  for (const auto& l : res.links) {
    const double b = l.bytes / steps;
    switch (l.kind) {
      case LinkKind::io:  // SwarmX leaf <-> CS-2: the system's ports and a SwarmX node
        ev.io_bytes += b;
        ev.swarmx_bytes += b;
        break;
      case LinkKind::swarmx:  // between SwarmX levels: one more node crossed
        ev.swarmx_bytes += b;
        break;
      case LinkKind::memoryx:
        ev.memoryx_bytes += b;
        break;
      case LinkKind::input:  // workers -> CS-2, through the system's ports
        ev.input_bytes += b;
        ev.io_bytes += b;
        break;
      case LinkKind::activation:  // offloaded checkpoints, through the system's ports
        ev.io_bytes += b;
        break;
    }
  }
  ev.optimizer_params = static_cast<double>(params);
  EnergyNodes nodes{cc.systems, true, res.swarmx_nodes, spec.input.workers * cc.systems};
  EnergyStats e = energy_of(spec, model.training.compute == DType::fp32, ev, nodes, st.step_time_s, st.batch);
  return e;
}

EnergyStats pipe_energy(const SystemSpec& spec, const ModelSpec& model, const PipelinePlan& plan,
                        const RunStats& st) {
  EnergyEvents ev;
  const double batch = st.batch;
  std::uint64_t params = 0;
  for (const Stage& s : plan.stages) {
    add_kernel_events(ev, s.layer.fwd_total, batch);
    add_kernel_events(ev, s.layer.bwd_total, batch);
    params += s.demand.params;
  }
  // The on-wafer optimizer once per batch: its ops on every parameter, which reads and writes
  // the parameter's whole state (working copy, master, gradient, moments) in SRAM.
  const double state = pipelined_bytes_per_param(model.training);
  ev.elem_ops += static_cast<double>(params) * optimizer_ops_per_param(model.training);
  ev.sram_read_bytes += static_cast<double>(params) * state;
  ev.sram_write_bytes += static_cast<double>(params) * state;
  // Activations and gradients between stages: bytes per sample on every mesh link.
  const double link_bytes = plan.links.mean_load() * plan.links.width() * plan.links.height() * 4.0;
  ev.link_wavelets += batch * std::ceil(link_bytes / (spec.router.wavelet_bits / 8.0));
  ev.input_bytes = batch * input_bytes_per_sample(model);
  ev.io_bytes = ev.input_bytes;
  EnergyNodes nodes{1, false, 0, spec.input.workers};
  return energy_of(spec, model.training.compute == DType::fp32, ev, nodes, st.step_time_s, st.batch);
}

}  // namespace wafersim::detail
