#include "wafersim/results/timeline.hpp"

#include <utility>

namespace wafersim {

int Timeline::process(const std::string& name, int sort_index) {
  const int pid = next_pid_++;
  next_tid_.resize(static_cast<std::size_t>(pid) + 1, 1);
  TimelineEvent e;
  e.kind = TimelineEvent::Kind::process;
  e.pid = pid;
  e.name = name;
  e.sort_index = sort_index;
  events_.push_back(std::move(e));
  return pid;
}

int Timeline::thread(int pid, const std::string& name, int sort_index) {
  if (pid <= 0 || static_cast<std::size_t>(pid) >= next_tid_.size()) return 0;
  const int tid = next_tid_[static_cast<std::size_t>(pid)]++;
  TimelineEvent e;
  e.kind = TimelineEvent::Kind::thread;
  e.pid = pid;
  e.tid = tid;
  e.name = name;
  e.sort_index = sort_index;
  events_.push_back(std::move(e));
  return tid;
}

void Timeline::slice(int pid, int tid, const std::string& name, const std::string& category, double t0,
                     double t1, std::vector<TimelineArg> args) {
  TimelineEvent e;
  e.kind = TimelineEvent::Kind::slice;
  e.pid = pid;
  e.tid = tid;
  e.name = name;
  e.category = category;
  e.t0 = t0;
  e.t1 = t1;
  e.args = std::move(args);
  events_.push_back(std::move(e));
}

void Timeline::counter(int pid, const std::string& name, double t, double value) {
  TimelineEvent e;
  e.kind = TimelineEvent::Kind::counter;
  e.pid = pid;
  e.name = name;
  e.t0 = t;
  e.value = value;
  events_.push_back(std::move(e));
}

void Timeline::flow(const std::string& name, int pid_from, int tid_from, double t_from, int pid_to, int tid_to,
                    double t_to) {
  TimelineEvent e;
  e.kind = TimelineEvent::Kind::flow;
  e.pid = pid_from;
  e.tid = tid_from;
  e.name = name;
  e.t0 = t_from;
  e.t1 = t_to;
  e.to_pid = pid_to;
  e.to_tid = tid_to;
  e.flow_id = next_flow_++;
  events_.push_back(std::move(e));
}

}  // namespace wafersim
