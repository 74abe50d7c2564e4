#include "wafersim/report/json_report.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wafersim/core/text.hpp"
#include "wafersim/report/report.hpp"

namespace wafersim {

namespace {
nlohmann::ordered_json breakdown_json(const Breakdown& b, bool with_upgrade) {
  nlohmann::ordered_json j = {{"compute_s", b.compute},
                              {"fabric_s", b.fabric},
                              {"weight_streaming_s", b.weight_streaming},
                              {"gradient_reduction_s", b.gradient_reduction},
                              {"optimizer_s", b.optimizer},
                              {"input_s", b.input},
                              {"checkpoints_s", b.checkpoints},
                              {"overhead_s", b.overhead},
                              {"idle_s", b.idle}};
  if (with_upgrade) {
    j["upgrade_first"] = b.upgrade_first;
    j["reason"] = b.reason;
  }
  return j;
}
}  // namespace

nlohmann::ordered_json kernel_checks_json(const std::vector<KernelCheckStats>& checks) {
  auto kc = nlohmann::ordered_json::array();
  for (const auto& k : checks)
    kc.push_back({{"name", k.name},
                  {"pass", k.pass},
                  {"approx_cycles", k.approx_cycles},
                  {"cycle_cycles", k.cycle_cycles},
                  {"ratio", k.ratio},
                  {"agrees", k.agrees},
                  {"approx_link_wavelets", k.approx_link_wavelets},
                  {"cycle_link_wavelets", k.cycle_link_wavelets},
                  {"note", k.note}});
  return kc;
}

nlohmann::ordered_json json_report(const RunStats& s) {
  nlohmann::ordered_json j;
  j["schema_version"] = kReportSchemaVersion;
  j["mode"] = s.mode;
  j["fidelity"] = s.fidelity;
  j["system"] = s.system_name;
  j["model"] = s.model_name;
  j["systems"] = s.systems;
  j["batch"] = s.batch;
  j["seq"] = s.seq;
  j["seq_source"] = s.seq_source;
  j["model_notes"] = s.model_notes;
  j["steps"] = s.steps;
  j["micro_batch"] = s.micro_batch;
  j["micro_batches"] = s.micro_batches;
  j["max_micro_batch"] = s.max_micro_batch;
  j["micro_batch_setting"] = s.micro_batch_setting.empty() ? nlohmann::ordered_json()
                                                           : nlohmann::ordered_json(s.micro_batch_setting);
  j["checkpoints"] = s.checkpoints.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.checkpoints);
  j["tiles"] = s.tiles;
  j["step_time_s"] = s.step_time_s;
  j["samples_per_s"] = s.samples_per_s;
  j["tokens_per_s"] = s.tokens_per_s;
  j["model_flops_per_step"] = s.model_flops_per_step;
  j["model_flops_per_s"] = s.model_flops_per_s;
  j["peak_flops_per_s"] = s.peak_flops_per_s;
  j["mfu"] = s.mfu;
  j["bottleneck"] = s.bottleneck;
  j["bottleneck_reason"] = s.bottleneck_reason;
  const auto& u = s.utilization;
  j["utilization"] = {{"compute", u.compute}, {"fabric", u.fabric}, {"io", u.io},
                      {"memoryx", u.memoryx}, {"swarmx", u.swarmx}, {"input", u.input}};
  j["breakdown"] = breakdown_json(s.breakdown, true);
  if (const auto& b = s.step_boundary; b.present)
    j["step_boundary"] = {{"reduce_s", b.reduce_s},          {"update_s", b.update_s},
                          {"broadcast_s", b.broadcast_s},    {"chain_s", b.chain_s},
                          {"overhead_s", b.overhead_s},      {"exposed_s", b.exposed_s},
                          {"swarmx_levels", b.swarmx_levels}};
  j["sram_per_tile_bytes"] = {
      {"min", s.sram.min}, {"mean", s.sram.mean}, {"max", s.sram.max}, {"capacity", s.sram.capacity}};
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : s.layers) {
    layers.push_back({{"name", l.name},
                      {"params", l.params},
                      {"forward_s", l.forward_s},
                      {"backward_s", l.backward_s},
                      {"weight_stream_s", l.weight_stream_s},
                      {"grad_stream_s", l.grad_stream_s},
                      {"optimizer_s", l.optimizer_s},
                      {"flops", l.flops},
                      {"bound", l.bound},
                      {"breakdown", breakdown_json(l.breakdown, false)}});
  }
  if (!s.stages.empty()) {
    j["placement_strategy"] = s.placement_strategy;
    auto& strat = j["strategies"] = nlohmann::ordered_json::array();
    for (const auto& t : s.strategies)
      strat.push_back({{"name", t.name}, {"feasible", t.feasible}, {"max_stage_s", t.max_stage_s}});
    j["bottleneck_stage"] = s.bottleneck_stage;
    j["max_link_utilization"] = s.max_link_utilization;
    auto& stages = j["stages"] = nlohmann::ordered_json::array();
    for (const auto& st : s.stages) {
      stages.push_back(
          {{"name", st.name},
           {"region", {{"x", st.x}, {"y", st.y}, {"w", st.w}, {"h", st.h}}},
           {"tiles", st.tiles},
           {"params", st.params},
           {"sram_per_tile_bytes", {{"min", st.sram.min}, {"mean", st.sram.mean}, {"max", st.sram.max}}},
           {"forward_s", st.forward_s},
           {"backward_s", st.backward_s},
           {"stage_time_s", st.stage_time_s},
           {"update_s", st.update_s},
           {"busy", st.busy},
           {"xfer_s", st.xfer_s},
           {"flow_lanes", st.flow_lanes},
           {"in_flight", st.in_flight},
           {"bound", st.bound}});
    }
  }
  if (!s.kernel_checks.empty()) j["kernel_checks"] = kernel_checks_json(s.kernel_checks);
  if (s.energy.modelled) j["energy"] = energy_json(s.energy);
  j["notes"] = s.notes;
  return j;
}

std::string format_json_report(const RunStats& s) { return json_text(json_report(s), 2) + "\n"; }

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write '" + path + "': cannot create a file there");
    f << content;
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw std::runtime_error("cannot write '" + path + "': write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write '" + path + "': rename failed");
  }
}

}  // namespace wafersim
