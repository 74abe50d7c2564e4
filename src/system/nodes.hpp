#pragma once
// The cluster's components. Each is an sc_module that talks to the others only through
// Links (TLM-2.0 sockets); the Schedule holds the step's stream order and the few counters
// that model flow control (weight-buffer credits, optimizer completion).
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <string>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "chunk.hpp"
#include "wafersim/system/cluster.hpp"

namespace wafersim::sc {

class Cs2;

// Shared, read-mostly description of the run plus the flow-control state.
struct Schedule {
  const ClusterConfig* cfg = nullptr;
  long long transactions = 0;  // streams sent, over every hop
  int layers() const { return static_cast<int>(cfg->layers.size()); }
  long long streams_per_step() const { return 2LL * cfg->micro_batches * layers(); }
  long long total_streams() const { return streams_per_step() * cfg->steps; }
  StreamId decode(long long j) const;

  std::vector<Cs2*> systems;
  sc_core::sc_event consumed_event;  // some CS-2 finished a kernel
  long long min_consumed() const;    // weight streams every CS-2 has consumed
  std::vector<int> updated_step;     // per layer: last step whose update is applied (-1)
  sc_core::sc_event updated_event;
  double window_start = 0;  // set when every CS-2 finished step 0
};

class SwarmXNode : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SwarmXNode> down_in;
  tlm_utils::multi_passthrough_initiator_socket<SwarmXNode> down_out;
  tlm_utils::multi_passthrough_target_socket<SwarmXNode> up_in;
  tlm_utils::simple_initiator_socket<SwarmXNode> up_out;

  SwarmXNode(const sc_core::sc_module_name& name, Schedule& sched, int children);

 private:
  void down(tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  void up(int port, tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  Schedule& sched_;
  Outbox outbox_{sched_.transactions};
  int children_;
  struct Pending {
    int arrived = 0;
    sc_core::sc_time first_at;      // latest arrivals among the children so far: first chunk,
    sc_core::sc_time last_full_at;  // last full chunk
    sc_core::sc_time last_at;       // and last chunk
  };
  std::unordered_map<long long, Pending> pending_;  // gradient stream -> children arrived
};

class MemoryX : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<MemoryX> down_out;
  tlm_utils::simple_target_socket<MemoryX> up_in;

  MemoryX(const sc_core::sc_module_name& name, Schedule& sched);
  SC_HAS_PROCESS(MemoryX);
  double optimizer_busy_in(double a, double b) const;
  const MemoryXTimeline& timeline() const { return tl_; }

 private:
  void stream_thread();
  void optimizer_thread();
  void receive(tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  Schedule& sched_;
  Outbox outbox_{sched_.transactions};
  struct Job {
    int step, layer;
    sc_core::sc_time ready;  // when the summed gradient has fully arrived
  };
  std::deque<Job> jobs_;
  sc_core::sc_event job_event_;
  MemoryXTimeline tl_;
};

class Cs2 : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Cs2> down_in;
  tlm_utils::simple_target_socket<Cs2> input_in;
  tlm_utils::simple_initiator_socket<Cs2> up_out;
  // Offloaded checkpoints (bound only when some layer's are): out to the activation store after
  // each forward kernel, back in before the backward kernel.
  tlm_utils::simple_initiator_socket_optional<Cs2> ckpt_out;
  tlm_utils::simple_target_socket_optional<Cs2> ckpt_in;

  Cs2(const sc_core::sc_module_name& name, Schedule& sched, int id);
  SC_HAS_PROCESS(Cs2);

  long long consumed() const { return consumed_; }
  long long restores_consumed() const { return restores_consumed_; }
  // The activation store has all of the next checkpoint this system sent (they arrive in order).
  void checkpoint_stored(sc_core::sc_time at);
  sc_core::sc_event& restore_consumed_event() { return restore_consumed_event_; }
  long long inputs_consumed() const { return inputs_consumed_; }
  sc_core::sc_event& input_consumed_event() { return input_consumed_event_; }
  bool finished() const { return finished_; }
  const std::vector<double>& step_end() const { return step_end_; }
  // Kernel time and stalls of this system inside [a, b].
  double busy_in(double a, double b) const;
  double wait_weights_in(double a, double b) const;
  double wait_input_in(double a, double b) const;
  double wait_checkpoints_in(double a, double b) const;
  const Cs2Timeline& timeline() const { return tl_; }

 private:
  void compute_thread();
  void grad_thread();
  void ckpt_thread();
  void receive_weights(tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  void receive_checkpoint(tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  void receive_input(tlm::tlm_generic_payload& p, sc_core::sc_time& d);

  Schedule& sched_;
  Outbox outbox_{sched_.transactions};
  int id_;
  std::vector<sc_core::sc_time> weights_at_;   // per weight stream: when it is all on the wafer
  std::vector<sc_core::sc_time> inputs_at_;    // per micro-batch: when its input is all here
  std::vector<sc_core::sc_time> restores_at_;  // per checkpoint restore, in backward order
  long long restores_consumed_ = 0;
  std::vector<sc_core::sc_time> ckpts_stored_;  // per checkpoint sent, in order: all at the store
  long long ckpts_sent_ = 0;
  sc_core::sc_event ckpt_stored_event_;
  sc_core::sc_event restore_event_;
  sc_core::sc_event restore_consumed_event_;
  sc_core::sc_fifo<long long> ckpt_jobs_;
  long long consumed_ = 0;
  long long inputs_consumed_ = 0;
  bool finished_ = false;
  sc_core::sc_event weights_event_;
  sc_core::sc_event input_event_;
  sc_core::sc_event input_consumed_event_;
  sc_core::sc_fifo<long long> grad_jobs_;
  std::vector<double> step_end_;
  Cs2Timeline tl_;
};

// Where a CS-2's offloaded checkpoints wait (one per system): stores each layer input the
// forward pass sends and returns them in backward order, at most `checkpoint_buffers` ahead of
// the backward kernels.
class ActivationStore : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ActivationStore> in;
  tlm_utils::simple_initiator_socket<ActivationStore> out;
  ActivationStore(const sc_core::sc_module_name& name, Schedule& sched, Cs2& target);
  SC_HAS_PROCESS(ActivationStore);

 private:
  void receive(tlm::tlm_generic_payload& p, sc_core::sc_time& d);
  void restore_thread();
  Schedule& sched_;
  Outbox outbox_{sched_.transactions};
  Cs2& target_;
  std::vector<sc_core::sc_time> stored_at_;  // per stream id of the forward kernel: all stored
  std::vector<bool> stored_;                 // ... once its first chunk has been offered
  sc_core::sc_event stored_event_;
};

class InputWorker : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<InputWorker> out;
  InputWorker(const sc_core::sc_module_name& name, Schedule& sched, Cs2& target);
  SC_HAS_PROCESS(InputWorker);

 private:
  void stream_thread();
  Schedule& sched_;
  Outbox outbox_{sched_.transactions};
  Cs2& target_;
};

double overlap(const std::vector<Interval>& iv, double a, double b);

}  // namespace wafersim::sc
