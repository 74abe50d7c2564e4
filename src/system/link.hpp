#pragma once
// A one-direction link with bandwidth, latency and a bounded queue (backpressure): a sender
// blocks in b_transport while the queue is full; the link serializes one chunk at a time at
// its bandwidth and delivers it downstream after its latency (cut-through pipelining across
// chunks comes from the chunking).
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <deque>
#include <string>
#include <systemc>
#include <tlm>
#include <utility>
#include <vector>

namespace wafersim::sc {

class Link : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Link> in;
  tlm_utils::simple_initiator_socket<Link> out;

  Link(const sc_core::sc_module_name& name, std::string kind, double bytes_per_s, double latency_s,
       int depth);
  SC_HAS_PROCESS(Link);

  const std::string& link_kind() const { return kind_; }
  double bytes() const { return bytes_; }
  // Seconds of serialization that fall inside [a, b].
  double busy_in(double a, double b) const;
  const std::vector<std::pair<double, double>>& busy() const { return busy_; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void deliver_thread();

  std::string kind_;
  double bytes_per_s_;
  sc_core::sc_time latency_;
  int depth_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  std::deque<sc_core::sc_time> waiting_;  // start times of chunks queued for the link
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> peq_;
  std::vector<std::pair<double, double>> busy_;
  double bytes_ = 0;
};

}  // namespace wafersim::sc
