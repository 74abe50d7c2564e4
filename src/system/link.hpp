#pragma once
// A one-direction link with bandwidth, latency and a bounded queue (backpressure): a sender
// blocks in b_transport while `depth` streams wait for the link; the link sends one stream at
// a time at its bandwidth, pipelined with the hop before it at chunk granularity (see
// chunk.hpp), and hands it downstream when its first chunk has crossed.
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <string>
#include <systemc>
#include <tlm>
#include <utility>
#include <vector>

#include "chunk.hpp"

namespace wafersim::sc {

class Link : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Link> in;
  tlm_utils::simple_initiator_socket<Link> out;

  Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s, double latency_s, int depth,
       PayloadPool& pool);
  SC_HAS_PROCESS(Link);

  const std::string& link_kind() const { return kind_; }
  double bytes() const { return bytes_; }
  // Occupancy of the link by one stream: [t0, t1] at `share` of its bandwidth (below 1 when
  // the hop before it delivers more slowly than this link could send).
  struct Busy {
    double t0, t1, share;
  };
  // Seconds of serialization (occupancy x share) that fall inside [a, b].
  double busy_in(double a, double b) const;
  const std::vector<Busy>& busy() const { return busy_; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void deliver_thread();

  std::string kind_;
  double bytes_per_s_;
  sc_core::sc_time latency_;
  int depth_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  std::deque<sc_core::sc_time> waiting_;  // start times of streams queued for the link
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> peq_;
  PayloadPool& pool_;
  std::vector<Busy> busy_;
  double bytes_ = 0;
};

}  // namespace wafersim::sc
