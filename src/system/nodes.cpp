#include "nodes.hpp"

#include <algorithm>
#include <limits>

#include "sc_time_guard.hpp"
#include "wafersim/core/interval.hpp"

namespace wafersim::sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {
double now() { return sc_core::sc_time_stamp().to_seconds(); }
void wait_s(double s) {
  if (s > 0) sc_core::wait(checked(now(), s));
}
}  // namespace

double overlap(const std::vector<Interval>& iv, double a, double b) {
  double sum = 0;
  for (const auto& i : iv) sum += wafersim::overlap(i.t0, i.t1, a, b);
  return sum;
}

StreamId Schedule::decode(long long j) const { return decode_stream(j, layers(), cfg->micro_batches); }

long long Schedule::min_consumed() const {
  long long m = std::numeric_limits<long long>::max();
  for (const Cs2* c : systems) m = std::min(m, c->consumed());
  return m;
}

// ---------------------------------------------------------------- SwarmX
SwarmXNode::SwarmXNode(const sc_core::sc_module_name& name, Schedule& sched, int children)
    : sc_module(name),
      down_in("down_in"),
      down_out("down_out"),
      up_in("up_in"),
      up_out("up_out"),
      sched_(sched),
      children_(children) {
  down_in.register_b_transport(this, &SwarmXNode::down);
  up_in.register_b_transport(this, &SwarmXNode::up);
}

void SwarmXNode::down(tlm::tlm_generic_payload& p, sc_time& d) {
  // Broadcast: the same chunk to every child at line rate.
  for (unsigned i = 0; i < down_out.size(); ++i) {
    sc_time z = d;
    down_out[static_cast<int>(i)]->b_transport(p, z);
  }
}

void SwarmXNode::up(int /*port*/, tlm::tlm_generic_payload& p, sc_time& d) {
  // Reduce: chunk k of the sum leaves once every child's chunk k is in: the latest first,
  // last full and last arrivals (chunk.hpp). Children call in their own time order (loosely
  // timed), so arrival times come from the annotations, not from when the calls happen.
  const StreamInfo& s = info(p);
  const sc_time now = sc_core::sc_time_stamp();
  Pending& n = pending_[s.stream];
  n.first_at = std::max(n.first_at, now + d);
  n.last_full_at = std::max(n.last_full_at, s.last_full_at);
  n.last_at = std::max(n.last_at, s.last_at);
  if (++n.arrived < children_) return;
  StreamInfo sum = s;
  sum.last_full_at = n.last_full_at;
  sum.last_at = n.last_at;
  sc_time fwd = n.first_at - now;
  pending_.erase(s.stream);
  up_out->b_transport(outbox_.load(sum), fwd);
}

// ---------------------------------------------------------------- MemoryX
MemoryX::MemoryX(const sc_core::sc_module_name& name, Schedule& sched)
    : sc_module(name), down_out("down_out"), up_in("up_in"), sched_(sched) {
  up_in.register_b_transport(this, &MemoryX::receive);
  SC_THREAD(stream_thread);
  SC_THREAD(optimizer_thread);
}

void MemoryX::stream_thread() {
  const auto& cfg = *sched_.cfg;
  const long long total = sched_.total_streams();
  for (long long j = 0; j < total; ++j) {
    const StreamId id = sched_.decode(j);
    // Weight buffers on the wafer: at most `weight_buffers` streams ahead of the kernels.
    while (sched_.min_consumed() < j - cfg.weight_buffers + 1) wait(sched_.consumed_event);
    // A step's first use of a layer needs the previous step's update (the only bubble).
    if (id.step > 0)
      while (sched_.updated_step[id.layer] < id.step - 1) wait(sched_.updated_event);
    const double t0 = now();
    sc_time d = SC_ZERO_TIME;
    down_out->b_transport(
        outbox_.load(make_stream(ChunkKind::weights, j, cfg.layers[id.layer].weight_bytes, cfg.chunk_bytes)),
        d);
    // This thread is the link's only sender: the stream starts when the one before it ends.
    const double start = tl_.weight_streams.empty() ? t0 : std::max(t0, tl_.weight_streams.back().t1);
    tl_.weight_streams.push_back({start, now() + d.to_seconds(), j, id.layer});
  }
}

void MemoryX::receive(tlm::tlm_generic_payload& p, sc_time& /*d*/) {
  const StreamInfo& s = info(p);
  const StreamId id = sched_.decode(s.stream);
  // Gradients of earlier micro-batches are accumulated in MemoryX; the update runs once the
  // last micro-batch's gradient (summed over every system by SwarmX) is in.
  if (id.micro != sched_.cfg->micro_batches - 1) return;
  tl_.grads_in.push_back({s.last_at.to_seconds(), s.last_at.to_seconds(), id.step, id.layer});
  jobs_.push_back({id.step, id.layer, s.last_at});
  job_event_.notify(SC_ZERO_TIME);
}

void MemoryX::optimizer_thread() {
  for (;;) {
    while (jobs_.empty()) wait(job_event_);
    const Job job = jobs_.front();
    jobs_.pop_front();
    const sc_time t = sc_core::sc_time_stamp();
    if (job.ready > t) wait(job.ready - t);
    const double start = now();
    wait_s(sched_.cfg->layers[job.layer].optimizer_s.value);
    tl_.optimizer.push_back({start, now(), job.step, job.layer});
    sched_.updated_step[job.layer] = job.step;
    sched_.updated_event.notify(SC_ZERO_TIME);
  }
}

double MemoryX::optimizer_busy_in(double a, double b) const { return overlap(tl_.optimizer, a, b); }

// ---------------------------------------------------------------- CS-2
Cs2::Cs2(const sc_core::sc_module_name& name, Schedule& sched, int id)
    : sc_module(name),
      down_in("down_in"),
      input_in("input_in"),
      up_out("up_out"),
      ckpt_out("ckpt_out"),
      ckpt_in("ckpt_in"),
      sched_(sched),
      id_(id),
      ckpt_jobs_("ckpt_jobs", 1 << 20),
      grad_jobs_("grad_jobs", 1 << 20) {
  down_in.register_b_transport(this, &Cs2::receive_weights);
  input_in.register_b_transport(this, &Cs2::receive_input);
  ckpt_in.register_b_transport(this, &Cs2::receive_checkpoint);
  step_end_.assign(static_cast<std::size_t>(sched.cfg->steps), 0.0);
  SC_THREAD(compute_thread);
  SC_THREAD(grad_thread);
  SC_THREAD(ckpt_thread);
}

void Cs2::checkpoint_stored(sc_time at) {
  ckpts_stored_.push_back(at);
  ckpt_stored_event_.notify(SC_ZERO_TIME);
}

void Cs2::receive_checkpoint(tlm::tlm_generic_payload& p, sc_time& /*d*/) {
  restores_at_.push_back(info(p).last_at);
  restore_event_.notify(SC_ZERO_TIME);
}

void Cs2::receive_weights(tlm::tlm_generic_payload& p, sc_time& /*d*/) {
  const StreamInfo& s = info(p);
  weights_at_.push_back(s.last_at);
  tl_.weights_ready.push_back(s.last_at.to_seconds());
  weights_event_.notify(SC_ZERO_TIME);
}

void Cs2::receive_input(tlm::tlm_generic_payload& p, sc_time& /*d*/) {
  const StreamInfo& s = info(p);
  inputs_at_.push_back(s.last_at);
  tl_.inputs.push_back({s.last_at.to_seconds(), s.last_at.to_seconds(), s.stream, 0});
  input_event_.notify(SC_ZERO_TIME);
}

namespace {
// Waits until item `k` of `at` has arrived (its first chunk signalled by `ev`) and is complete.
void wait_arrival(const std::vector<sc_time>& at, std::size_t k, const sc_core::sc_event& ev) {
  while (at.size() <= k) sc_core::wait(ev);
  const sc_time t = sc_core::sc_time_stamp();
  if (at[k] > t) sc_core::wait(at[k] - t);
}
}  // namespace

void Cs2::compute_thread() {
  const auto& cfg = *sched_.cfg;
  long long j = 0;
  for (int s = 0; s < cfg.steps; ++s) {
    const double o0 = now();
    wait_s(cfg.step_overhead_s.value);  // host/runtime work between steps (calibrated)
    if (now() > o0) tl_.overhead.push_back({o0, now(), s, 0});
    for (int u = 0; u < cfg.micro_batches; ++u) {
      for (int pass = 0; pass < 2; ++pass) {
        for (int k = 0; k < sched_.layers(); ++k, ++j) {
          const int g = pass == 0 ? k : sched_.layers() - 1 - k;
          double t0 = now();
          wait_arrival(weights_at_, static_cast<std::size_t>(j), weights_event_);
          if (now() > t0) tl_.weight_stalls.push_back({t0, now(), j, g});
          const bool offloaded = cfg.layers[g].checkpoint_bytes > 0;
          if (pass == 1 && offloaded) {
            // The layer's input, back from the activation store.
            t0 = now();
            wait_arrival(restores_at_, static_cast<std::size_t>(restores_consumed_), restore_event_);
            if (now() > t0) tl_.checkpoint_stalls.push_back({t0, now(), j, g});
            ++restores_consumed_;
            restore_consumed_event_.notify(SC_ZERO_TIME);
          }
          if (pass == 0 && offloaded && ckpts_sent_ >= cfg.checkpoint_buffers) {
            // SRAM for `checkpoint_buffers` layer inputs: this kernel's and those not yet gone.
            t0 = now();
            wait_arrival(ckpts_stored_, static_cast<std::size_t>(ckpts_sent_ - cfg.checkpoint_buffers),
                         ckpt_stored_event_);
            if (now() > t0) tl_.checkpoint_stalls.push_back({t0, now(), j, g});
          }
          if (pass == 0 && g == 0) {
            const long long want = static_cast<long long>(s) * cfg.micro_batches + u;
            t0 = now();
            wait_arrival(inputs_at_, static_cast<std::size_t>(want), input_event_);
            if (now() > t0) tl_.input_stalls.push_back({t0, now(), want, g});
            ++inputs_consumed_;
            input_consumed_event_.notify(SC_ZERO_TIME);
          }
          const double start = now();
          wait_s(pass == 0 ? cfg.layers[g].forward_s.value : cfg.layers[g].backward_s.value);
          tl_.kernels.push_back({start, now(), j, g});
          consumed_ = j + 1;
          sched_.consumed_event.notify(SC_ZERO_TIME);
          if (pass == 1) grad_jobs_.write(j);
          if (pass == 0 && offloaded) {
            ckpt_jobs_.write(j);
            ++ckpts_sent_;
          }
        }
      }
    }
    step_end_[static_cast<std::size_t>(s)] = now();
  }
  finished_ = true;
}

void Cs2::grad_thread() {
  const auto& cfg = *sched_.cfg;
  for (;;) {
    const long long j = grad_jobs_.read();
    const StreamId id = sched_.decode(j);
    const double t0 = now();
    sc_time d = SC_ZERO_TIME;
    up_out->b_transport(
        outbox_.load(make_stream(ChunkKind::grads, j, cfg.layers[id.layer].grad_bytes, cfg.chunk_bytes)), d);
    const double start = tl_.grad_streams.empty() ? t0 : std::max(t0, tl_.grad_streams.back().t1);
    tl_.grad_streams.push_back({start, now() + d.to_seconds(), j, id.layer});
  }
}

void Cs2::ckpt_thread() {
  const auto& cfg = *sched_.cfg;
  for (;;) {
    const long long j = ckpt_jobs_.read();
    const StreamId id = sched_.decode(j);
    sc_time d = SC_ZERO_TIME;
    ckpt_out->b_transport(outbox_.load(make_stream(ChunkKind::checkpoint, j,
                                                   cfg.layers[id.layer].checkpoint_bytes, cfg.chunk_bytes)),
                          d);
  }
}

double Cs2::wait_checkpoints_in(double a, double b) const { return overlap(tl_.checkpoint_stalls, a, b); }

// ---------------------------------------------------------------- activation store
ActivationStore::ActivationStore(const sc_core::sc_module_name& name, Schedule& sched, Cs2& target)
    : sc_module(name), in("in"), out("out"), sched_(sched), target_(target) {
  in.register_b_transport(this, &ActivationStore::receive);
  stored_at_.assign(static_cast<std::size_t>(sched.total_streams()), SC_ZERO_TIME);
  stored_.assign(static_cast<std::size_t>(sched.total_streams()), false);
  SC_THREAD(restore_thread);
}

void ActivationStore::receive(tlm::tlm_generic_payload& p, sc_time& /*d*/) {
  const StreamInfo& s = info(p);
  stored_at_[static_cast<std::size_t>(s.stream)] = s.last_at;
  stored_[static_cast<std::size_t>(s.stream)] = true;
  stored_event_.notify(SC_ZERO_TIME);
  target_.checkpoint_stored(s.last_at);
}

void ActivationStore::restore_thread() {
  const auto& cfg = *sched_.cfg;
  const long long layers = sched_.layers();
  long long r = 0;  // restores sent, in the order the backward kernels use them
  for (int s = 0; s < cfg.steps; ++s) {
    for (int u = 0; u < cfg.micro_batches; ++u) {
      for (long long k = layers - 1; k >= 0; --k) {
        const ClusterLayer& layer = cfg.layers[static_cast<std::size_t>(k)];
        if (layer.checkpoint_bytes <= 0) continue;
        // The forward kernel's stream id: its input left after it.
        const long long jf = sched_.streams_per_step() * s + 2 * layers * u + k;
        while (!stored_[static_cast<std::size_t>(jf)]) wait(stored_event_);
        const sc_time t = sc_core::sc_time_stamp();
        const sc_time at = stored_at_[static_cast<std::size_t>(jf)];
        if (at > t) wait(at - t);
        // SRAM for `checkpoint_buffers` layer inputs ahead of the backward kernels.
        while (target_.restores_consumed() < r - cfg.checkpoint_buffers + 1)
          wait(target_.restore_consumed_event());
        const long long jb = sched_.streams_per_step() * s + 2 * layers * u + (2 * layers - 1 - k);
        sc_time d = SC_ZERO_TIME;
        out->b_transport(
            outbox_.load(make_stream(ChunkKind::checkpoint, jb, layer.checkpoint_bytes, cfg.chunk_bytes)), d);
        ++r;
      }
    }
  }
}

double Cs2::busy_in(double a, double b) const { return overlap(tl_.kernels, a, b); }
double Cs2::wait_weights_in(double a, double b) const { return overlap(tl_.weight_stalls, a, b); }
double Cs2::wait_input_in(double a, double b) const { return overlap(tl_.input_stalls, a, b); }

// ---------------------------------------------------------------- input workers
InputWorker::InputWorker(const sc_core::sc_module_name& name, Schedule& sched, Cs2& target)
    : sc_module(name), out("out"), sched_(sched), target_(target) {
  SC_THREAD(stream_thread);
}

void InputWorker::stream_thread() {
  const auto& cfg = *sched_.cfg;
  const long long total = static_cast<long long>(cfg.steps) * cfg.micro_batches;
  for (long long m = 0; m < total; ++m) {
    // Two micro-batches of input buffered on the CS-2 side (prefetch).
    while (target_.inputs_consumed() < m - 1) wait(target_.input_consumed_event());
    sc_time d = SC_ZERO_TIME;
    out->b_transport(
        outbox_.load(make_stream(ChunkKind::input, m, cfg.input_bytes_per_micro, cfg.chunk_bytes)), d);
  }
}

}  // namespace wafersim::sc
