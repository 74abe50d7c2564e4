// Names and sizes of the model-description enums. The strings are the spellings the native
// YAML format accepts, so reports and error messages use the same words as the files.
#include "wafersim/graph/model_spec.hpp"

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

}  // namespace wafersim
