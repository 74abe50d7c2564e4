#include "wafersim/report/trace.hpp"

#include <fmt/format.h>

#include <variant>

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

std::string args_body(const std::vector<TimelineArg>& args) {
  std::string o;
  for (const auto& a : args) {
    if (!o.empty()) o += ", ";
    o += fmt::format(R"("{}": )", json_escape(a.key));
    if (const auto* n = std::get_if<long long>(&a.value))
      o += fmt::format("{}", *n);
    else
      o += fmt::format(R"("{}")", json_escape(std::get<std::string>(a.value)));
  }
  return o;
}

std::string event_json(const TimelineEvent& e) {
  using K = TimelineEvent::Kind;
  switch (e.kind) {
    case K::process:
      return fmt::format(R"({{"ph":"M","pid":{},"name":"process_name","args":{{"name":"{}"}}}})", e.pid,
                         json_escape(e.name)) +
             ",\n" +
             fmt::format(R"({{"ph":"M","pid":{},"name":"process_sort_index","args":{{"sort_index":{}}}}})",
                         e.pid, e.sort_index);
    case K::thread:
      return fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_name","args":{{"name":"{}"}}}})",
                         e.pid, e.tid, json_escape(e.name)) +
             ",\n" +
             fmt::format(
                 R"({{"ph":"M","pid":{},"tid":{},"name":"thread_sort_index","args":{{"sort_index":{}}}}})",
                 e.pid, e.tid, e.sort_index);
    case K::slice:
      return fmt::format(
          R"({{"ph":"X","pid":{},"tid":{},"name":"{}","cat":"{}","ts":{},"dur":{},"args":{{{}}}}})", e.pid,
          e.tid, json_escape(e.name), json_escape(e.category), us(e.t0), us(e.t1 - e.t0), args_body(e.args));
    case K::counter:
      return fmt::format(R"({{"ph":"C","pid":{},"name":"{}","ts":{},"args":{{"value":{:.4f}}}}})", e.pid,
                         json_escape(e.name), us(e.t0), e.value);
    case K::flow:
      return fmt::format(R"({{"ph":"s","id":{},"pid":{},"tid":{},"name":"{}","cat":"flow","ts":{}}})",
                         e.flow_id, e.pid, e.tid, json_escape(e.name), us(e.t0)) +
             ",\n" +
             fmt::format(
                 R"({{"ph":"f","bp":"e","id":{},"pid":{},"tid":{},"name":"{}","cat":"flow","ts":{}}})",
                 e.flow_id, e.to_pid, e.to_tid, json_escape(e.name), us(e.t1));
  }
  return {};
}

}  // namespace

std::string trace_json(const Timeline& timeline) {
  std::string o = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  const auto& events = timeline.events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    o += event_json(events[i]);
    o += i + 1 < events.size() ? ",\n" : "\n";
  }
  return o + "]}\n";
}

}  // namespace wafersim
