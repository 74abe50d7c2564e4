#pragma once
// A run's timeline as data: tracks (a process per component, a thread per activity), slices,
// counters and flow arrows, in the order the simulator recorded them. The simulator fills it;
// report/trace.hpp writes it as Chrome trace / Perfetto JSON. Plain values, no formatting.
#include <string>
#include <variant>
#include <vector>

namespace wafersim {

// A slice's argument: a key with an integer or a text value.
struct TimelineArg {
  std::string key;
  std::variant<long long, std::string> value;
};

struct TimelineEvent {
  enum class Kind { process, thread, slice, counter, flow };
  Kind kind = Kind::slice;
  int pid = 0;
  int tid = 0;
  std::string name;
  std::string category;   // slice
  int sort_index = 0;     // process, thread
  double t0 = 0, t1 = 0;  // slice [t0, t1]; counter and flow start at t0, the flow ends at t1
  double value = 0;       // counter
  int to_pid = 0;         // flow target
  int to_tid = 0;
  int flow_id = 0;
  std::vector<TimelineArg> args;  // slice
};

class Timeline {
 public:
  // A new track group (process) and a track in it (thread); ids are handed out in order.
  int process(const std::string& name, int sort_index);
  int thread(int pid, const std::string& name, int sort_index);
  // A complete slice [t0, t1] seconds.
  void slice(int pid, int tid, const std::string& name, const std::string& category, double t0, double t1,
             std::vector<TimelineArg> args = {});
  void counter(int pid, const std::string& name, double t, double value);
  // An arrow from the slice on (pid_from, tid_from) enclosing t_from to the slice on
  // (pid_to, tid_to) that starts at t_to.
  void flow(const std::string& name, int pid_from, int tid_from, double t_from, int pid_to, int tid_to,
            double t_to);

  const std::vector<TimelineEvent>& events() const { return events_; }
  bool empty() const { return events_.empty(); }

 private:
  // Appends an event of `kind` on (pid, tid) named `name`; the caller fills the rest.
  TimelineEvent& add(TimelineEvent::Kind kind, int pid, int tid, const std::string& name);
  int next_pid_ = 1;
  std::vector<int> next_tid_;
  int next_flow_ = 1;
  std::vector<TimelineEvent> events_;
};

}  // namespace wafersim
