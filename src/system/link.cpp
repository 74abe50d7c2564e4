#include "link.hpp"

#include <algorithm>

namespace wafersim::sc {

using sc_core::SC_SEC;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Link::Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s, double latency_s,
           long long& transactions)
    : sc_module(name),
      in("in"),
      out("out"),
      kind_(std::move(kind)),
      bytes_per_s_(bytes_per_s),
      latency_(latency_s, SC_SEC),
      outbox_(transactions) {
  in.register_b_transport(this, &Link::b_transport);
}

// A stream whose first chunk is here at `arrive` (= now + delay) and whose last chunk is here
// at `last_at` starts when the link is free (start = max(arrive, end of the previous stream))
// and ends when all its bytes are sent and its last chunk, once arrived, has been serialized:
//   end = max(start + bytes / bandwidth, last_at + last_chunk / bandwidth).
// Downstream its first chunk is there `latency` after crossing the link, its last `latency`
// after `end`. On return `delay` says when the link will have taken the last byte.
void Link::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  const sc_time now = sc_core::sc_time_stamp();
  const sc_time arrive = now + delay;
  const StreamInfo& s = info(p);
  const sc_time start = std::max(arrive, busy_until_);
  const sc_time send(s.bytes / bytes_per_s_, SC_SEC);
  const sc_time end =
      std::max(start + send, std::max(s.last_at, arrive) + sc_time(s.last_chunk / bytes_per_s_, SC_SEC));
  busy_until_ = end;
  const double t0 = start.to_seconds(), t1 = end.to_seconds();
  busy_.push_back({t0, t1, t1 > t0 ? std::min(1.0, send.to_seconds() / (t1 - t0)) : 1.0});
  bytes_ += s.bytes;
  StreamInfo next = s;
  next.last_at = end + latency_;
  sc_time d = start - now + sc_time(s.first_chunk / bytes_per_s_, SC_SEC) + latency_;
  out->b_transport(outbox_.load(next), d);
  delay = end - now;
}

double Link::busy_in(double a, double b) const {
  double sum = 0;
  for (const auto& i : busy_) sum += i.share * std::max(0.0, std::min(i.t1, b) - std::max(i.t0, a));
  return sum;
}

}  // namespace wafersim::sc
