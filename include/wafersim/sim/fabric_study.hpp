#pragma once
// The synthetic-traffic study of the cycle-level fabric (`wafersim fabric`, ws.fabric): spec +
// options -> a result the JSON and text printers read. The CLI parses arguments and prints;
// Python binds the same functions.
#include <cstdint>
#include <string>

#include "wafersim/fabric/cycle/run.hpp"
#include "wafersim/spec/system_spec.hpp"

namespace wafersim {

struct FabricStudyOptions {
  int width = -1, height = -1;  // -1: 32 x 32, or the whole wafer when `whole_wafer`
  bool whole_wafer = false;     // a system was named: the grid defaults to its wafer
  std::string pattern = "uniform";
  double rate = 0.05;
  std::int64_t cycles = 10000;  // measurement window
  std::int64_t warmup = -1;     // -1: min(1000, cycles / 10)
  std::uint64_t seed = 1;
  int message_wavelets = 1;
  int colors = 4;
  int shards = 1;   // > 1: SystemC shard threads (results do not change)
  int quantum = 0;  // 0: the hop latency
};

struct FabricStudy {
  std::string system_name;
  cycle::TrafficRunConfig config;
  cycle::TrafficResult result;
  double host_s = 0;  // wall time of the run (the text report's speed line; not in the JSON)
};

// Checks the options (UsageError naming the option) and runs the traffic.
FabricStudy run_fabric_study(const SystemSpec& spec, const FabricStudyOptions& options);

// Byte-identical across repeated runs, shard counts and quanta (names neither).
std::string format_fabric_json(const FabricStudy& study);
std::string format_fabric_text(const FabricStudy& study);

}  // namespace wafersim
