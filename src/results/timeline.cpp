#include "wafersim/results/timeline.hpp"

#include <utility>

namespace wafersim {

TimelineEvent& Timeline::add(TimelineEvent::Kind kind, int pid, int tid, const std::string& name) {
  TimelineEvent& e = events_.emplace_back();
  e.kind = kind;
  e.pid = pid;
  e.tid = tid;
  e.name = name;
  return e;
}

int Timeline::process(const std::string& name, int sort_index) {
  const int pid = next_pid_++;
  next_tid_.resize(static_cast<std::size_t>(pid) + 1, 1);
  add(TimelineEvent::Kind::process, pid, 0, name).sort_index = sort_index;
  return pid;
}

int Timeline::thread(int pid, const std::string& name, int sort_index) {
  if (pid <= 0 || static_cast<std::size_t>(pid) >= next_tid_.size()) return 0;
  const int tid = next_tid_[static_cast<std::size_t>(pid)]++;
  add(TimelineEvent::Kind::thread, pid, tid, name).sort_index = sort_index;
  return tid;
}

void Timeline::slice(int pid, int tid, const std::string& name, const std::string& category, double t0,
                     double t1, std::vector<TimelineArg> args) {
  TimelineEvent& e = add(TimelineEvent::Kind::slice, pid, tid, name);
  e.category = category;
  e.t0 = t0;
  e.t1 = t1;
  e.args = std::move(args);
}

void Timeline::counter(int pid, const std::string& name, double t, double value) {
  TimelineEvent& e = add(TimelineEvent::Kind::counter, pid, 0, name);
  e.t0 = t;
  e.value = value;
}

void Timeline::flow(const std::string& name, int pid_from, int tid_from, double t_from, int pid_to,
                    int tid_to, double t_to) {
  TimelineEvent& e = add(TimelineEvent::Kind::flow, pid_from, tid_from, name);
  e.t0 = t_from;
  e.t1 = t_to;
  e.to_pid = pid_to;
  e.to_tid = tid_to;
  e.flow_id = next_flow_++;
}

}  // namespace wafersim
