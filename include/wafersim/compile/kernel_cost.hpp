#pragma once
// The cycle cost model of one kernel on a rectangle of PEs. Used by both execution modes
// (a weight-streaming kernel runs on the whole usable wafer; a pipelined stage on its
// region) and cross-checked by the cycle-level engine.
//
// GEMMs are mapped output-stationary (SUMMA-like): the (M x N) output is split M over the
// region's rows and N over its columns; for each step along K a PE receives its slice of the
// left operand broadcast along its row and of the right operand broadcast down its column
// (one 32-bit wavelet per link per cycle), and runs one tensor (DSD) FMAC op over its
// (M/R x N/C) accumulator tile. Cost per K step = max(compute, SRAM ports, fabric) + op
// setup; plus pipeline fill (the broadcast front crossing the region) and, for weight
// gradients, the reduction chain down each column.
//
// In pipelined mode weights stay resident (weight-stationary): W (K x N) is split over the
// region in whichever orientation wastes fewer PEs, tokens stream through, each PE runs one
// (K/R x N/C) tensor op per token and partial sums flow down a reduction chain. There,
// `fill_cycles` is latency only: consecutive samples overlap the fill of the next.
#include <string>
#include <utility>

#include "wafersim/graph/layer_graph.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

// Cycles a PE's data task takes to add an arriving partial (a wavelet of a reduction chain) to
// its own and send the sum on: one per PE along every chain (dW down the columns, row
// statistics of norms and softmax, partial sums in pipelined mode). The cycle engine's
// FabricConfig::forward_delay is the same cycle; its kernel cross-check is what showed the
// chains need it (docs/fabric.md).
inline constexpr double kDataTaskCycles = 1;

enum class Bound { compute, sram, fabric, setup, io, memoryx, swarmx, input, optimizer, none };
const char* to_string(Bound b);

struct KernelCost {
  double cycles = 0;               // total, including fill and setup
  double compute_cycles = 0;       // SIMD issue
  double sram_cycles = 0;          // SRAM port occupancy
  double fabric_cycles = 0;        // wavelets on the busiest link
  double setup_cycles = 0;         // op setup
  double fill_cycles = 0;          // pipeline fill/drain + reduction latency
  double group_reduce_cycles = 0;  // part of fill_cycles: dW partials summed across column groups
  // Part of fill_cycles: the fills of the runs after the first when a kernel runs several times
  // (repeated(): attention's waves, a long sequence's chunks). A token's trip waits for the first
  // run's fill alone (first_fill_cycles()); the rest is time the kernel takes, not latency.
  double fill_repeat_cycles = 0;
  double fmacs = 0;
  double elem_ops = 0;
  // Events for the energy model (docs/energy.md), over every PE of the kernel's region, from
  // the same mapping the cycles come from (the cycle engine counts the same link moves:
  // crosscheck/kernel_check.hpp). Operands are counted in whole wavelets, as the engine sends them.
  double sram_read_bytes = 0;   // accumulators, resident weights, elementwise operands
  double sram_write_bytes = 0;  // accumulators, elementwise results
  double link_wavelets = 0;     // wavelets moved over router-to-router links (wavelet-hops)
  double pe_cycles = 0;         // cycles x PEs of the region (the PEs are clocked while it runs)
  // Weight-stationary forward/dX: the row broadcast and the partial-sum chains rooted at the
  // region's centre rather than its west and south edges (the faster of the two is compiled).
  bool centred_roots = false;
  Bound bound = Bound::none;
  KernelCost& operator+=(const KernelCost& o);
  // `n` runs of the same kernel one after another (every count and cycle figure times n; the
  // first run's fill stays the first fill).
  KernelCost repeated(double n) const;
  double first_fill_cycles() const { return fill_cycles - fill_repeat_cycles; }
};

// What a GEMM kernel does with its operands.
enum class GemmPass {
  forward,      // Y = X W            (output-stationary)
  grad_input,   // dX = dY W^T        (same shape as forward with K and N swapped)
  grad_weight,  // dW = X^T dY        (partial sums per row, reduced down columns)
};

// How a GEMM's operands sit on the region.
enum class GemmMapping {
  output_stationary,  // weight streaming: weights flow in, activations/outputs stay
  weight_stationary,  // pipelined: weights stay in SRAM, tokens stream through
  // Independent instances with activation operands only (attention: one per head and sample):
  // output-stationary, with the instances spread over column groups side by side -- each
  // group a narrower output-stationary region running its share of them -- so that a narrow
  // instance (the context GEMM's N = head dim) does not leave most columns idle.
  batched,
  // Weight streaming's weight GEMMs: output-stationary with the tokens (M) split over column
  // groups side by side, each group covering all of N with a narrower set of columns. An N
  // just above the region's width (BERT's 1024, GPT-2's 768 on 750 columns) would otherwise
  // leave up to half of every PE's accumulator tile idle. The weights reach every group by a
  // multicast along the rows; dW partials of the groups are summed by one more chain along
  // the rows (`group_reduce_cycles`).
  tiled,
};

// The column groups a batched GEMM uses: `groups` groups of rows x cols PEs (the region's
// columns divided evenly, the remainder idle), each running `instances` instances stacked
// along M. The group count is the one with the fewest cycles (1 = the plain mapping).
struct GemmGroups {
  int groups = 1;
  int rows = 0;
  int cols = 0;
  double instances = 0;
};

class KernelCostModel {
 public:
  KernelCostModel(const SystemSpec& spec, DType compute);

  // GEMM of `samples` samples of `shape` on a rows x cols rectangle.
  KernelCost gemm(const GemmShape& shape, double samples, int rows, int cols, GemmPass pass,
                  GemmMapping mapping = GemmMapping::output_stationary) const;
  // Elementwise op: `elems` elements, `ops_per_elem` ops each, spread over the rectangle;
  // `reduce` adds a row reduction (norms, softmax) across the region's width.
  KernelCost elementwise(double elems, double ops_per_elem, int rows, int cols, bool reduce) const;
  // GemmMapping::batched: how the instances are grouped.
  GemmGroups batched_groups(const GemmShape& shape, double samples, int rows, int cols, GemmPass pass) const;
  // GemmMapping::tiled: how the tokens are grouped (instances = rows of the output per group).
  GemmGroups tiled_groups(const GemmShape& shape, double samples, int rows, int cols, GemmPass pass) const;

  // The stationary operand of weight-stationary GEMMs (resident weights; in inference's decode
  // attention, the KV cache) stored in `bits` bits per value. Narrower than the operands (16
  // bits), each stored value is widened and scaled to 16 bits before its FMAC, since the SDK
  // lists no narrower FMAC (an assumption about the kernel, docs/inference.md): one more op
  // per stored value and token at the 16-bit elementwise width (pe.simd.fp16_add) with its
  // setup, the widened value written and read back, the stored one read. At or above the
  // operand width: the plain kernel. Forward and dX passes only (inference).
  void set_stationary_bits(double bits);
  double stationary_bytes() const { return stationary_bytes_; }

  double fmac_rate() const { return fmac_per_cycle_; }  // FMAC/cycle/PE at peak SIMD width
  double peak_flops_per_pe_cycle() const { return 2.0 * fmac_per_cycle_; }
  double cycles_to_seconds(double cycles) const;
  int attention_block() const { return spec_.map.attention_block; }  // map.attention_block

 private:
  KernelCost gemm_weight_stationary(const GemmShape& shape, double samples, int rows, int cols,
                                    GemmPass pass) const;
  // The batched grouping with the fewest cycles, and its cost (one group's).
  std::pair<GemmGroups, KernelCost> best_batched(const GemmShape& shape, double samples, int rows, int cols,
                                                 GemmPass pass) const;
  // The tiled grouping with the fewest cycles, and its cost (dW reduced across the groups).
  std::pair<GemmGroups, KernelCost> best_tiled(const GemmShape& shape, double samples, int rows, int cols,
                                               GemmPass pass) const;
  // Output-stationary on rows x cols with `big_m` rows of the output in all.
  KernelCost gemm_output_stationary(double big_m, const GemmShape& shape, int rows, int cols,
                                    GemmPass pass) const;
  const SystemSpec& spec_;
  DType dtype_;
  double fmac_per_cycle_;  // SIMD width for the dtype
  double elem_per_cycle_;  // elementwise SIMD width
  double value_bytes_;     // operand bytes
  double acc_bytes_;       // accumulator bytes
  double values_per_wavelet_;
  double stationary_bytes_;  // weight-stationary GEMMs' stored operand (set_stationary_bits)
};

}  // namespace wafersim
