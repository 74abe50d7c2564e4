#pragma once
// Expanding a SweepSpec into its design points: grid (cartesian over axes, zip groups move
// together) or seeded random sampling, then `where:` filtering. Deterministic: the same
// sweep gives the same points in the same order on every machine.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wafersim/sweep/sweep_spec.hpp"

namespace wafersim::sweep {

struct Point {
  std::size_t index = 0;          // position in the sweep's expansion (stable across shards)
  std::vector<AxisValue> values;  // one per axis, in SweepSpec::axes order
  std::string key;                // hash of the canonical description (resume, merge)
  std::string description;        // that description (describe_point), kept for the store
};

// Content hashes of the base files enter the key, so editing a config re-runs its points.
struct PointContext {
  std::string system_hash;  // of the system file's text ("builtin" for the built-in)
  std::string model_hash;
  // The `model` axis: each file's hash, by its resolved path (Axis::files).
  std::map<std::string, std::string> model_hashes;
  std::string trace_hash;  // the request trace's content (SweepSpec::request_trace), "" without
  // The prefill replicas' system files' hashes (SweepSpec::prefill_system, the `prefill_system`
  // axis' Axis::files), by resolved path ("builtin": "builtin").
  std::map<std::string, std::string> prefill_system_hashes;
};

std::vector<Point> expand_points(const SweepSpec& spec, const PointContext& ctx = {});

// The canonical description (sorted JSON) and its key (16 hex digits of FNV-1a 64).
std::string describe_point(const SweepSpec& spec, const PointContext& ctx, const Point& p);
std::string hash_hex(const std::string& text);

// Effective run options of a point (base values, replaced by run-option axes).
struct PointRun {
  std::string command;  // "run" or "infer"
  std::string mode;     // "infer" for inference points (the database's mode column)
  int systems = 1, batch = 0, seq = 0, steps = 0;
  int prompt = 0, generate = 0;
  std::string micro_batch;              // "" = the model file's
  std::string wafer_io;                 // infer: "" = async
  std::string layout;                   // infer: "" = compact
  double weight_bits = 0, kv_bits = 0;  // infer: 0 = the model's width
  double expert_bits = 0;               // infer: 0 = as weight_bits
  double arrival_rate = 0;              // infer: 0 = no serving simulation
  int requests = 0;
  int prefill_chunk = 0;     // infer: chunked prefill's tokens per iteration; 0 = whole prompts
  int replicas = 1;          // infer: serving replicas
  int prefill_replicas = 0;  // infer: disaggregated prefill replicas; 0 = none
  int prefill_systems = 0;   // infer: systems per prefill replica; 0 = systems
  int prefill_batch = 0;     // infer: prompts a prefill replica runs at once; 0 = batch
  double slo_ttft_p99 = 0;   // infer: capacity objectives (s); 0 = none
  double slo_tbt_p99 = 0;
  double slo_tpot_p99 = 0;
  std::string routing;                   // infer: "" = round-robin
  std::string replica_systems;           // infer: "8+4" (canonical); "" = every replica `systems`
  int prompt_min = 0, generate_min = 0;  // infer: serving lengths drawn from these up; 0 = fixed
  std::string model_file;           // the `model` axis' resolved file ("builtin"), or "" = the sweep's model
  std::string prefill_system_file;  // infer: the prefill machine's resolved file ("builtin"), "" = none
  std::vector<std::pair<std::string, std::string>> sets;  // fixed sets, then system axes
};
PointRun point_run(const SweepSpec& spec, const Point& p);

// `--shard i/N`: the points whose index % N == i (deterministic, balanced).
struct Shard {
  int index = 0;
  int count = 1;
};
Shard parse_shard(const std::string& text);  // "3/16"; UsageError when malformed
std::vector<Point> shard_points(const std::vector<Point>& points, Shard shard);

}  // namespace wafersim::sweep
