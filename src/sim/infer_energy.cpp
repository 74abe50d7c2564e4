#include "infer_energy.hpp"

#include "wafersim/energy/energy_model.hpp"

namespace wafersim::infer_energy {

namespace {

// SwarmX nodes of the broadcast tree over `systems` (every level ceil(below / fanout) nodes up to
// one root), as the training cluster builds it (src/system/cluster.cpp).
int swarmx_nodes(int systems, int fanout) {
  int nodes = 0;
  int below = systems;
  do {
    below = (below + fanout - 1) / fanout;
    nodes += below;
  } while (below > 1);
  return nodes;
}

// The wafer events of one micro-batch for all of them, the bytes across systems, the weights
// from MemoryX when they stream; priced over `seconds` for `units` tokens.
EnergyStats priced(const SystemSpec& spec, const Input& in, EnergyEvents e, double cross_bytes,
                   double seconds, double units, const char* interval, const char* unit) {
  const double mb = in.micro_batches;
  for (double* v :
       {&e.fmacs, &e.elem_ops, &e.sram_read_bytes, &e.sram_write_bytes, &e.link_wavelets, &e.pe_cycles})
    *v *= mb;
  e.io_bytes = mb * cross_bytes;
  // Streamed weights: read once from MemoryX and broadcast through the SwarmX tree, as in
  // weight-streaming training: every edge of the tree and every system's ports carry them once
  // (bytes counted once per SwarmX node crossed, src/sim/run_energy.cpp).
  const int swarmx = in.memoryx ? swarmx_nodes(in.systems, spec.swarmx.fanout) : 0;
  if (in.memoryx) {
    e.memoryx_bytes = in.weight_bytes;
    e.io_bytes += in.weight_bytes * in.systems;
    e.swarmx_bytes = in.weight_bytes * (in.systems + swarmx - 1);
  }
  // Requests come in through the input workers of each system that holds layers (prompts and
  // tokens are a few bytes: their idle power is what counts).
  const EnergyNodes nodes{in.systems, in.memoryx, swarmx, spec.input.workers * in.systems};
  EnergyStats st = energy_of(spec, in.fp32, e, nodes, seconds, units);
  st.interval = interval;
  st.unit = unit;
  return st;
}

}  // namespace

void fill(const SystemSpec& spec, const Input& in, InferStats& st) {
  st.energy = priced(spec, in, in.decode, in.cross_bytes, in.round_s, in.batch * in.tokens_per_round, "round",
                     "token");
  st.prefill_energy = priced(spec, in, in.prefill, in.prefill_cross_bytes, in.ttft_s,
                             static_cast<double>(in.batch) * in.prompt, "prefill", "prompt token");
}

}  // namespace wafersim::infer_energy
