#include "link.hpp"

#include <algorithm>

namespace wafersim::sc {

using sc_core::SC_SEC;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Link::Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s, double latency_s,
           int depth, PayloadPool& pool)
    : sc_module(name),
      in("in"),
      out("out"),
      kind_(std::move(kind)),
      bytes_per_s_(bytes_per_s),
      latency_(latency_s, SC_SEC),
      depth_(depth),
      peq_("peq"),
      pool_(pool) {
  in.register_b_transport(this, &Link::b_transport);
  SC_THREAD(deliver_thread);
}

// A stream offered now has its first chunk here now and its last chunk here at `last_at`.
// The link is computed, not a thread: the stream starts when the link is free
// (start = max(now, end of the previous stream)) and ends when all its bytes are sent and its
// last chunk, once arrived, has been serialized:
//   end = max(start + bytes / bandwidth, last_at + last_chunk / bandwidth).
// Downstream, its first chunk is there `latency` after crossing and its last `latency` after
// `end`; that is when the next hop may start and finish it. At most `depth` streams may wait
// for the link; a sender offering more blocks until the oldest waiting one starts
// (backpressure). On return `delay` says when the link will have taken the last byte.
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
  const StreamInfo& s = info(p);
  const sc_time start = std::max(now, busy_until_);
  const sc_time send(s.bytes / bytes_per_s_, SC_SEC);
  const sc_time end =
      std::max(start + send, std::max(s.last_at, now) + sc_time(s.last_chunk / bytes_per_s_, SC_SEC));
  busy_until_ = end;
  if (start > now) waiting_.push_back(start);
  const double t0 = start.to_seconds(), t1 = end.to_seconds();
  busy_.push_back({t0, t1, t1 > t0 ? std::min(1.0, send.to_seconds() / (t1 - t0)) : 1.0});
  bytes_ += s.bytes;
  StreamInfo next = s;
  next.last_at = end + latency_;
  peq_.notify(pool_.make(next), start - now + sc_time(s.first_chunk / bytes_per_s_, SC_SEC) + latency_);
  delay = end - now;
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
  for (const auto& i : busy_) sum += i.share * std::max(0.0, std::min(i.t1, b) - std::max(i.t0, a));
  return sum;
}

}  // namespace wafersim::sc
