#pragma once
// Runs a function in a forked child (SystemC elaborates once per process) and returns the
// doubles it reports through a pipe. Benchmarks only.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <vector>

namespace wafersim::bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <std::size_t N>
bool run_in_child(const std::function<std::array<double, N>()>& fn, std::array<double, N>& out) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    close(fds[0]);
    std::array<double, N> r{};
    try {
      r = fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "benchmark run failed: %s\n", e.what());
      _exit(1);
    }
    const bool ok = write(fds[1], r.data(), sizeof r) == static_cast<ssize_t>(sizeof r);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  const bool got = read(fds[0], out.data(), sizeof out) == static_cast<ssize_t>(sizeof out);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace wafersim::bench
