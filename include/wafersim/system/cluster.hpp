#pragma once
// The SystemC model of a weight-streaming cluster: MemoryX, a SwarmX broadcast/reduce tree,
// N CS-2 systems and their input workers, all connected by TLM-2.0 loosely-timed links with
// bandwidth and latency that carry whole streams pipelined at chunk granularity (flow
// control per stream: weight-buffer credits, input prefetch). This header has no SystemC in
// it: the simulator facade fills a ClusterConfig from the plan and gets a ClusterResult back.
#include <string>
#include <vector>

#include "wafersim/core/interval.hpp"
#include "wafersim/core/units.hpp"

namespace wafersim {

struct ClusterLayer {
  std::string name;
  double weight_bytes = 0;  // streamed in, per pass and micro-batch
  double grad_bytes = 0;    // streamed out, per micro-batch
  Seconds forward_s;        // wafer time per micro-batch
  Seconds backward_s;
  Seconds optimizer_s;  // MemoryX update once per step
  // This layer's input, per micro-batch and system, when checkpoints are offloaded: sent out
  // after its forward kernel, back before its backward kernel (0: kept on the wafer).
  double checkpoint_bytes = 0;
};

struct LinkParams {
  BytesPerSecond rate;
  Seconds latency;
};

struct ClusterConfig {
  int systems = 1;
  int steps = 3;
  int micro_batches = 1;
  std::vector<ClusterLayer> layers;
  double input_bytes_per_micro = 0;  // per system
  LinkParams memoryx;                // MemoryX <-> SwarmX root
  LinkParams swarmx;                 // between SwarmX levels
  LinkParams io;                     // SwarmX leaf <-> CS-2 I/O ports
  LinkParams input;                  // input workers -> CS-2 (aggregate of the workers)
  LinkParams activation;             // CS-2 <-> its activation store (offloaded checkpoints)
  int checkpoint_buffers = 2;        // offloaded checkpoints back on the wafer ahead of use
  int input_workers = 1;
  int fanout = 4;
  double chunk_bytes = 32.0 * 1024 * 1024;  // store-and-forward unit of streams at each hop
  int weight_buffers = 2;                   // weight streams buffered ahead of the kernel
  Seconds step_overhead_s;
};

// What happened when, for traces and the step-time breakdown. Times in seconds. A stream id
// j encodes (step, micro-batch, pass, layer): see decode_stream().
// Interval (core/interval.hpp): id = stream id (kernels, stalls, streams) or step (optimizer).

struct Cs2Timeline {
  std::vector<Interval> kernels;            // id = weight stream consumed
  std::vector<Interval> weight_stalls;      // id = weight stream waited for
  std::vector<Interval> input_stalls;       // id = micro-batch index
  std::vector<Interval> grad_streams;       // id = stream whose gradient went out (send start..end)
  std::vector<Interval> inputs;             // id = micro-batch index (arrival of its last chunk at t1)
  std::vector<double> weights_ready;        // per stream j: when its last chunk arrived
  std::vector<Interval> overhead;           // per step: host/runtime time
  std::vector<Interval> checkpoint_stalls;  // id = stream of the backward kernel that waited
};

struct MemoryXTimeline {
  std::vector<Interval> weight_streams;  // id = stream: first chunk sent .. last chunk sent
  std::vector<Interval> optimizer;       // id = step, layer = layer
  std::vector<Interval> grads_in;        // id = step, layer: t1 = last micro-batch's gradient arrived
};

struct StreamId {
  int step = 0;
  int micro = 0;
  int pass = 0;  // 0 forward, 1 backward
  int layer = 0;
};
StreamId decode_stream(long long j, int layers, int micro_batches);

// What a link connects: MemoryX to the SwarmX root, SwarmX tree levels, the CS-2 I/O ports,
// input workers to a CS-2.
enum class LinkKind { memoryx, swarmx, io, input, activation };

struct LinkUse {
  std::string name;
  LinkKind kind = LinkKind::io;
  std::string from;  // component sending on it ("memoryx", "swarmx_l0_1", "cs2_3", "input_3")
  std::string to;
  double busy_s = 0;  // in the measurement window
  double bytes = 0;   // whole run
};

struct ClusterResult {
  std::vector<double> step_end_s;  // when the last CS-2 finished each step
  double window_start_s = 0;       // measurement window: after the first step
  double window_end_s = 0;
  double wafer_busy_s = 0;        // CS-2 0 kernel time in the window
  double wait_weights_s = 0;      // CS-2 0 stalled on weight streams in the window
  double wait_input_s = 0;        // CS-2 0 stalled on input in the window
  double wait_checkpoints_s = 0;  // CS-2 0 stalled on offloaded checkpoints in the window
  double optimizer_busy_s = 0;    // MemoryX optimizer in the window
  int swarmx_nodes = 0;
  int swarmx_levels = 0;
  long long transactions = 0;  // streams offered to links and SwarmX reductions
  std::vector<LinkUse> links;
  // Full timelines: a few intervals per kernel and stream, cheap to keep.
  std::vector<Cs2Timeline> cs2;
  MemoryXTimeline memoryx;
  std::vector<std::vector<Interval>> link_busy;  // per link in `links` order
};

// Elaborates and runs the cluster in a SystemC kernel context of its own (any number of runs
// per process, one at a time). Throws SimError on deadlock.
ClusterResult run_cluster(const ClusterConfig& config);

}  // namespace wafersim
