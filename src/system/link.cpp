#include "link.hpp"

#include <algorithm>

#include "chunk.hpp"

namespace wafersim::sc {

using sc_core::SC_SEC;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Link::Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s, double latency_s,
           int depth)
    : sc_module(name),
      in("in"),
      out("out"),
      kind_(std::move(kind)),
      bytes_per_s_(bytes_per_s),
      latency_(latency_s, SC_SEC),
      depth_(depth),
      peq_("peq") {
  in.register_b_transport(this, &Link::b_transport);
  SC_THREAD(deliver_thread);
}

// The serializer is computed, not a thread: a chunk starts when the link is free
// (start = max(arrival, end of the previous chunk)) and arrives downstream `latency` after its
// last byte. At most `depth` chunks may wait for the link; a sender offering more blocks until
// the oldest waiting one starts (backpressure). Same timing as a FIFO drained by a serializer
// thread, with two fewer context switches per chunk.
void Link::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  if (delay != SC_ZERO_TIME) {
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    while (!waiting_.empty() && waiting_.front() <= now) waiting_.pop_front();
    if (static_cast<int>(waiting_.size()) < depth_) break;
    wait(waiting_.front() - now);
  }
  const sc_time now = sc_core::sc_time_stamp();
  const sc_time start = std::max(now, busy_until_);
  const double bytes = info(p).bytes;
  busy_until_ = start + sc_time(bytes / bytes_per_s_, SC_SEC);
  if (start > now) waiting_.push_back(start);
  busy_.emplace_back(start.to_seconds(), busy_until_.to_seconds());
  bytes_ += bytes;
  peq_.notify(p, busy_until_ - now + latency_);
}

void Link::deliver_thread() {
  for (;;) {
    wait(peq_.get_event());
    while (tlm::tlm_generic_payload* p = peq_.get_next_transaction()) {
      sc_time d = SC_ZERO_TIME;
      out->b_transport(*p, d);
    }
  }
}

double Link::busy_in(double a, double b) const {
  double sum = 0;
  for (const auto& [s, e] : busy_) sum += std::max(0.0, std::min(e, b) - std::max(s, a));
  return sum;
}

}  // namespace wafersim::sc
