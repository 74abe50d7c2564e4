#pragma once
// What a model front-end produces before the graph is built: the architecture of a
// transformer and the training settings. Every front-end (native YAML, Model Zoo,
// HuggingFace config.json) fills this; the LayerGraph builder consumes it.
#include <string>

namespace wafersim {

enum class DType { fp16, bf16, fp32 };
enum class Arch { decoder, encoder };
enum class PositionEmbedding { learned, rotary };
enum class NormKind { layernorm, rmsnorm };
enum class ActivationKind { gelu, relu, swiglu };

int dtype_bytes(DType t);
const char* to_string(DType t);
const char* to_string(Arch a);
const char* to_string(PositionEmbedding p);
const char* to_string(NormKind n);
const char* to_string(ActivationKind a);

struct TransformerSpec {
  std::string name;                      // "gptj-6b"
  Arch arch = Arch::decoder;
  int layers = 0;                        // transformer blocks
  int hidden = 0;                        // d_model
  int heads = 0;                         // attention heads
  int kv_heads = 0;                      // key/value heads (GQA); 0 = same as heads
  int ffn = 0;                           // FFN inner size
  int vocab = 0;
  int max_seq = 0;                       // max position embeddings
  PositionEmbedding position = PositionEmbedding::learned;
  int rotary_dim = 0;                    // rotary dims per head (0 = whole head when rotary)
  NormKind norm = NormKind::layernorm;
  ActivationKind activation = ActivationKind::gelu;
  bool tied_embeddings = false;
  bool bias = true;                      // biases on the projections
  bool parallel_block = false;           // GPT-J style: attention and FFN read the same input
  int type_vocab = 0;                    // BERT token types (0 = none)
};

struct TrainingSpec {
  int batch = 0;                          // global batch (sequences) per step
  int seq = 0;                            // sequence length
  DType compute = DType::fp16;            // activations/weights on the wafer
  DType master = DType::fp32;             // master weights and optimizer state
  std::string optimizer = "adamw";        // adamw | adam | sgd
  bool activation_checkpointing = true;   // keep layer inputs only, recompute in backward
};

struct ModelSpec {
  TransformerSpec arch;
  TrainingSpec training;
  std::string source;   // file it came from
};

}  // namespace wafersim
