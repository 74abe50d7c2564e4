#pragma once
// What a model front-end produces before the graph is built: the architecture of a
// transformer and the training settings. Every front-end (native YAML, Model Zoo,
// HuggingFace config.json) fills this; the LayerGraph builder consumes it.
#include <memory>
#include <string>
#include <vector>

namespace wafersim {

class LayerGraph;

enum class DType { fp16, bf16, fp32 };
enum class Arch { decoder, encoder, encoder_decoder };
// relative: T5's learned bias per head and distance bucket, added to every score; fixed: the
// original Transformer's sinusoids, added to the embeddings (no weights).
enum class PositionEmbedding { learned, rotary, alibi, relative, fixed };
enum class NormKind { layernorm, rmsnorm };
enum class ActivationKind { gelu, relu, swiglu, geglu };
// Gated activations (SwiGLU, GeGLU) read a gate and an up projection: fc1 is twice as wide.
inline bool is_gated(ActivationKind a) { return a == ActivationKind::swiglu || a == ActivationKind::geglu; }

int dtype_bytes(DType t);
const char* to_string(DType t);
const char* to_string(Arch a);
const char* to_string(PositionEmbedding p);
const char* to_string(NormKind n);
const char* to_string(ActivationKind a);

struct TransformerSpec {
  std::string name;  // "gptj-6b"
  Arch arch = Arch::decoder;
  int layers = 0;    // transformer blocks
  int hidden = 0;    // d_model
  int heads = 0;     // attention heads
  int kv_heads = 0;  // key/value heads (GQA); 0 = same as heads
  int head_dim = 0;  // width of one attention head; 0 = hidden / heads (Mistral NeMo and Qwen3
                     // set it: their attention is heads x head_dim wide, not hidden)
  int ffn = 0;       // FFN inner size
  int vocab = 0;
  int max_seq = 0;  // max position embeddings
  PositionEmbedding position = PositionEmbedding::learned;
  int rotary_dim = 0;  // rotary dims per head (0 = whole head when rotary)
  NormKind norm = NormKind::layernorm;
  ActivationKind activation = ActivationKind::gelu;
  bool tied_embeddings = false;
  bool bias = true;                // biases on the projections
  bool qkv_bias = false;           // biases on the Q, K, V projections only (Qwen2), when `bias` is false
  bool head_bias = true;           // false: the vocabulary projection has none even with `bias` (gpt-oss)
  bool parallel_block = false;     // GPT-J style: attention and FFN read the same input
  int type_vocab = 0;              // BERT token types (0 = none)
  int sliding_window = 0;          // keys each query attends to (Mistral); 0 = the whole sequence
  int sliding_window_period = 1;   // the window is on blocks i with i % period == 0 (Gemma 2: 2, every
                                   // other block from the first, the rest global); 1 = every block
  int global_attention_every = 0;  // Gemma 3: block i attends to the whole sequence when (i + 1)
                                   // is a multiple of it (6: five windowed blocks, then a global
                                   // one), the others through the window; 0 = by the period above
  int attention_sinks = 0;         // tokens every query attends to beyond its window (sinks)
  bool sink_logits = false;        // gpt-oss: a learned logit per head joins every softmax's sum
                                   // (one weight a head, no value row)
  bool sandwich_norm = false;      // Gemma 2: each sub-layer's output normalised too (4 norms a block)
  bool logit_softcap = false;      // Gemma 2: tanh soft-capping of the attention scores and the logits
  bool qk_norm = false;            // Qwen3: RMSNorm over each head's Q and K (head_dim weights each)
  // Encoder MLM head: positions scored per sequence (BERT gathers the masked positions,
  // `max_predictions_per_seq`); 0 = every position.
  int mlm_predictions = 0;
  // Mixture of experts (Mixtral, Qwen-MoE): each block's FFN is `experts` routed experts, of
  // which every token uses `experts_per_token` (top-k, chosen by a router), plus an optional
  // shared expert every token uses. 0 experts = a dense FFN of width `ffn`.
  int experts = 0;
  int experts_per_token = 0;
  int expert_ffn = 0;               // inner width of one routed expert; 0 = ffn
  int shared_expert_ffn = 0;        // inner width of the shared expert(s) together; 0 = none
  bool shared_expert_gate = false;  // Qwen2-MoE: a sigmoid of a hidden -> 1 projection scales it
  bool router_bias = false;         // gpt-oss: the router's projection has a bias (one per expert)
  // Which blocks are MoE when `experts` > 0: block i (0-based) is when i >= first_dense_layers
  // and (i + 1) % moe_layer_step == 0 (GLM/DeepSeek's first_k_dense_replace, Qwen-MoE's
  // decoder_sparse_step, Llama 4's interleave step); the others have a dense FFN of width `ffn`.
  int first_dense_layers = 0;
  int moe_layer_step = 1;
  // Multi-head latent attention (DeepSeek-V2/V3, Kimi K2) when kv_lora_rank > 0: K and V come
  // from a kv_lora_rank-wide latent of each token (a down-projection with a qk_rope_dim-wide
  // rotary key beside it, an RMSNorm, an up-projection to heads x (qk_nope_dim + v_head_dim)),
  // Q from a q_lora_rank-wide latent the same way (0: one projection). Each head scores over
  // qk_nope_dim + qk_rope_dim and returns v_head_dim values. Decode caches the latent and the
  // rotary key (kv_lora_rank + qk_rope_dim per token and block) and attends in the latent space
  // (the up-projections absorbed into the query and the output).
  int kv_lora_rank = 0;
  int q_lora_rank = 0;
  int qk_nope_dim = 0;
  int qk_rope_dim = 0;
  int v_head_dim = 0;
  // Encoder-decoder (T5, the original Transformer): `layers` encoder blocks over the source
  // sequence (`seq`), then `decoder_layers` decoder blocks (self-attention, cross-attention to
  // the encoder's output, FFN) over `decoder_seq` target tokens; the head scores the target.
  int decoder_layers = 0;
  int decoder_seq = 0;        // target tokens per sample; 0 = seq
  int tgt_vocab = 0;          // the decoder's vocabulary when it has its own; 0 = vocab (shared)
  int relative_buckets = 32;  // position: relative, buckets per head (one table per stack)
};

// Target tokens per sample of an encoder-decoder (`decoder_seq`, else the source length).
inline int decoder_seq_of(const TransformerSpec& a, int seq) {
  return a.decoder_seq > 0 ? a.decoder_seq : seq;
}

// Whether block `i` (0-based) of a mixture of experts has the experts (else a dense FFN).
inline bool is_moe_block(const TransformerSpec& a, int i) {
  return a.experts > 0 && i >= a.first_dense_layers && a.moe_layer_step > 0 &&
         (i + 1) % a.moe_layer_step == 0;
}

// Whether the attention is multi-head latent attention (DeepSeek).
inline bool is_mla(const TransformerSpec& a) { return a.kv_lora_rank > 0; }

// The inner width of one routed expert (`expert_ffn`, else `ffn`).
inline int expert_ffn_of(const TransformerSpec& a) { return a.expert_ffn > 0 ? a.expert_ffn : a.ffn; }

// The width of one attention head: `head_dim` when set, else hidden / heads.
inline int head_dim_of(const TransformerSpec& a) {
  return a.head_dim > 0 ? a.head_dim : (a.heads > 0 ? a.hidden / a.heads : 0);
}

// Values a decoder caches per token and attention block: K and V of every KV head, or with
// latent attention the latent and the rotary key.
inline double kv_cache_values(const TransformerSpec& a) {
  if (is_mla(a)) return static_cast<double>(a.kv_lora_rank) + a.qk_rope_dim;
  return 2.0 * (a.kv_heads > 0 ? a.kv_heads : a.heads) * head_dim_of(a);
}

// Whether block `block` (0-based) attends through the sliding window.
inline bool windowed_block(const TransformerSpec& a, int block) {
  if (a.sliding_window <= 0) return false;
  if (a.global_attention_every > 1) return (block + 1) % a.global_attention_every != 0;
  const int period = a.sliding_window_period > 0 ? a.sliding_window_period : 1;
  return block % period == 0;
}

// Keys a query of block `block` (0-based) attends to in a sequence of `context` tokens: the
// sliding window (and its sink tokens) on the blocks it covers, else the whole context.
inline double keys_at(const TransformerSpec& a, int block, double context) {
  if (!windowed_block(a, block)) return context;
  const double w = static_cast<double>(a.sliding_window) + a.attention_sinks;
  return w < context ? w : context;
}

// Weight streaming's micro-batch size per system, with the Cerebras software's settings
// (`micro_batch_size` in a Model Zoo file, `--micro-batch`): `automatic` lets the planner choose
// (the largest that fits), `none` runs each system's whole share at once, `explore` searches
// every size that fits for the shortest estimated step (within `explore_min..explore_max`),
// `fixed` uses `size`, evened out over the share as the Cerebras compiler does.
enum class MicroBatchMode { automatic, none, explore, fixed };
struct MicroBatchSetting {
  MicroBatchMode mode = MicroBatchMode::automatic;
  int size = 0;         // fixed
  int explore_min = 0;  // explore bounds; 0 = open
  int explore_max = 0;
  // Where the setting came from: "" (the default), "--micro-batch", or the file's key path. A
  // size from a file that does not fit wafersim's SRAM model is reduced with a note (the real
  // compiler fitted it: docs/validation.md); from the command line it is an error.
  std::string source;
  bool from_file() const { return !source.empty() && source != "--micro-batch"; }
};
std::string to_string(const MicroBatchSetting& m);  // "auto", "none", "explore", "explore 8..64", "20"
// Reads "auto", "explore", "none" (also "null", any case) or a positive whole number into `out`
// (mode and size only); false for anything else (the caller names the key or option).
bool parse_micro_batch(const std::string& text, MicroBatchSetting& out);
inline constexpr const char* kMicroBatchExpected = "auto, explore, none or a positive whole number";

struct TrainingSpec {
  int batch = 0;                    // global batch (sequences) per step
  int seq = 0;                      // sequence length
  std::string seq_source;           // where `seq` came from ("--seq", a key, a data path)
  DType compute = DType::fp16;      // activations/weights on the wafer
  DType master = DType::fp32;       // master weights and optimizer state
  std::string optimizer = "adamw";  // adamw | adam | sgd
  // Weight streaming: keep only each layer's input and recompute the forward pass in the
  // backward (true), or keep every activation the backward needs (false). With
  // `activation_checkpointing_auto` (the default, `auto` in a model file) the planner tries
  // both and keeps the faster, as the Cerebras compiler searches its micro-batch size; the
  // flag then says what it chose.
  bool activation_checkpointing = true;
  bool activation_checkpointing_auto = true;
  MicroBatchSetting micro_batch;  // weight streaming only
};

// How the model was described: a transformer the graph builder expands (any `seq`), or a
// fixed graph read from a file (ONNX) whose shapes are already set.
enum class ModelKind { transformer, graph };

struct ModelSpec {
  ModelKind kind = ModelKind::transformer;
  TransformerSpec arch;  // kind == transformer (arch.name is the model name for both)
  TrainingSpec training;
  std::string source;             // file it came from
  std::string format = "native";  // native | modelzoo-r1 | modelzoo-r2 | huggingface | onnx
  // kind == graph: the graph itself, per sample (one image / sequence).
  std::shared_ptr<const LayerGraph> graph;
  // Bytes an input worker sends per sample; 0 = derived from the tokens (int32 ids, labels,
  // mask per token).
  double input_bytes_per_sample = 0;
  // What the front-end inferred rather than read (family from the file name, a default
  // vocabulary, ...): printed with the report so a user sees every assumption.
  std::vector<std::string> notes;
};

}  // namespace wafersim
