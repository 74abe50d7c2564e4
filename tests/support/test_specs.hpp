#pragma once
// Shared fixtures: specs built in code so model-logic tests need no files.
#include "wafersim/spec/system_spec.hpp"

namespace wafersim::test {

// A CS-2-like spec on a w x h grid (values as configs/cs2.yaml).
inline SystemSpec small_spec(int w = 64, int h = 64) {
  SystemSpec s;
  s.name = "test";
  s.wafer.width = w;
  s.wafer.height = h;
  s.wafer.usable = Rect{0, 0, w, h};
  s.pe.sram = Bytes(48 * 1024);
  s.pe.sram_banks = 8;
  s.pe.sram_reserved = Bytes(4 * 1024);
  s.pe.clock = Hertz(1.1e9);
  s.pe.fmac_issue_efficiency = 0.73;
  s.pe.op_setup_cycles = 16;
  s.io.port_bandwidth = BitsPerSecond(100e9);
  s.io.latency = Seconds(2e-6);
  s.memoryx.capacity = Bytes(12ull << 40);
  s.memoryx.bandwidth = BitsPerSecond(1.2e12);
  s.memoryx.optimizer_rate = 5e10;
  s.memoryx.latency = Seconds(2e-6);
  s.swarmx.nic_bandwidth = BitsPerSecond(100e9);
  s.swarmx.level_latency = Seconds(1e-6);
  s.input.workers = 4;
  s.input.worker_bandwidth = BitsPerSecond(100e9);
  s.input.latency = Seconds(10e-6);
  s.sim.stream_chunk = Bytes(32ull << 20);
  return s;
}

}  // namespace wafersim::test
