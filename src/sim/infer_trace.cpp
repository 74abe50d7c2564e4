// The inference timeline (infer_trace.hpp).
#include "infer_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wafersim::infer_trace {

void record(const Input& in, Timeline& tl) {
  // The timeline of the first micro-batch: its prefill (each layer from the first token's
  // arrival until the prompt's last token leaves, at the slowest layer's rate) and its first
  // decode rounds, layer after layer, with the crossings between systems as arrows. The walk
  // adds up the same terms as the round's trip; a round that waits for other micro-batches
  // starts the next at the round time.
  std::vector<int> pid, t_pre, t_dec, t_draft;
  for (int s = 0; s < in.systems; ++s) {
    pid.push_back(tl.process(fmt::format("system {}", s), s));
    t_pre.push_back(tl.thread(pid.back(), "prefill", 0));
    t_dec.push_back(tl.thread(pid.back(), "decode", 1));
    t_draft.push_back(in.speculative ? tl.thread(pid.back(), "draft", 2) : 0);
  }
  const auto ns = [](double s) { return static_cast<long long>(std::llround(s * 1e9)); };
  double t = 0;
  int at = 0;
  const double rest = in.prefill_rest_s;
  int prefill_entered = -1;
  for (const auto& x : in.steps) {
    if (x.draft) continue;
    if (x.system != at) {
      tl.flow("activations", pid[at], t_pre[at], t, pid[x.system], t_pre[x.system], t + in.link_latency_s);
      t += in.link_latency_s;
      at = x.system;
    }
    if (at != prefill_entered && in.sync_s > 0) {
      tl.slice(pid[at], t_pre[at], "wafer I/O", "io", t, t + in.sync_s);
      t += in.sync_s;
    }
    prefill_entered = at;
    const double first_s = x.prefill_token_s + x.prefill_fill_s;
    tl.slice(pid[at], t_pre[at], x.name, "prefill", t, t + first_s + rest, {{"tokens", in.prompt}});
    t += first_s;
  }
  const auto walk = [&](bool draft_layers, double tokens, const std::vector<int>& track, double& now,
                        int& sys, const char* category) {
    const double act = draft_layers ? in.draft_act_bytes : in.act_bytes;
    int entered = -1;  // the system whose step has begun (with its synchronous I/O, if any)
    for (const auto& x : in.steps) {
      if (x.draft != draft_layers) continue;
      if (x.system != sys) {
        const double hop_s = in.link_latency_s + act * in.requests * tokens / in.link_bytes_per_s;
        tl.flow("activations", pid[sys], track[sys], now, pid[x.system], track[x.system], now + hop_s);
        now += hop_s;
        sys = x.system;
      }
      if (sys != entered && in.sync_s > 0) {
        tl.slice(pid[sys], track[sys], "wafer I/O", "io", now, now + in.sync_s, {{"ns", ns(in.sync_s)}});
        now += in.sync_s;
      }
      entered = sys;
      tl.slice(pid[sys], track[sys], x.name, category, now, now + x.decode_s,
               {{"tokens per request", static_cast<long long>(tokens)}, {"ns", ns(x.decode_s)}});
      now += x.decode_s + x.xfer_s;
    }
  };
  const auto token_to = [&](int from, const std::vector<int>& from_track, int to,
                            const std::vector<int>& to_track, double& now) {
    if (from == to) return;
    tl.flow("token", pid[from], from_track[from], now, pid[to], to_track[to], now + in.link_latency_s);
    now += in.link_latency_s;
  };
  const int rounds = in.rounds;
  for (int r = 0; r < rounds; ++r) {
    const double start = in.ttft_s + r * in.round_s;
    double now = start;
    int sys = 0;
    if (in.speculative) {
      sys = in.draft_first_system;
      for (int k = 0; k < in.speculate; ++k) {
        walk(true, 1, t_draft, now, sys, "draft");
        token_to(sys, t_draft, in.draft_first_system, t_draft, now);
        sys = in.draft_first_system;
      }
      token_to(in.draft_last_system, t_draft, 0, t_dec, now);
      sys = 0;
      walk(false, in.verify_tokens, t_dec, now, sys, "check");
      token_to(sys, t_dec, in.draft_first_system, t_draft, now);
    } else {
      walk(false, 1, t_dec, now, sys, "decode");
      token_to(sys, t_dec, 0, t_dec, now);
    }
  }
}

}  // namespace wafersim::infer_trace
