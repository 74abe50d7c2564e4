#include "link.hpp"

#include <algorithm>

#include "chunk.hpp"

namespace wafersim::sc {

using sc_core::sc_time;
using sc_core::SC_SEC;
using sc_core::SC_ZERO_TIME;

Link::Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s,
           double latency_s, int depth)
    : sc_module(name),
      in("in"),
      out("out"),
      kind_(std::move(kind)),
      bytes_per_s_(bytes_per_s),
      latency_(latency_s, SC_SEC),
      queue_("queue", depth),
      peq_("peq") {
  in.register_b_transport(this, &Link::b_transport);
  SC_THREAD(serialize_thread);
  SC_THREAD(deliver_thread);
}

void Link::b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
  if (delay != SC_ZERO_TIME) {
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  queue_.write(&p);  // blocks while the link's buffer is full
}

void Link::serialize_thread() {
  for (;;) {
    tlm::tlm_generic_payload* p = queue_.read();
    const double bytes = info(*p).bytes;
    const double start = sc_core::sc_time_stamp().to_seconds();
    const double dur = bytes / bytes_per_s_;
    if (dur > 0) wait(sc_time(dur, SC_SEC));
    busy_.emplace_back(start, sc_core::sc_time_stamp().to_seconds());
    bytes_ += bytes;
    peq_.notify(*p, latency_);
  }
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
