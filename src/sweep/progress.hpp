#pragma once
// Sweep progress on stderr: a one-line bar redrawn in place on a terminal (done/total,
// failures, points/s, ETA), plain log lines otherwise (failures at once, a status line at
// most every few seconds) so CI logs stay short.
#include <chrono>
#include <cstdio>
#include <string>

#include "wafersim/sweep/executor.hpp"

namespace wafersim::sweep {

class Progress {
 public:
  Progress(std::size_t total, std::size_t skipped, bool enabled);
  void update(const PointOutcome& o, const std::string& label);
  void finish(bool interrupted);

 private:
  std::string line() const;
  using Clock = std::chrono::steady_clock;
  std::size_t total_, skipped_, done_ = 0, failed_ = 0;
  bool enabled_, tty_;
  Clock::time_point start_, last_print_;
};

}  // namespace wafersim::sweep
