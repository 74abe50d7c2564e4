#include "wafersim/sim/pipeline_des.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <queue>

#include "wafersim/core/error.hpp"
#include "wafersim/core/interval.hpp"

namespace wafersim {

namespace {

enum class Ev : int { input_done, fwd_ready, bwd_ready, task_done, update_done };

struct Event {
  double t;
  long long seq;  // tie-break: insertion order (deterministic)
  Ev kind;
  int stage;
  long long sample;
  bool backward;
  bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

double clip(const std::vector<Interval>& iv, double a, double b) {
  double s = 0;
  for (const auto& i : iv) s += overlap(i.t0, i.t1, a, b);
  return s;
}

struct StageState {
  bool busy = false;
  bool updating = false;
  int batch = 0;           // batch whose forwards it admits
  long long admitted = 0;  // forwards started
  long long retired = 0;   // backwards finished
  long long bwd_in_batch = 0;
  std::deque<long long> fwd, bwd;
  std::vector<Interval> f_iv, b_iv, u_iv;
};

class Pipeline {
 public:
  explicit Pipeline(const PipeConfig& c) : c_(c), st_(c.stages.size()) {
    link_free_fwd_.assign(c.links.size(), 0.0);
    link_free_bwd_.assign(c.links.size(), 0.0);
    link_iv_fwd_.resize(c.links.size());
    link_iv_bwd_.resize(c.links.size());
    total_ = static_cast<long long>(c.batch) * c.batches;
    updated_stages_.assign(static_cast<std::size_t>(c.batches), 0);
  }

  PipeResult run() {
    for (long long i = 0; i < std::min<long long>(c_.input_prefetch, total_); ++i) request_input(i, 0.0);
    while (!q_.empty()) {
      const Event e = q_.top();
      q_.pop();
      ++events_;
      handle(e);
    }
    if (static_cast<int>(batch_end_.size()) != c_.batches)
      throw SimError(fmt::format("pipeline stuck after {} of {} batches", batch_end_.size(), c_.batches));
    PipeResult r;
    r.batch_end_s = batch_end_;
    r.window_start_s = batch_end_.front();
    r.window_end_s = batch_end_.back();
    const double a = r.window_start_s, b = r.window_end_s;
    for (const auto& s : st_)
      r.stages.push_back({clip(s.f_iv, a, b), clip(s.b_iv, a, b), clip(s.u_iv, a, b)});
    r.stage0_wait_input_s = clip(wait_input_, a, b);
    r.input_busy_s = clip(input_iv_, a, b);
    for (std::size_t l = 0; l < c_.links.size(); ++l)
      r.link_busy_s.push_back(std::max(clip(link_iv_fwd_[l], a, b), clip(link_iv_bwd_[l], a, b)));
    r.events = events_;
    for (const auto& s : st_) {
      std::vector<PipeTask> t;
      t.reserve(s.f_iv.size() + s.b_iv.size() + s.u_iv.size());
      for (const auto& i : s.f_iv) t.push_back({i.t0, i.t1, i.id, 0});
      for (const auto& i : s.b_iv) t.push_back({i.t0, i.t1, i.id, 1});
      for (const auto& i : s.u_iv) t.push_back({i.t0, i.t1, i.id, 2});
      std::sort(t.begin(), t.end(), [](const PipeTask& x, const PipeTask& y) { return x.t0 < y.t0; });
      r.tasks.push_back(std::move(t));
    }
    for (const auto& w : wait_input_) r.input_waits.push_back({w.t0, w.t1, w.id, 0});
    for (const auto& w : input_iv_) r.input_sends.push_back({w.t0, w.t1, w.id, 0});
    return r;
  }

 private:
  void push(double t, Ev k, int stage, long long sample, bool backward = false) {
    q_.push(Event{t, seq_++, k, stage, sample, backward});
  }

  void request_input(long long i, double now) {
    const double start = std::max(now, input_free_);
    input_free_ = start + c_.input_s.value;
    input_iv_.push_back({start, input_free_, i});
    push(input_free_ + c_.input_latency_s.value, Ev::input_done, 0, i);
  }

  // A transfer on boundary l (between l and l+1) in one direction; returns arrival time.
  double transfer(std::size_t l, bool backward, double now) {
    auto& free = backward ? link_free_bwd_[l] : link_free_fwd_[l];
    const double start = std::max(now, free);
    free = start + c_.links[l].xfer_s.value;
    (backward ? link_iv_bwd_ : link_iv_fwd_)[l].push_back({start, free});
    return free + c_.links[l].latency_s.value;
  }

  void handle(const Event& e) {
    const double now = e.t;
    switch (e.kind) {
      case Ev::input_done:
      case Ev::fwd_ready:
        st_[static_cast<std::size_t>(e.stage)].fwd.push_back(e.sample);
        try_start(e.stage, now);
        break;
      case Ev::bwd_ready:
        st_[static_cast<std::size_t>(e.stage)].bwd.push_back(e.sample);
        try_start(e.stage, now);
        break;
      case Ev::task_done:
        finish_task(e, now);
        break;
      case Ev::update_done: {
        auto& s = st_[static_cast<std::size_t>(e.stage)];
        s.updating = false;
        s.busy = false;
        ++s.batch;
        if (++updated_stages_[static_cast<std::size_t>(e.sample)] == static_cast<int>(st_.size()))
          batch_end_.push_back(now);
        try_start(e.stage, now);
        break;
      }
    }
  }

  void finish_task(const Event& e, double now) {
    const auto si = static_cast<std::size_t>(e.stage);
    auto& s = st_[si];
    s.busy = false;
    const int last = static_cast<int>(st_.size()) - 1;
    const double lat = c_.stages[si].latency_s.value;
    if (!e.backward) {
      if (e.stage < last)
        push(transfer(si, false, now) + lat, Ev::fwd_ready, e.stage + 1, e.sample);
      else
        push(now + lat, Ev::bwd_ready, e.stage, e.sample, true);
    } else {
      ++s.retired;
      if (e.stage > 0) push(transfer(si - 1, true, now) + lat, Ev::bwd_ready, e.stage - 1, e.sample, true);
      if (++s.bwd_in_batch == c_.batch) {
        // The whole batch went backward through this stage: apply the update on its tiles.
        s.bwd_in_batch = 0;
        s.updating = true;
        s.busy = true;
        s.u_iv.push_back({now, now + c_.stages[si].update_s.value, e.sample / c_.batch});
        push(now + c_.stages[si].update_s.value, Ev::update_done, e.stage, e.sample / c_.batch);
        return;
      }
    }
    try_start(e.stage, now);
  }

  void try_start(int stage, double now) {
    const auto si = static_cast<std::size_t>(stage);
    auto& s = st_[si];
    if (s.busy) return;
    const auto& p = c_.stages[si];
    if (!s.bwd.empty()) {
      const long long i = s.bwd.front();
      s.bwd.pop_front();
      s.busy = true;
      s.b_iv.push_back({now, now + p.bwd_s.value, i});
      push(now + p.bwd_s.value, Ev::task_done, stage, i, true);
      return;
    }
    if (!s.fwd.empty() && s.fwd.front() / c_.batch == s.batch && s.admitted - s.retired < p.in_flight) {
      const long long i = s.fwd.front();
      s.fwd.pop_front();
      s.busy = true;
      ++s.admitted;
      s.f_iv.push_back({now, now + p.fwd_s.value, i});
      push(now + p.fwd_s.value, Ev::task_done, stage, i, false);
      if (stage == 0) {
        if (waiting_) wait_input_.push_back({pending_wait_, now, i});
        waiting_ = false;
        if (i + c_.input_prefetch < total_) request_input(i + c_.input_prefetch, now);
      }
      return;
    }
    if (stage == 0 && s.fwd.empty() && s.admitted < total_ && s.admitted / c_.batch == s.batch &&
        s.admitted - s.retired < p.in_flight) {
      // Idle, allowed to take a forward, but the sample has not arrived: input-starved.
      if (!waiting_) pending_wait_ = now;
      waiting_ = true;
    }
  }

  const PipeConfig& c_;
  std::vector<StageState> st_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> q_;
  long long seq_ = 0;
  long long events_ = 0;
  long long total_ = 0;
  double input_free_ = 0;
  std::vector<Interval> input_iv_, wait_input_;
  std::vector<double> link_free_fwd_, link_free_bwd_;
  std::vector<std::vector<Interval>> link_iv_fwd_, link_iv_bwd_;
  std::vector<double> batch_end_;
  std::vector<int> updated_stages_;
  bool waiting_ = false;
  double pending_wait_ = 0;
};

}  // namespace

PipeResult run_pipeline(const PipeConfig& config) {
  if (config.stages.empty() || config.links.size() + 1 != config.stages.size() || config.batch < 1 ||
      config.batches < 2)
    throw SimError("run_pipeline: invalid configuration");
  Pipeline p(config);
  return p.run();
}

}  // namespace wafersim
