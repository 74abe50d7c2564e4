#include "infer_energy.hpp"

#include "wafersim/energy/energy_model.hpp"

namespace wafersim::infer_energy {

void fill(const SystemSpec& spec, const Input& in, InferStats& st) {
  const double mb = in.micro_batches;
  // Requests come in through the input workers of each system that holds layers (prompts and
  // tokens are a few bytes: their idle power is what counts).
  const EnergyNodes nodes{in.systems, in.memoryx, 0, spec.input.workers * in.systems};
  EnergyEvents d = in.decode;
  for (double* v :
       {&d.fmacs, &d.elem_ops, &d.sram_read_bytes, &d.sram_write_bytes, &d.link_wavelets, &d.pe_cycles})
    *v *= mb;
  d.io_bytes = mb * in.cross_bytes;
  if (in.memoryx) {
    d.memoryx_bytes = in.weight_bytes;
    d.io_bytes += in.weight_bytes;
  }
  st.energy = energy_of(spec, in.fp32, d, nodes, in.round_s, in.batch * in.tokens_per_round);
  st.energy.interval = "round";
  st.energy.unit = "token";

  EnergyEvents p = in.prefill;
  for (double* v :
       {&p.fmacs, &p.elem_ops, &p.sram_read_bytes, &p.sram_write_bytes, &p.link_wavelets, &p.pe_cycles})
    *v *= mb;
  p.io_bytes = mb * in.prefill_cross_bytes;
  if (in.memoryx) {
    p.memoryx_bytes = in.weight_bytes;
    p.io_bytes += in.weight_bytes;
  }
  st.prefill_energy =
      energy_of(spec, in.fp32, p, nodes, in.ttft_s, static_cast<double>(in.batch) * in.prompt);
  st.prefill_energy.interval = "prefill";
  st.prefill_energy.unit = "prompt token";
}

}  // namespace wafersim::infer_energy
