#pragma once
// A one-direction link with bandwidth and latency, loosely timed (TLM-2.0 LT with temporal
// decoupling): b_transport receives a stream whose first chunk arrives `delay` after the
// caller's time, computes when the link sends it (FIFO behind earlier streams, pipelined with
// the hop before it at chunk granularity: see chunk.hpp) and passes it on at once, annotated
// with its first chunk's arrival downstream. No process, no event: a stream costs one
// function call per hop. Every link has exactly one sender, which offers streams in time
// order, so computing ahead never reorders anything. Flow control is per stream, where the
// cluster has it (weight-buffer credits, input prefetch), not per link.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "chunk.hpp"
#include "wafersim/system/cluster.hpp"

namespace wafersim::sc {

class Link : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Link> in;
  tlm_utils::simple_initiator_socket<Link> out;

  Link(const sc_core::sc_module_name& name, LinkKind kind, double bytes_per_s, double latency_s,
       long long& transactions);

  LinkKind link_kind() const { return kind_; }
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

  LinkKind kind_;
  double bytes_per_s_;
  sc_core::sc_time latency_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  Outbox outbox_;
  std::vector<Busy> busy_;
  double bytes_ = 0;
};

}  // namespace wafersim::sc
