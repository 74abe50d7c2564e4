#pragma once
// Chrome trace-event / Perfetto JSON (open in ui.perfetto.dev or chrome://tracing): processes
// and threads (tracks), complete slices, counters and flow arrows. Timestamps are written in
// microseconds with fixed precision, so identical runs give identical files.
#include <string>
#include <vector>

namespace wafersim {

class TraceWriter {
 public:
  int process(const std::string& name, int sort_index);
  int thread(int pid, const std::string& name, int sort_index);
  // A complete slice [t0, t1] seconds; `args` is a JSON object body without braces, e.g.
  // "\"step\": 1, \"micro\": 0" (may be empty).
  void slice(int pid, int tid, const std::string& name, const std::string& category, double t0, double t1,
             const std::string& args = "");
  void counter(int pid, const std::string& name, double t, double value);
  // An arrow from the slice on (pid_from, tid_from) enclosing t_from to the slice on
  // (pid_to, tid_to) that starts at t_to.
  void flow(const std::string& name, int pid_from, int tid_from, double t_from, int pid_to, int tid_to,
            double t_to);
  std::string json() const;
  std::size_t events() const { return events_.size(); }

 private:
  int next_pid_ = 1;
  std::vector<int> next_tid_;
  int next_flow_ = 1;
  std::vector<std::string> events_;
};

std::string json_escape(const std::string& s);

}  // namespace wafersim
