#include "link.hpp"

#include <algorithm>

#include "sc_time_guard.hpp"
#include "wafersim/core/interval.hpp"

namespace wafersim::sc {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Link::Link(const sc_core::sc_module_name& name, LinkKind kind, double bytes_per_s, double latency_s,
           long long& transactions)
    : sc_module(name),
      in("in"),
      out("out"),
      kind_(kind),
      bytes_per_s_(bytes_per_s),
      latency_(checked(0, latency_s)),
      outbox_(transactions) {
  in.register_b_transport(this, &Link::b_transport);
}

// A stream whose first chunk is here at `arrive` (= now + delay) starts when the link is
// free: start = max(arrive, end of the previous stream). Its chunks leave in order, each once
// it has arrived and the one before it has left (see chunk.hpp for why three arrival times
// give the exact departure times):
//   last full chunk leaves at  full = max(start + (bytes - last_chunk) / bw, last_full_at + chunk / bw)
//   last chunk leaves at       end  = max(full, last_at) + last_chunk / bw
// Downstream each is there `latency` later, the first chunk at start + chunk / bw + latency.
// On return `delay` says when the link will have taken the last byte.
void Link::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  const sc_time now = sc_core::sc_time_stamp();
  const sc_time arrive = now + delay;
  const StreamInfo& s = info(p);
  const sc_time start = std::max(arrive, busy_until_);
  const double start_s = start.to_seconds();
  const auto secs = [&](double bytes) { return checked(start_s, bytes / bytes_per_s_); };
  StreamInfo next = s;
  sc_time end;
  if (s.chunks > 1) {
    const sc_time full =
        std::max(start + secs(s.bytes - s.last_chunk), std::max(s.last_full_at, arrive) + secs(s.chunk));
    end = std::max(full, s.last_at) + secs(s.last_chunk);
    next.last_full_at = full + latency_;
  } else {
    end = std::max(start, s.last_at) + secs(s.bytes);
    next.last_full_at = end + latency_;
  }
  next.last_at = end + latency_;
  busy_until_ = end;
  const sc_time send = secs(s.bytes);
  const double t0 = start.to_seconds(), t1 = end.to_seconds();
  busy_.push_back({t0, t1, t1 > t0 ? std::min(1.0, send.to_seconds() / (t1 - t0)) : 1.0});
  bytes_ += s.bytes;
  sc_time d = start - now + secs(s.chunk) + latency_;
  out->b_transport(outbox_.load(next), d);
  delay = end - now;
}

double Link::busy_in(double a, double b) const {
  double sum = 0;
  for (const auto& i : busy_) sum += i.share * overlap(i.t0, i.t1, a, b);
  return sum;
}

}  // namespace wafersim::sc
