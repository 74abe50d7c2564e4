// SystemC shard threads for the cycle engine (sharded.hpp). The engine core knows nothing of
// SystemC: a shard thread calls Engine::step_shard for one quantum, then waits; a controller
// thread starts each quantum, waits until every shard finished it, then advances SystemC time
// by the quantum (1 ns per cycle) and checks for idleness and deadlock.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <exception>
#include <systemc>

#include "sc_session.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/system/sharded.hpp"

namespace wafersim::cycle {

namespace {

class FabricShards : public sc_core::sc_module {
 public:
  FabricShards(const sc_core::sc_module_name& n, Engine& e, int quantum) : sc_module(n), e_(e), q_(quantum) {
    if (quantum < 1 || quantum > e.config().hop_latency)
      throw UsageError("--quantum: expected 1..hop latency (the smallest latency of a link crossing shards)");
    sc_core::sc_spawn(sc_bind(&FabricShards::controller, this), "controller");
    for (int i = 0; i < e.shard_count(); ++i) {
      sc_core::sc_spawn_options o;
      sc_core::sc_spawn(sc_bind(&FabricShards::shard, this, i), sc_core::sc_gen_unique_name("shard"), &o);
    }
  }

  void arm(std::int64_t until, bool stop) {
    until_ = until;
    stop_ = stop;
    armed_ = true;
    arm_.notify(sc_core::SC_ZERO_TIME);
  }
  std::exception_ptr error;
  std::uint64_t quanta = 0;

 private:
  void controller() {
    for (;;) {
      while (!armed_) wait(arm_);
      try {
        e_.start();
        for (;;) {
          e_.check_deadlock();
          if (e_.now() >= until_ || (stop_ && e_.idle())) break;
          end_ = std::min(e_.now() + q_, until_);
          finished_ = 0;
          go_.notify(sc_core::SC_ZERO_TIME);
          wait(done_);
          if (error) break;
          ++quanta;
          wait(sc_core::sc_time(static_cast<double>(q_), sc_core::SC_NS));
        }
      } catch (...) {
        error = std::current_exception();
      }
      armed_ = false;
      sc_core::sc_pause();
    }
  }

  void shard(int i) {
    for (;;) {
      wait(go_);  // one wait per quantum: the shard runs `q_` cycles on its local clock
      try {
        e_.step_shard(i, end_);
      } catch (...) {
        if (!error) error = std::current_exception();
      }
      if (++finished_ == e_.shard_count()) done_.notify(sc_core::SC_ZERO_TIME);
    }
  }

  Engine& e_;
  int q_;
  std::int64_t until_ = 0, end_ = 0;
  bool stop_ = false, armed_ = false;
  int finished_ = 0;
  sc_core::sc_event arm_, go_, done_;
};

}  // namespace

struct ShardedRunner::Impl {
  sc::Session session;  // declared first: destroyed after the module
  std::unique_ptr<FabricShards> mod;
};

ShardedRunner::ShardedRunner(Engine& engine, int quantum) : impl_(std::make_unique<Impl>()) {
  impl_->mod = std::make_unique<FabricShards>(sc_core::sc_gen_unique_name("fabric"), engine, quantum);
}

ShardedRunner::~ShardedRunner() = default;

void ShardedRunner::advance(std::int64_t until, bool stop_when_idle) {
  impl_->mod->arm(until, stop_when_idle);
  sc_core::sc_start();
  if (impl_->mod->error) {
    auto err = impl_->mod->error;
    impl_->mod->error = nullptr;
    std::rethrow_exception(err);
  }
}

std::uint64_t ShardedRunner::quanta() const { return impl_->mod->quanta; }

TrafficResult run_traffic_sharded(const TrafficRunConfig& cfg) {
  auto e = make_traffic_engine(cfg);
  ShardedRunner runner(*e, cfg.quantum);
  return run_traffic_with(*e, cfg,
                          [&runner](Engine&, std::int64_t until, bool stop) { runner.advance(until, stop); });
}

}  // namespace wafersim::cycle
