// Builds the LayerGraph of a transformer: one vertex per op, edges carrying the activation
// tensors between them. All figures are per sample (one sequence of `seq` tokens).
// Conventions: backward of a weight matmul is dX + dW (2x forward FMACs), of an attention GEMM
// the gradients w.r.t. both operands (also 2x); elementwise backward ~2x forward.
#include <algorithm>
#include <string>

#include "transformer_rules.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/graph/layer_graph.hpp"

namespace wafersim {
namespace {

// An attention's per-head widths: of the scores and the values (0: head_dim), and the ones its
// decode kernels have when they work on a latent cache (MLA; 0: the same).
struct Dims {
  double qk = 0, v = 0, decode_qk = 0, decode_v = 0;
};

class TransformerBuilder {
 public:
  TransformerBuilder(const TransformerSpec& a, int seq)
      : a_(a),
        s_(seq),
        h_(a.hidden),
        heads_(a.heads),
        kv_(a.kv_heads > 0 ? a.kv_heads : a.heads),
        hd_(static_cast<double>(head_dim_of(a))),
        ffn_(a.ffn),
        vocab_(a.vocab),
        rot_dim_(a.position == PositionEmbedding::rotary ? (a.rotary_dim > 0 ? a.rotary_dim : hd_) : 0.0),
        keys_(seq) {}

  LayerGraph build() {
    if (a_.arch == Arch::encoder_decoder) return build_encoder_decoder();
    OpId x = embedding();
    for (int i = 0; i < a_.layers; ++i) {
      const std::string p = "block" + std::to_string(i);
      const int layer = i + 1;
      if (a_.arch == Arch::encoder) {
        x = post_norm_block(p, layer, x);
      } else if (a_.parallel_block) {
        x = parallel_block(p, layer, x);
      } else {
        x = pre_norm_block(p, layer, x);
      }
    }
    head(a_.layers + 1, x);
    return std::move(g_);
  }

 private:
  double act() const { return s_ * h_; }  // one hidden-state activation

  // T5 / the Transformer: the embedding feeds the encoder (source tokens) and the decoder
  // (target tokens); the encoder's blocks, then its final norm (a group of its own, whose
  // output every decoder block's cross-attention reads), then the decoder's blocks and the head
  // over the target.
  LayerGraph build_encoder_decoder() {
    const double src = s_;
    const double tgt = decoder_seq_of(a_, static_cast<int>(src));
    const OpId emb = embedding(tgt);  // both parts: the encoder's and the decoder's input
    OpId x = emb;
    for (int i = 0; i < a_.layers; ++i) x = pre_norm_block("block" + std::to_string(i), i + 1, x);
    const OpId enc = norm("encoder.norm", a_.layers + 1, x);
    s_ = tgt;
    keys_ = tgt;
    OpId y = emb;
    for (int j = 0; j < a_.decoder_layers; ++j)
      y = decoder_block("decoder" + std::to_string(j), a_.layers + 2 + j, y, enc, src);
    if (a_.tgt_vocab > 0) vocab_ = a_.tgt_vocab;
    head(a_.layers + a_.decoder_layers + 2, y);
    return std::move(g_);
  }

  // Pre-norm decoder block of an encoder-decoder: self-attention over the target, then
  // attention from the target to the encoder's output (`enc`, `src` tokens), then the FFN.
  OpId decoder_block(const std::string& p, int layer, OpId x, OpId enc, double src) {
    OpId a = attention(p, layer, norm(p + ".attn.norm", layer, x));
    OpId r1 = residual(p + ".attn.residual", layer, {x, a});
    OpId c = cross_attention(p, layer, norm(p + ".cross.norm", layer, r1), enc, src);
    OpId r2 = residual(p + ".cross.residual", layer, {r1, c});
    OpId f = ffn(p, layer, norm(p + ".ffn.norm", layer, r2));
    return residual(p + ".ffn.residual", layer, {r2, f});
  }

  // Queries from the target (`in`, s_ tokens), keys and values projected from the encoder's
  // output (`src` tokens) in every decoder block; no position bias.
  OpId cross_attention(const std::string& p, int layer, OpId in, OpId enc, double src) {
    const double tgt = s_;
    const double inner = heads_ * hd_;
    const double kv_n = 2 * kv_ * hd_;
    OpId q = add(matmul(p + ".cross.q", layer, h_, inner, true, a_.bias || a_.qkv_bias));
    link(in, q, act());
    s_ = src;  // the K/V projection runs over the source tokens
    OpId kv = add(matmul(p + ".cross.kv", layer, h_, kv_n, true, a_.bias || a_.qkv_bias));
    s_ = tgt;
    link(enc, kv, src * h_);
    keys_ = src;
    const double ke = src * kv_ * hd_;  // K, and V
    const OpId cx_id = attention_core(p + ".cross", layer, {q, tgt * heads_ * hd_, kv, ke}, {kv, ke},
                                      rules::softmax_ops_per_elem);
    keys_ = tgt;

    OpId out = add(matmul(p + ".cross.out", layer, inner, h_, true, a_.bias));
    link(cx_id, out, tgt * inner);
    return out;
  }

  OpId add(Op op) { return g_.add_op(std::move(op)); }
  void mark_attention(Op& o, double head_dim) const {
    o.attn_seq = s_;
    o.attn_keys = keys_;
    o.attn_heads = heads_;
    o.attn_head_dim = head_dim;
  }
  void link(OpId from, OpId to, double elems, const char* what = "out") {
    g_.add_edge(from, to, Tensor{g_.op(from).name + ":" + what, elems});
  }

  static Op make_op(std::string name, OpKind kind, int layer) {
    Op o;
    o.name = std::move(name);
    o.kind = kind;
    o.layer = layer;
    return o;
  }

  Op matmul(std::string name, int layer, double k, double n, bool own_weights, bool bias) {
    Op o = make_op(std::move(name), OpKind::matmul, layer);
    o.gemm = GemmShape{1, s_, k, n};
    o.fwd_fmacs = o.gemm.fmacs();
    o.bwd_fmacs = 2 * o.fwd_fmacs;       // dX and dW
    o.fwd_elem_ops = bias ? s_ * n : 0;  // bias add
    o.bwd_elem_ops = bias ? s_ * n : 0;  // bias gradient: sum over tokens
    const double w = own_weights ? k * n : 0;
    o.params = static_cast<std::uint64_t>(w + (bias ? n : 0));
    o.in_elems = s_ * k;
    o.out_elems = s_ * n;
    o.saved_elems = s_ * k;  // input, for dW
    return o;
  }

  Op elementwise(std::string name, OpKind kind, int layer, double in, double out, double ops, double saved) {
    Op o = make_op(std::move(name), kind, layer);
    o.fwd_elem_ops = ops;
    o.bwd_elem_ops = rules::elem_bwd_factor * ops;
    o.in_elems = in;
    o.out_elems = out;
    o.saved_elems = saved;
    return o;
  }

  OpId norm(const std::string& name, int layer, OpId in) {
    Op o = elementwise(name, OpKind::norm, layer, act(), act(), rules::norm_ops_per_elem(a_.norm) * act(),
                       act());
    o.params = static_cast<std::uint64_t>(rules::norm_params_per_feature(a_.norm) * a_.hidden);
    OpId id = add(std::move(o));
    link(in, id, act());
    return id;
  }

  OpId residual(const std::string& name, int layer, std::initializer_list<OpId> ins) {
    const double n = static_cast<double>(ins.size());
    OpId id = add(elementwise(name, OpKind::residual, layer, n * act(), act(), (n - 1) * act(), 0));
    for (OpId in : ins) link(in, id, act());
    return id;
  }

  // `target` > 0 (encoder-decoder): the target's tokens are looked up too, in the decoder's
  // own table when it has one (tgt_vocab).
  OpId embedding(double target = 0) {
    const bool types = a_.type_vocab > 0;
    const bool learned = a_.position == PositionEmbedding::learned;
    const bool fixed = a_.position == PositionEmbedding::fixed;  // sinusoids added, no table
    const double tables = 1.0 + (learned ? 1 : 0) + (types ? 1 : 0);
    const double tokens = s_ + target;
    const double ids = tokens * (types ? 2 : 1);  // token ids (+ token type ids)
    const double out = tokens * h_;
    Op o = elementwise("embedding.lookup", OpKind::embedding, 0, ids, out,
                       (tables - 1 + (fixed ? 1 : 0)) * out, ids);
    o.bwd_elem_ops = tables * out;  // scatter-add into every table
    double p = vocab_ * h_ + a_.type_vocab * h_ + (learned ? a_.max_seq * h_ : 0.0);
    if (target > 0) {
      p += a_.tgt_vocab * h_;
      // T5: one relative-position bias table (buckets x heads) in each stack.
      if (a_.position == PositionEmbedding::relative) p += 2.0 * a_.relative_buckets * heads_;
    }
    o.params = static_cast<std::uint64_t>(p);
    OpId id = add(std::move(o));
    if (a_.arch == Arch::encoder) id = norm("embedding.norm", 0, id);  // BERT: LN after sum
    return id;
  }

  // Self-attention from `in` (the normalised hidden state) to the output projection.
  OpId attention(const std::string& p, int layer, OpId in) {
    keys_ = keys_at(a_, layer - 1, s_);  // a sliding window (on the blocks it covers) scores only its keys
    if (is_mla(a_)) return latent_attention(p, layer, in);
    const double inner = heads_ * hd_;  // hidden unless the model sets head_dim
    const double qkv_n = inner + 2 * kv_ * hd_;
    const double qk = s_ * (heads_ + kv_) * hd_;
    const double v = s_ * kv_ * hd_;

    OpId qkv = add(matmul(p + ".attn.qkv", layer, h_, qkv_n, true, a_.bias || a_.qkv_bias));
    link(in, qkv, act());
    OpId qk_src = qkv;
    if (a_.qk_norm) {
      // Qwen3: each head's Q and K normalised over its head_dim (one head_dim-wide weight each
      // for all the query heads and all the key heads), before the rotation.
      Op o = elementwise(p + ".attn.qk_norm", OpKind::norm, layer, qk, qk,
                         rules::norm_ops_per_elem(NormKind::rmsnorm) * qk, qk);
      o.params = static_cast<std::uint64_t>(2 * hd_);
      qk_src = add(std::move(o));
      link(qkv, qk_src, qk, "qk");
    }
    if (rot_dim_ > 0) {
      const OpId rot_in = qk_src;
      const double rotated = s_ * (heads_ + kv_) * rot_dim_;
      // The rotation is linear with fixed angles, so backward needs no saved activation.
      qk_src = add(elementwise(p + ".attn.rotary", OpKind::rotary, layer, qk, qk,
                               rules::rotary_ops_per_elem * rotated, 0));
      link(rot_in, qk_src, qk, "qk");
    }

    const bool score_bias =
        a_.position == PositionEmbedding::alibi || a_.position == PositionEmbedding::relative;
    const double sm_ops = rules::softmax_ops_per_elem + (score_bias ? rules::alibi_ops_per_score : 0) +
                          (a_.logit_softcap ? rules::softcap_ops_per_elem : 0);
    const OpId cx_id = attention_core(p + ".attn", layer, {qk_src, s_ * heads_ * hd_, qk_src, s_ * kv_ * hd_},
                                      {qkv, v}, sm_ops, a_.sink_logits);

    OpId out = add(matmul(p + ".attn.out", layer, inner, h_, true, a_.bias));
    link(cx_id, out, s_ * inner);
    return out;
  }

  // An RMSNorm over `width` features of every token (MLA's latents).
  OpId latent_norm(const std::string& name, int layer, OpId in, double width) {
    const double e = s_ * width;
    Op o = elementwise(name, OpKind::norm, layer, e, e, rules::norm_ops_per_elem(NormKind::rmsnorm) * e, e);
    o.params = static_cast<std::uint64_t>(width);
    OpId id = add(std::move(o));
    link(in, id, e);
    return id;
  }

  // Multi-head latent attention (DeepSeek): Q through its latent (or one projection), K and V
  // up-projected from the normalised KV latent, a shared rotary key beside it; training and
  // prefill score in the heads' own width (qk_nope + qk_rope, v_head), decode in the latent's
  // (the cache), as DeepSeek's inference does.
  OpId latent_attention(const std::string& p, int layer, OpId in) {
    const double nope = a_.qk_nope_dim, rope = a_.qk_rope_dim, vd = a_.v_head_dim, lora = a_.kv_lora_rank;
    const double qk_dim = nope + rope;
    OpId q;
    if (a_.q_lora_rank > 0) {
      OpId qa = add(matmul(p + ".attn.q_a", layer, h_, a_.q_lora_rank, true, false));
      link(in, qa, act());
      OpId qn = latent_norm(p + ".attn.q_norm", layer, qa, a_.q_lora_rank);
      q = add(matmul(p + ".attn.q_b", layer, a_.q_lora_rank, heads_ * qk_dim, true, false));
      link(qn, q, s_ * a_.q_lora_rank);
    } else {
      q = add(matmul(p + ".attn.q", layer, h_, heads_ * qk_dim, true, false));
      link(in, q, act());
    }
    OpId kva = add(matmul(p + ".attn.kv_a", layer, h_, lora + rope, true, false));
    link(in, kva, act());
    OpId kvn = latent_norm(p + ".attn.kv_norm", layer, kva, lora);
    OpId kvb = add(matmul(p + ".attn.kv_b", layer, lora, heads_ * (nope + vd), true, false));
    link(kvn, kvb, s_ * lora);
    // The rotation of each head's rope part of Q and of the one shared rope key.
    const double rotated = s_ * (heads_ + 1) * rope;
    OpId rot = add(elementwise(p + ".attn.rotary", OpKind::rotary, layer, s_ * heads_ * qk_dim + s_ * rope,
                               s_ * heads_ * qk_dim + s_ * rope, rules::rotary_ops_per_elem * rotated, 0));
    link(q, rot, s_ * heads_ * qk_dim, "q");
    link(kva, rot, s_ * rope, "k_rope");
    const OpId cx_id = attention_core(
        p + ".attn", layer, {rot, s_ * heads_ * qk_dim + s_ * rope, kvb, s_ * heads_ * nope},
        {kvb, s_ * heads_ * vd}, rules::softmax_ops_per_elem, false, {qk_dim, vd, lora + rope, lora});
    OpId out = add(matmul(p + ".attn.out", layer, heads_ * vd, h_, true, false));
    link(cx_id, out, s_ * heads_ * vd);
    return out;
  }

  // Where an attention's Q and K come from (`qe` and `ke` elements; one edge when one op makes
  // both), and its V.
  struct QK {
    OpId q_from;
    double qe;
    OpId k_from;
    double ke;
  };
  struct V {
    OpId from;
    double ve;
  };

  // Scores (Q . K^T over head_dim for s_ queries x keys_ keys per head), the softmax (`sm_ops` per
  // score; it keeps P) and the context (P . V): the ops of `pre`.scores/.softmax/.context.
  // `sinks` (gpt-oss): each head's learned logit joins every row's sum, an exp and an add a row.
  // `dims`: the heads' widths for the scores and the values (0: head_dim), and at decode (MLA).
  OpId attention_core(const std::string& pre, int layer, QK qk, V v, double sm_ops, bool sinks = false,
                      Dims dims = {}) {
    const double qk_dim = dims.qk > 0 ? dims.qk : hd_, v_dim = dims.v > 0 ? dims.v : hd_;
    const double scores = heads_ * s_ * keys_;
    Op sc = make_op(pre + ".scores", OpKind::attn_scores, layer);
    sc.gemm = GemmShape{heads_, s_, qk_dim, keys_};
    sc.decode_head_dim = dims.decode_qk;
    sc.fwd_fmacs = sc.gemm.fmacs();
    sc.bwd_fmacs = 2 * sc.fwd_fmacs;  // dQ and dK
    sc.in_elems = qk.qe + qk.ke;
    sc.out_elems = scores;
    sc.saved_elems = qk.qe + qk.ke;  // Q and K
    mark_attention(sc, qk_dim);
    OpId sc_id = add(std::move(sc));
    if (qk.q_from == qk.k_from) {
      link(qk.q_from, sc_id, qk.qe + qk.ke, "qk");
    } else {
      link(qk.q_from, sc_id, qk.qe, "q");
      link(qk.k_from, sc_id, qk.ke, "k");
    }

    Op smo = elementwise(pre + ".softmax", OpKind::softmax, layer, scores, scores,
                         sm_ops * scores + (sinks ? 2 * heads_ * s_ : 0), scores);
    if (sinks) smo.params = static_cast<std::uint64_t>(heads_);
    mark_attention(smo, qk_dim);
    OpId sm = add(std::move(smo));
    link(sc_id, sm, scores);

    Op cx = make_op(pre + ".context", OpKind::attn_context, layer);
    cx.gemm = GemmShape{heads_, s_, keys_, v_dim};
    cx.decode_head_dim = dims.decode_v;
    cx.fwd_fmacs = cx.gemm.fmacs();
    cx.bwd_fmacs = 2 * cx.fwd_fmacs;  // dP and dV
    cx.in_elems = scores + v.ve;
    cx.out_elems = s_ * heads_ * v_dim;
    cx.saved_elems = v.ve;  // P is already kept by the softmax
    mark_attention(cx, v_dim);
    OpId cx_id = add(std::move(cx));
    link(sm, cx_id, scores);
    link(v.from, cx_id, v.ve, "v");
    return cx_id;
  }

  OpId ffn(const std::string& p, int layer, OpId in) {
    return is_moe_block(a_, layer - 1) ? moe_ffn(p, layer, in) : dense_ffn(p + ".ffn", layer, in, ffn_);
  }

  // fc1 (gate and up fused when gated), the activation, fc2: `width` wide.
  OpId dense_ffn(const std::string& p, int layer, OpId in, double width) {
    const bool gated = is_gated(a_.activation);
    const double fc1_n = gated ? 2 * width : width;  // SwiGLU: gate and up fused
    OpId fc1 = add(matmul(p + ".fc1", layer, h_, fc1_n, true, a_.bias));
    link(in, fc1, act());
    OpId act_id = add(elementwise(p + ".act", OpKind::activation, layer, s_ * fc1_n, s_ * width,
                                  rules::activation_ops_per_elem(a_.activation) * s_ * width, s_ * fc1_n));
    link(fc1, act_id, s_ * fc1_n);
    OpId fc2 = add(matmul(p + ".fc2", layer, width, h_, true, a_.bias));
    link(act_id, fc2, s_ * width);
    return fc2;
  }

  // One GEMM of the routed experts: `experts` weight matrices of k x n, each token multiplied
  // by experts_per_token of them (m = routed tokens; Op::experts).
  Op expert_matmul(std::string name, int layer, double k, double n) const {
    const double routed = s_ * a_.experts_per_token;
    Op o = make_op(std::move(name), OpKind::matmul, layer);
    o.gemm = GemmShape{1, routed, k, n};
    o.fwd_fmacs = o.gemm.fmacs();
    o.bwd_fmacs = 2 * o.fwd_fmacs;  // dX and dW
    o.fwd_elem_ops = a_.bias ? routed * n : 0;
    o.bwd_elem_ops = a_.bias ? routed * n : 0;
    o.params = static_cast<std::uint64_t>(a_.experts * (k * n + (a_.bias ? n : 0)));
    o.in_elems = routed * k;
    o.out_elems = routed * n;
    o.saved_elems = routed * k;
    o.experts = a_.experts;
    o.experts_per_token = a_.experts_per_token;
    return o;
  }

  // Mixture of experts (Mixtral): a router scores the experts per token and keeps the top k;
  // each token goes through its k experts' FFNs, whose outputs are weighted by the router's
  // probabilities and summed, with the shared expert's (a dense FFN beside them) when there is one.
  OpId moe_ffn(const std::string& p, int layer, OpId in) {
    const double e = a_.experts;
    const double k = a_.experts_per_token;
    const double routed = s_ * k;
    const double width = expert_ffn_of(a_);
    const double fc1_n = is_gated(a_.activation) ? 2 * width : width;

    // Qwen2-MoE gates its shared expert with sigmoid(x . w_gate): one more column of the
    // router's GEMM (same input, no bias), as QKV are fused.
    const bool gate = a_.shared_expert_ffn > 0 && a_.shared_expert_gate;
    OpId router = add(matmul(p + ".moe.router", layer, h_, e + (gate ? 1 : 0), true, a_.router_bias));
    link(in, router, act());
    // Softmax over the experts, then k passes of max-and-mask.
    OpId pick = add(elementwise(p + ".moe.topk", OpKind::elementwise, layer, s_ * e, routed,
                                (rules::softmax_ops_per_elem + k) * s_ * e, s_ * e));
    link(router, pick, s_ * e, "scores");

    OpId fc1 = add(expert_matmul(p + ".moe.fc1", layer, h_, fc1_n));
    link(in, fc1, act(), "tokens");
    link(pick, fc1, routed, "routes");
    OpId act_id =
        add(elementwise(p + ".moe.act", OpKind::activation, layer, routed * fc1_n, routed * width,
                        rules::activation_ops_per_elem(a_.activation) * routed * width, routed * fc1_n));
    link(fc1, act_id, routed * fc1_n);
    OpId fc2 = add(expert_matmul(p + ".moe.fc2", layer, width, h_));
    link(act_id, fc2, routed * width);

    // Weighted sum of each token's k expert outputs (and the shared expert's); the backward
    // needs the outputs for the routing weights' gradient.
    const bool shared = a_.shared_expert_ffn > 0;
    OpId sh = shared ? dense_ffn(p + ".moe.shared", layer, in, a_.shared_expert_ffn) : OpId{};
    OpId mix = add(elementwise(p + ".moe.combine", OpKind::elementwise, layer,
                               routed * h_ + (shared ? act() : 0) + (gate ? s_ : 0), act(),
                               (2 * k - 1 + (shared ? 1 : 0) + (gate ? 1 : 0)) * act() +
                                   (gate ? rules::sigmoid_ops_per_elem * s_ : 0),
                               routed * h_ + (gate ? act() + s_ : 0)));
    link(fc2, mix, routed * h_);
    link(pick, mix, routed, "weights");
    if (shared) link(sh, mix, act());
    if (gate) link(router, mix, s_, "gate");
    return mix;
  }

  // GPT-2 / LLaMA: x + attn(norm(x)), then + ffn(norm(.)).
  // Gemma 2 (sandwich): each sub-layer's output is normalised before the residual add too.
  OpId pre_norm_block(const std::string& p, int layer, OpId x) {
    OpId a = attention(p, layer, norm(p + ".attn.norm", layer, x));
    if (a_.sandwich_norm) a = norm(p + ".attn.post_norm", layer, a);
    OpId r1 = residual(p + ".attn.residual", layer, {x, a});
    OpId f = ffn(p, layer, norm(p + ".ffn.norm", layer, r1));
    if (a_.sandwich_norm) f = norm(p + ".ffn.post_norm", layer, f);
    return residual(p + ".ffn.residual", layer, {r1, f});
  }

  // GPT-J: attention and FFN both read the one norm's output; one add of all three.
  OpId parallel_block(const std::string& p, int layer, OpId x) {
    OpId n = norm(p + ".norm", layer, x);
    OpId a = attention(p, layer, n);
    OpId f = ffn(p, layer, n);
    return residual(p + ".residual", layer, {x, a, f});
  }

  // BERT (post-norm): norm(x + attn(x)), then norm(. + ffn(.)).
  OpId post_norm_block(const std::string& p, int layer, OpId x) {
    OpId a = attention(p, layer, x);
    OpId n1 = norm(p + ".attn.norm", layer, residual(p + ".attn.residual", layer, {x, a}));
    OpId f = ffn(p, layer, n1);
    return norm(p + ".ffn.norm", layer, residual(p + ".ffn.residual", layer, {n1, f}));
  }

  void head(int layer, OpId x) {
    // BERT's MLM head scores only the masked positions it gathers (mlm_predictions per
    // sequence); every op of the head then runs on those rows only.
    const double all = s_;
    if (a_.arch == Arch::encoder && a_.mlm_predictions > 0) s_ = std::min<double>(s_, a_.mlm_predictions);
    if (a_.arch == Arch::encoder) {
      // BERT MLM head: dense + activation + norm, then the (tied) vocabulary projection.
      OpId dense = add(matmul("head.transform", layer, h_, h_, true, a_.bias));
      link(x, dense, act());
      const ActivationKind k = is_gated(a_.activation) ? ActivationKind::gelu : a_.activation;
      OpId t = add(elementwise("head.transform_act", OpKind::activation, layer, act(), act(),
                               rules::activation_ops_per_elem(k) * act(), act()));
      link(dense, t, act());
      x = norm("head.norm", layer, t);
    } else {
      x = norm("head.norm", layer, x);
    }
    // Tied: the weights belong to the embedding, but the GEMM is still done here.
    OpId lm = add(matmul("head.lm_head", layer, h_, vocab_, !a_.tied_embeddings, rules::lm_head_bias(a_)));
    link(x, lm, act());
    const double logits = s_ * vocab_;
    // Output is the per-sample loss; the softmax probabilities are kept for the gradient.
    OpId loss = add(elementwise(
        "head.loss", OpKind::loss, layer, logits, 1,
        (rules::loss_ops_per_elem + (a_.logit_softcap ? rules::softcap_ops_per_elem : 0)) * logits, logits));
    link(lm, loss, logits, "logits");
    s_ = all;
  }

  const TransformerSpec& a_;
  double s_, h_, heads_, kv_, hd_, ffn_, vocab_, rot_dim_, keys_;
  LayerGraph g_;
};

void check_buildable(const TransformerSpec& a, int seq) {
  auto fail = [&](const std::string& what) {
    throw SimError("build_transformer_graph(" + a.name + "): " + what);
  };
  if (a.layers <= 0 || a.hidden <= 0 || a.heads <= 0 || a.ffn <= 0 || a.vocab <= 0 || seq <= 0) {
    fail("layers, hidden, heads, ffn, vocab and seq must all be positive");
  }
  if (a.head_dim < 0) fail("head_dim must not be negative");
  if (a.head_dim == 0 && a.hidden % a.heads != 0) fail("heads must divide hidden (or head_dim be set)");
  const int kv = a.kv_heads > 0 ? a.kv_heads : a.heads;
  if (a.heads % kv != 0) fail("kv_heads must divide heads");
  if (a.rotary_dim > head_dim_of(a)) fail("rotary_dim exceeds the head dimension");
  if (a.arch == Arch::encoder && a.parallel_block) fail("parallel_block is for decoders only");
  if (a.sliding_window < 0) fail("sliding_window must not be negative");
  if (a.sliding_window_period < 1) fail("sliding_window_period must be at least 1");
  if (a.global_attention_every < 0 || a.global_attention_every == 1)
    fail("global_attention_every must be 0 or at least 2");
  if (a.attention_sinks < 0) fail("attention_sinks must not be negative");
  if (a.sandwich_norm && (a.arch == Arch::encoder || a.parallel_block))
    fail("sandwich_norm is for pre-norm decoder blocks only");
  if (a.mlm_predictions < 0) fail("mlm_predictions must not be negative");
  if (a.experts < 0 || a.experts_per_token < 0 || a.expert_ffn < 0 || a.shared_expert_ffn < 0)
    fail("experts, experts_per_token, expert_ffn and shared_expert_ffn must not be negative");
  if (a.experts > 0 && (a.experts_per_token < 1 || a.experts_per_token > a.experts))
    fail("experts_per_token must be 1..experts");
  if (a.experts == 0 && (a.experts_per_token > 0 || a.expert_ffn > 0 || a.shared_expert_ffn > 0))
    fail("experts_per_token, expert_ffn and shared_expert_ffn need experts");
  if (a.first_dense_layers < 0 || a.moe_layer_step < 1)
    fail("first_dense_layers >= 0 and moe_layer_step >= 1");
  if (a.arch == Arch::encoder_decoder) {
    if (a.decoder_layers <= 0) fail("an encoder-decoder needs decoder_layers");
    if (a.decoder_seq < 0 || a.tgt_vocab < 0) fail("decoder_seq and tgt_vocab must not be negative");
    if (a.position == PositionEmbedding::relative && a.relative_buckets <= 0)
      fail("relative position buckets must be positive");
    if (a.position == PositionEmbedding::learned || a.parallel_block || a.sandwich_norm || a.experts > 0 ||
        a.sliding_window > 0 || a.type_vocab > 0 || a.mlm_predictions > 0)
      fail(
          "encoder-decoder blocks are pre-norm with relative, fixed, rotary or ALiBi positions, dense FFNs "
          "and whole-sequence attention");
  } else if (a.decoder_layers != 0 || a.decoder_seq != 0 || a.tgt_vocab != 0) {
    fail("decoder_layers, decoder_seq and tgt_vocab are for encoder-decoder models");
  }
}

}  // namespace

LayerGraph build_transformer_graph(const TransformerSpec& arch, int seq) {
  check_buildable(arch, seq);
  return TransformerBuilder(arch, seq).build();
}

}  // namespace wafersim

namespace wafersim {

LayerGraph build_model_graph(const ModelSpec& model) {
  if (model.kind == ModelKind::graph) {
    if (!model.graph) throw SimError("graph model '" + model.arch.name + "' has no graph");
    return *model.graph;
  }
  return build_transformer_graph(model.arch, model.training.seq);
}

}  // namespace wafersim
