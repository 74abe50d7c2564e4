// Names and sizes of the model-description enums. The strings are the spellings the native
// YAML format accepts, so reports and error messages use the same words as the files.
#include "wafersim/graph/model_spec.hpp"

#include <string>

namespace wafersim {

int dtype_bytes(DType t) {
  switch (t) {
    case DType::fp16:
      return 2;
    case DType::bf16:
      return 2;
    case DType::fp32:
      return 4;
  }
  return 4;  // unreachable for valid enum values; keeps -Wreturn-type quiet
}

const char* to_string(DType t) {
  switch (t) {
    case DType::fp16:
      return "fp16";
    case DType::bf16:
      return "bf16";
    case DType::fp32:
      return "fp32";
  }
  return "?";
}

const char* to_string(Arch a) {
  switch (a) {
    case Arch::decoder:
      return "decoder";
    case Arch::encoder:
      return "encoder";
    case Arch::encoder_decoder:
      return "encoder_decoder";
  }
  return "?";
}

const char* to_string(PositionEmbedding p) {
  switch (p) {
    case PositionEmbedding::learned:
      return "learned";
    case PositionEmbedding::rotary:
      return "rotary";
    case PositionEmbedding::alibi:
      return "alibi";
    case PositionEmbedding::relative:
      return "relative";
    case PositionEmbedding::fixed:
      return "fixed";
  }
  return "?";
}

const char* to_string(NormKind n) {
  switch (n) {
    case NormKind::layernorm:
      return "layernorm";
    case NormKind::rmsnorm:
      return "rmsnorm";
  }
  return "?";
}

const char* to_string(ActivationKind a) {
  switch (a) {
    case ActivationKind::gelu:
      return "gelu";
    case ActivationKind::relu:
      return "relu";
    case ActivationKind::swiglu:
      return "swiglu";
    case ActivationKind::geglu:
      return "geglu";
  }
  return "?";
}

std::string to_string(const MicroBatchSetting& m) {
  switch (m.mode) {
    case MicroBatchMode::automatic:
      return "auto";
    case MicroBatchMode::none:
      return "none";
    case MicroBatchMode::explore:
      if (m.explore_min == 0 && m.explore_max == 0) return "explore";
      return "explore " + (m.explore_min > 0 ? std::to_string(m.explore_min) : std::string("1")) + ".." +
             (m.explore_max > 0 ? std::to_string(m.explore_max) : std::string("max"));
    case MicroBatchMode::fixed:
      return std::to_string(m.size);
  }
  return "?";
}

bool parse_micro_batch(const std::string& text, MicroBatchSetting& out) {
  std::string t;
  for (const char c : text) t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (t == "auto") {
    out.mode = MicroBatchMode::automatic;
    return true;
  }
  if (t == "explore") {
    out.mode = MicroBatchMode::explore;
    return true;
  }
  if (t == "none" || t == "null" || t == "~") {
    out.mode = MicroBatchMode::none;
    return true;
  }
  if (t.empty() || t.size() > 9) return false;
  long v = 0;
  for (const char c : t) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < 1) return false;
  out.mode = MicroBatchMode::fixed;
  out.size = static_cast<int>(v);
  return true;
}

}  // namespace wafersim
