#include "wafersim/report/trace.hpp"

#include <fmt/format.h>

namespace wafersim {

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          o += fmt::format("\\u{:04x}", static_cast<int>(c));
        else
          o += c;
    }
  }
  return o;
}

namespace {
std::string us(double t) { return fmt::format("{:.3f}", t * 1e6); }
}  // namespace

int TraceWriter::process(const std::string& name, int sort_index) {
  const int pid = next_pid_++;
  next_tid_.resize(static_cast<std::size_t>(pid) + 1, 1);
  events_.push_back(fmt::format(R"({{"ph":"M","pid":{},"name":"process_name","args":{{"name":"{}"}}}})", pid,
                                json_escape(name)));
  events_.push_back(fmt::format(
      R"({{"ph":"M","pid":{},"name":"process_sort_index","args":{{"sort_index":{}}}}})", pid, sort_index));
  return pid;
}

int TraceWriter::thread(int pid, const std::string& name, int sort_index) {
  const int tid = next_tid_[static_cast<std::size_t>(pid)]++;
  events_.push_back(
      fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_name","args":{{"name":"{}"}}}})", pid, tid,
                  json_escape(name)));
  events_.push_back(
      fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_sort_index","args":{{"sort_index":{}}}}})",
                  pid, tid, sort_index));
  return tid;
}

void TraceWriter::slice(int pid, int tid, const std::string& name, const std::string& category, double t0,
                        double t1, const std::string& args) {
  events_.push_back(
      fmt::format(R"({{"ph":"X","pid":{},"tid":{},"name":"{}","cat":"{}","ts":{},"dur":{},"args":{{{}}}}})",
                  pid, tid, json_escape(name), json_escape(category), us(t0), us(t1 - t0), args));
}

void TraceWriter::counter(int pid, const std::string& name, double t, double value) {
  events_.push_back(fmt::format(R"({{"ph":"C","pid":{},"name":"{}","ts":{},"args":{{"value":{:.4f}}}}})", pid,
                                json_escape(name), us(t), value));
}

void TraceWriter::flow(const std::string& name, int pid_from, int tid_from, double t_from, int pid_to,
                       int tid_to, double t_to) {
  const int id = next_flow_++;
  events_.push_back(fmt::format(R"({{"ph":"s","id":{},"pid":{},"tid":{},"name":"{}","cat":"flow","ts":{}}})",
                                id, pid_from, tid_from, json_escape(name), us(t_from)));
  events_.push_back(
      fmt::format(R"({{"ph":"f","bp":"e","id":{},"pid":{},"tid":{},"name":"{}","cat":"flow","ts":{}}})", id,
                  pid_to, tid_to, json_escape(name), us(t_to)));
}

std::string TraceWriter::json() const {
  std::string o = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  for (std::size_t i = 0; i < events_.size(); ++i) {
    o += events_[i];
    o += i + 1 < events_.size() ? ",\n" : "\n";
  }
  return o + "]}\n";
}

}  // namespace wafersim
