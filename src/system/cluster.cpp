// Elaboration of the cluster: MemoryX -> SwarmX tree -> CS-2s (weights, broadcast), CS-2s ->
// SwarmX tree -> MemoryX (gradients, reduced), input workers -> CS-2s. Then sc_start and
// collection of the statistics over the measurement window (every step after the first).
#include "wafersim/system/cluster.hpp"

#include <fmt/format.h>

#include <memory>
#include <systemc>

#include "link.hpp"
#include "nodes.hpp"
#include "sc_session.hpp"
#include "sc_time_guard.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim {

namespace {

using sc::Link;

struct Cluster {
  sc::Schedule sched;
  std::unique_ptr<sc::MemoryX> memoryx;
  std::vector<std::unique_ptr<sc::SwarmXNode>> swarmx;
  std::vector<std::unique_ptr<sc::Cs2>> cs2;
  std::vector<std::unique_ptr<sc::InputWorker>> workers;
  std::vector<std::unique_ptr<sc::ActivationStore>> stores;
  std::vector<std::unique_ptr<Link>> links;
  int levels = 0;

  std::vector<std::pair<std::string, std::string>> ends;  // per link: from, to

  Link& link(const std::string& name, LinkKind kind, const LinkParams& p, std::string from, std::string to) {
    links.push_back(
        std::make_unique<Link>(name.c_str(), kind, p.rate.value, p.latency.value, sched.transactions));
    ends.emplace_back(std::move(from), std::move(to));
    return *links.back();
  }

  explicit Cluster(const ClusterConfig& cfg) {
    sched.cfg = &cfg;
    sched.updated_step.assign(cfg.layers.size(), -1);
    const int n = cfg.systems;
    const int f = cfg.fanout;
    for (int i = 0; i < n; ++i) {
      cs2.push_back(std::make_unique<sc::Cs2>(fmt::format("cs2_{}", i).c_str(), sched, i));
      sched.systems.push_back(cs2.back().get());
    }
    // SwarmX tree, built from the leaves up; every level has ceil(below / fanout) nodes.
    std::vector<int> below_ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) below_ids[static_cast<std::size_t>(i)] = i;
    bool below_is_cs2 = true;
    std::vector<sc::SwarmXNode*> below_nodes;
    int level = 0;
    for (;;) {
      const int count = static_cast<int>(below_is_cs2 ? n : static_cast<int>(below_nodes.size()));
      const int parents = (count + f - 1) / f;
      std::vector<sc::SwarmXNode*> this_level;
      for (int p = 0; p < parents; ++p) {
        const int first = p * f;
        const int last = std::min(count, first + f);
        const std::string node_name = fmt::format("swarmx_l{}_{}", level, p);
        swarmx.push_back(std::make_unique<sc::SwarmXNode>(node_name.c_str(), sched, last - first));
        sc::SwarmXNode& node = *swarmx.back();
        for (int c = first; c < last; ++c) {
          if (below_is_cs2) {
            sc::Cs2& sys = *cs2[static_cast<std::size_t>(c)];
            const std::string sys_name = fmt::format("cs2_{}", c);
            Link& dn = link(fmt::format("io_in_{}", c), LinkKind::io, cfg.io, node_name, sys_name);
            node.down_out.bind(dn.in);
            dn.out.bind(sys.down_in);
            Link& up = link(fmt::format("io_out_{}", c), LinkKind::io, cfg.io, sys_name, node_name);
            sys.up_out.bind(up.in);
            up.out.bind(node.up_in);
          } else {
            sc::SwarmXNode& child = *below_nodes[static_cast<std::size_t>(c)];
            const std::string child_name = child.basename();
            Link& dn = link(fmt::format("swarmx_down_l{}_{}", level, c), LinkKind::swarmx, cfg.swarmx,
                            node_name, child_name);
            node.down_out.bind(dn.in);
            dn.out.bind(child.down_in);
            Link& up = link(fmt::format("swarmx_up_l{}_{}", level, c), LinkKind::swarmx, cfg.swarmx,
                            child_name, node_name);
            child.up_out.bind(up.in);
            up.out.bind(node.up_in);
          }
        }
        this_level.push_back(&node);
      }
      ++level;
      below_nodes = this_level;
      below_is_cs2 = false;
      if (parents == 1) break;
    }
    levels = level;
    memoryx = std::make_unique<sc::MemoryX>("memoryx", sched);
    const std::string root_name = below_nodes.front()->basename();
    Link& dn = link("memoryx_out", LinkKind::memoryx, cfg.memoryx, "memoryx", root_name);
    memoryx->down_out.bind(dn.in);
    dn.out.bind(below_nodes.front()->down_in);
    Link& up = link("memoryx_in", LinkKind::memoryx, cfg.memoryx, root_name, "memoryx");
    below_nodes.front()->up_out.bind(up.in);
    up.out.bind(memoryx->up_in);
    // Input workers: one module per CS-2 standing for its `input_workers` nodes, on a link
    // with their aggregate bandwidth.
    for (int i = 0; i < n; ++i) {
      workers.push_back(std::make_unique<sc::InputWorker>(fmt::format("input_{}", i).c_str(), sched,
                                                          *cs2[static_cast<std::size_t>(i)]));
      Link& l = link(fmt::format("input_link_{}", i), LinkKind::input, cfg.input, fmt::format("input_{}", i),
                     fmt::format("cs2_{}", i));
      workers.back()->out.bind(l.in);
      l.out.bind(cs2[static_cast<std::size_t>(i)]->input_in);
    }
    // Offloaded checkpoints: each CS-2's own store, out and back on links of their own.
    bool offload = false;
    for (const auto& layer : cfg.layers) offload = offload || layer.checkpoint_bytes > 0;
    for (int i = 0; offload && i < n; ++i) {
      sc::Cs2& sys = *cs2[static_cast<std::size_t>(i)];
      const std::string sys_name = fmt::format("cs2_{}", i);
      const std::string store_name = fmt::format("activations_{}", i);
      stores.push_back(std::make_unique<sc::ActivationStore>(store_name.c_str(), sched, sys));
      Link& out =
          link(fmt::format("ckpt_out_{}", i), LinkKind::activation, cfg.activation, sys_name, store_name);
      sys.ckpt_out.bind(out.in);
      out.out.bind(stores.back()->in);
      Link& back =
          link(fmt::format("ckpt_in_{}", i), LinkKind::activation, cfg.activation, store_name, sys_name);
      stores.back()->out.bind(back.in);
      back.out.bind(sys.ckpt_in);
    }
  }
};

}  // namespace

StreamId decode_stream(long long j, int layers, int micro_batches) {
  StreamId id;
  const long long per_micro = 2LL * layers;
  const long long per_step = per_micro * micro_batches;
  id.step = static_cast<int>(j / per_step);
  const long long r = j % per_step;
  id.micro = static_cast<int>(r / per_micro);
  const long long q = r % per_micro;
  id.pass = q < layers ? 0 : 1;
  // Forward runs layers in order, backward in reverse.
  id.layer = id.pass == 0 ? static_cast<int>(q) : static_cast<int>(per_micro - 1 - q);
  return id;
}

ClusterResult run_cluster(const ClusterConfig& cfg) {
  if (cfg.systems < 1 || cfg.steps < 2 || cfg.layers.empty() || cfg.micro_batches < 1)
    throw SimError("run_cluster: invalid configuration (need >= 1 system, >= 2 steps, >= 1 layer)");
  sc::Session session;  // a kernel context of this run's own; outlives the cluster's modules
  Cluster cluster(cfg);
  sc_core::sc_start();  // runs until no event is left: all steps done, or stuck
  if (sc::overflow_s() > 0)
    throw SimError(fmt::format(
        "simulated time beyond SystemC's range: the run would reach {:.3g} s, past the {:.3g} s its 64-bit "
        "time holds at {} resolution; a bandwidth, rate or latency in the system file is likely far too "
        "small",
        sc::overflow_s(), sc::horizon_s(), sc_core::sc_get_time_resolution().to_string()));

  ClusterResult r;
  for (const auto& c : cluster.cs2)
    if (!c->finished())
      throw SimError(fmt::format("cluster deadlock: {} stopped after {} of {} weight streams", c->name(),
                                 c->consumed(), cluster.sched.total_streams()));
  r.step_end_s.assign(static_cast<std::size_t>(cfg.steps), 0.0);
  for (const auto& c : cluster.cs2)
    for (std::size_t s = 0; s < r.step_end_s.size(); ++s)
      r.step_end_s[s] = std::max(r.step_end_s[s], c->step_end()[s]);
  r.window_start_s = r.step_end_s.front();
  r.window_end_s = r.step_end_s.back();
  const double a = r.window_start_s;
  const double b = r.window_end_s;
  const auto& c0 = *cluster.cs2.front();
  r.wafer_busy_s = c0.busy_in(a, b);
  r.wait_weights_s = c0.wait_weights_in(a, b);
  r.wait_input_s = c0.wait_input_in(a, b);
  r.wait_checkpoints_s = c0.wait_checkpoints_in(a, b);
  r.optimizer_busy_s = cluster.memoryx->optimizer_busy_in(a, b);
  r.swarmx_nodes = static_cast<int>(cluster.swarmx.size());
  r.swarmx_levels = cluster.levels;
  r.transactions = cluster.sched.transactions;
  for (std::size_t i = 0; i < cluster.links.size(); ++i) {
    const auto& l = cluster.links[i];
    r.links.push_back(LinkUse{l->basename(), l->link_kind(), cluster.ends[i].first, cluster.ends[i].second,
                              l->busy_in(a, b), l->bytes()});
    std::vector<Interval> iv;
    iv.reserve(l->busy().size());
    for (const auto& u : l->busy()) iv.push_back({u.t0, u.t1, 0, 0, u.share});
    r.link_busy.push_back(std::move(iv));
  }
  for (const auto& c : cluster.cs2) r.cs2.push_back(c->timeline());
  r.memoryx = cluster.memoryx->timeline();
  return r;
}

}  // namespace wafersim
