#pragma once
// The cycle engine's shards stepped by SystemC threads with temporal decoupling: each shard
// thread advances its band of rows a quantum of cycles (integer local clock) per wait(); a
// controller synchronises the quanta and checks idleness and deadlock between them. Results
// are identical to Engine::run for any shard count and quantum (<= hop latency).
// No SystemC in this header; it lives with its implementation (src/system/fabric_sc.cpp) in
// the system part, above the fabric.
#include <cstdint>
#include <memory>

#include "wafersim/fabric/cycle/run.hpp"

namespace wafersim::cycle {

// A runner is one SystemC simulation in a kernel context of its own (src/system/sc_session.hpp):
// runners run one after another (a second alive on the same thread throws SimError), any
// number per process.
class ShardedRunner {
 public:
  ShardedRunner(Engine& engine, int quantum);
  ~ShardedRunner();
  ShardedRunner(const ShardedRunner&) = delete;
  ShardedRunner& operator=(const ShardedRunner&) = delete;
  // Like Engine::run(until, quantum, stop_when_idle); rethrows SimError from the threads.
  void advance(std::int64_t until, bool stop_when_idle);
  std::uint64_t quanta() const;  // synchronisations so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole synthetic-traffic run through SystemC shard threads.
TrafficResult run_traffic_sharded(const TrafficRunConfig& cfg);

}  // namespace wafersim::cycle
