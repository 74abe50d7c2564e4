#pragma once
// The energy of one training step (docs/energy.md): the events the run counted -- the kernels'
// (compile/kernel_cost.hpp) and the bytes on each modelled link -- priced by the system's
// `energy:` section (energy/energy_model.hpp). Private to the sim part.
#include "wafersim/map/pipeline_plan.hpp"
#include "wafersim/map/ws_plan.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/system/cluster.hpp"

namespace wafersim::detail {

// Weight streaming: every system runs its micro-batches of every layer (forward, backward); the
// links carry what the SystemC cluster moved, per step; MemoryX updates every parameter once.
EnergyStats ws_energy(const SystemSpec& spec, const ModelSpec& model, const WsPlan& plan,
                      const ClusterConfig& cc, const ClusterResult& res, const RunStats& st);

// Pipelined: every stage's kernels per sample, the activations between stages over the mesh,
// the on-wafer optimizer once per batch, the samples from the input workers.
EnergyStats pipe_energy(const SystemSpec& spec, const ModelSpec& model, const PipelinePlan& plan,
                        const RunStats& st);

}  // namespace wafersim::detail
