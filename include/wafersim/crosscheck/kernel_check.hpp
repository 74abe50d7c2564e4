#pragma once
// Kernel cross-check: the kernels the approx cost model times (kernel_cost.hpp) compiled into
// PE task programs and run on the cycle engine, kernel by kernel -- GEMMs and elementwise ops.
//
// Mapping (the approx model's): output-stationary SUMMA-like on an r x c region; per K step
// each PE receives its left-operand slice broadcast along its row (colour 0, from the west
// edge) and its right-operand slice broadcast down its column (colour 1, from the north
// edge), then runs one FMAC op (compute from the SIMD width, issue efficiency and SRAM ports,
// plus op setup). Weight gradients then reduce their partial tiles down each column through
// a forwarding chain (colour 2). Long kernels run `max_steps` K steps and twice as few, and
// extrapolate linearly (exact once the pipeline is periodic).
//
// Decode GEMVs (inference, weight-stationary): each PE holds its (K/R x N/C) weight block; the
// token's K/R slice arrives along the row from the west edge (colour 0), the PE runs its FMACs
// (op setup included), and the fp32 partial sums of its N/C outputs pass down the column through
// a forwarding chain (colour 2, a data task per PE) to the bottom edge.
//
// Elementwise kernels (the approx model's mapping): each PE of the r x c region works on its
// share of the elements (compute or SRAM bound, plus op setup per pass). Row reductions (norm
// statistics, softmax, the loss, pooling) then combine per-row statistics (two fp32 values)
// along a data-task chain from the east edge to the west edge (colour 0; each PE adds its own
// after its compute and re-sends, forward_delay cycles) and broadcast the result back east
// (colour 1). The mapping is the same in every row and rows do not interact, so one row of c
// PEs is simulated.
#include <cmath>
#include <string>
#include <vector>

#include "wafersim/compile/kernel_cost.hpp"
#include "wafersim/compile/lower.hpp"
#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/graph/model_spec.hpp"
#include "wafersim/results/stats.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::cycle {

struct KernelCheck {
  std::string name;  // op name
  std::string pass;  // GEMMs: forward | grad_input | grad_weight; elementwise: forward | backward
  double approx_cycles = 0;
  double cycle_cycles = 0;  // cycle-level engine (extrapolated when `extrapolated`)
  double ratio = 0;         // cycle / approx
  // Wavelets moved over router-to-router links (the energy model's fabric event): the approx
  // model's count for the simulated part (one group, one row for elementwise) and the engine's.
  double approx_link_wavelets = 0;
  double cycle_link_wavelets = 0;
  bool extrapolated = false;
  std::string note;  // why they disagree (when |ratio - 1| > 2%) or what bounds it
};

// Whether the engine and the approx model agree on a kernel: within `tolerance` (relative), or
// within two cycles for kernels of a few tens of cycles (whole-cycle rounding).
inline bool agrees(const KernelCheck& c, double tolerance) {
  return std::abs(c.ratio - 1.0) <= tolerance || std::abs(c.cycle_cycles - c.approx_cycles) <= 2;
}

struct KernelCheckOptions {
  double samples = 1;  // samples per kernel (the weight-streaming plan's micro-batch)
  int rows = 0;        // region; 0 = the wafer's usable rectangle
  int cols = 0;
  int max_steps = 32;  // K steps simulated before extrapolating (>= 4)
};

// One GEMM kernel. GemmMapping::batched (attention) simulates one of its column groups.
KernelCheck check_gemm(const SystemSpec& spec, DType dtype, const GemmShape& shape, double samples, int rows,
                       int cols, GemmPass pass, const std::string& name, int max_steps = 32,
                       GemmMapping mapping = GemmMapping::output_stationary);

// One weight-stationary GEMV kernel of a decode step (`samples` tokens, one per request).
KernelCheck check_gemv(const SystemSpec& spec, DType dtype, const GemmShape& shape, double samples, int rows,
                       int cols, const std::string& name);

// The kernels of one decode step of a layer group (compile/lower.hpp decode_kernel: what the
// inference timing charges) on its region (each op where GroupRegion::of puts it), identical
// kernels once, in graph order.
std::vector<KernelCheck> cross_check_decode(const SystemSpec& spec, DType dtype, const LayerGraph& graph,
                                            const LayerGroup& group, double samples, double prompt,
                                            double keys, const GroupRegion& region);

// One elementwise kernel (`pass` only names it).
KernelCheck check_elementwise(const SystemSpec& spec, DType dtype, double elems, double ops_per_elem,
                              bool reduce, int rows, int cols, const std::string& pass,
                              const std::string& name);

// Every distinct kernel of the model: the GEMMs (forward, dX, dW) in graph order, then the
// elementwise ops (forward, backward) in graph order.
std::vector<KernelCheck> cross_check_model(const SystemSpec& spec, const ModelSpec& model,
                                           const KernelCheckOptions& options = {});

// The check as a report row (results/stats.hpp), named `prefix` + its name.
KernelCheckStats to_stats(const KernelCheck& check, bool agrees, const std::string& prefix = "");

// Text table: kernel, pass, approx, cycle, ratio, note.
std::string format_kernel_checks(const std::vector<KernelCheck>& checks);

}  // namespace wafersim::cycle
