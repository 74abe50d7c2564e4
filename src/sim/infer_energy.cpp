#include "infer_energy.hpp"

#include "wafersim/energy/energy_model.hpp"

namespace wafersim::infer_energy {

namespace {

// The wafer events of one micro-batch for all of them, the bytes across systems, the weights
// from MemoryX when they stream; priced over `seconds` for `units` tokens.
EnergyStats priced(const SystemSpec& spec, const Input& in, EnergyEvents e, double cross_bytes,
                   double seconds, double units, const char* interval, const char* unit) {
  const double mb = in.micro_batches;
  for (double* v :
       {&e.fmacs, &e.elem_ops, &e.sram_read_bytes, &e.sram_write_bytes, &e.link_wavelets, &e.pe_cycles})
    *v *= mb;
  e.io_bytes = mb * cross_bytes;
  if (in.memoryx) {  // read once, received by every system that serves requests
    e.memoryx_bytes = in.weight_bytes;
    e.io_bytes += in.weight_bytes * in.systems;
  }
  // Requests come in through the input workers of each system that holds layers (prompts and
  // tokens are a few bytes: their idle power is what counts).
  const EnergyNodes nodes{in.systems, in.memoryx, 0, spec.input.workers * in.systems};
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
