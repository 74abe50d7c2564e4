// Process-per-point executor: fork, run the point in the child, read its result through a
// pipe, classify the exit. The parent only polls pipes and reaps children.
#include "wafersim/sweep/executor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "wafersim/core/error.hpp"

namespace wafersim::sweep {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kStderrKeep = 2000;  // tail of a child's stderr kept for crash reasons

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

// Child side: never returns. 'J' + metrics line + report on success, 'E' + message on failure.
[[noreturn]] void child_main(std::size_t index, const PointWork& work, int result_fd, int err_fd,
                             pid_t parent, double memory_limit) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A point that needs more memory than its share fails with bad_alloc (recorded as failed,
  // "out of memory") instead of the OOM killer taking it, or its neighbours, down.
  if (memory_limit > 0) {
    const rlimit lim{static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    ::setrlimit(RLIMIT_AS, &lim);
  }
  if (::getppid() != parent) ::_exit(111);  // the parent died before prctl took effect
  // The parent's stop flag and handlers mean nothing here: Ctrl-C kills a child outright.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  const int devnull = ::open("/dev/null", O_WRONLY);
  if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  int code = 0;
  std::string out;
  try {
    const PointResult r = work(index);
    // 'J', the metrics line (compact JSON never holds a raw newline), then the report.
    out.reserve(r.metrics.size() + r.report.size() + 2);
    out += 'J';
    out += r.metrics;
    out += '\n';
    out += r.report;
  } catch (const ConfigError& e) {
    out = std::string("E") + e.what();
    code = 2;
  } catch (const UsageError& e) {
    out = std::string("E") + e.what();
    code = 2;
  } catch (const FitError& e) {
    out = std::string("E") + e.what();
    code = 2;
  } catch (const std::bad_alloc&) {
    out = fmt::format("Eout of memory: the point needed more than its limit of {:.0f} MiB (--memory-limit)",
                      memory_limit / (1024.0 * 1024.0));
    code = 1;
  } catch (const std::exception& e) {
    out = std::string("E") + e.what();
    code = 1;
  } catch (...) {
    out = "Eunknown exception";
    code = 1;
  }
  write_all(result_fd, out);
  // Closing the result pipe now tells the parent the point is done: it starts the next one
  // while this process is still tearing down its address space.
  ::close(result_fd);
  // _exit: no atexit handlers, no flushing of stdio buffers copied from the parent.
  ::_exit(code);
}

// A child's result as read from its pipe. Not zero-filled on growth, and pooled across points,
// so reading a report writes only the pages the report fills: every page the sweep writes
// while a point it forked is alive costs it a copy-on-write fault.
struct ResultBuffer {
  std::unique_ptr<char[]> data;
  std::size_t cap = 0;
  std::size_t len = 0;
  std::string_view view() const { return {data.get(), len}; }
  char* space(std::size_t want) {
    if (cap - len < want) {
      const std::size_t ncap = std::max(cap * 2, len + want);
      std::unique_ptr<char[]> n(new char[ncap]);
      if (len != 0) std::memcpy(n.get(), data.get(), len);
      data = std::move(n);
      cap = ncap;
    }
    return data.get() + len;
  }
};

struct Child {
  pid_t pid = -1;
  std::size_t index = 0;
  int result_fd = -1;
  int err_fd = -1;
  ResultBuffer result;
  std::string err;
  Clock::time_point start;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Child spawn(std::size_t index, const PointWork& work, double memory_limit, ResultBuffer buffer) {
  int rp[2], ep[2];
  if (::pipe2(rp, O_CLOEXEC) != 0 || ::pipe2(ep, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t parent = ::getpid();
  Child c;
  c.index = index;
  c.result = std::move(buffer);
  c.result.len = 0;
  c.start = Clock::now();
  c.pid = ::fork();
  if (c.pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (c.pid == 0) {
    ::close(rp[0]);
    ::close(ep[0]);
    child_main(index, work, rp[1], ep[1], parent, memory_limit);
  }
  ::close(rp[1]);
  ::close(ep[1]);
  c.result_fd = rp[0];
  c.err_fd = ep[0];
  return c;
}

// Reads what is available; returns false at EOF.
bool drain(int fd, ResultBuffer& into) {
  constexpr std::size_t kChunk = 65536;
  const ssize_t n = ::read(fd, into.space(kChunk), kChunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  into.len += static_cast<std::size_t>(n);
  return true;
}

// Stderr: usually empty, so a small stack buffer; only its tail is kept.
bool drain(int fd, std::string& into, std::size_t keep) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  into.append(buf, static_cast<std::size_t>(n));
  if (into.size() > 2 * keep) into.erase(0, into.size() - keep);
  return true;
}

std::string tail_of(const std::string& err) {
  std::string t = err.size() > kStderrKeep ? err.substr(err.size() - kStderrKeep) : err;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

PointOutcome classify(Child& c, int wstatus) {
  PointOutcome o;
  o.index = c.index;
  o.wall_s = std::chrono::duration<double>(Clock::now() - c.start).count();
  const std::string_view result = c.result.view();
  const bool has_result = !result.empty();
  const std::string_view payload = has_result ? result.substr(1) : std::string_view();
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    o.status = "crashed";
    o.error = fmt::format("killed by signal {} ({})", sig, ::strsignal(sig));
    if (!c.err.empty()) o.error += ": " + tail_of(c.err);
  } else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && has_result && result[0] == 'J') {
    o.status = "ok";
    const auto nl = payload.find('\n');
    o.metrics_json = std::string(payload.substr(0, nl));
    if (nl != std::string_view::npos) o.report_json = std::string(payload.substr(nl + 1));
  } else {
    const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    o.status = code == 2 ? "error" : "failed";
    if (has_result && result[0] == 'E')
      o.error = std::string(payload);
    else
      o.error = fmt::format("exit code {}{}", code, c.err.empty() ? "" : ": " + tail_of(c.err));
  }
  return o;
}

void kill_child(Child& c) {
  ::kill(c.pid, SIGKILL);
  int st = 0;
  while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {
  }
  close_fd(c.result_fd);
  close_fd(c.err_fd);
}

}  // namespace

const volatile std::sig_atomic_t* install_stop_handlers() {
  g_stop = 0;  // a second sweep in one process (the Python API) starts unstopped
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR and the loop sees the flag at once
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  return &g_stop;
}

bool run_forked(const std::vector<std::size_t>& todo, const PointWork& work, const ExecOptions& opt,
                const std::function<void(const PointOutcome&)>& on_done,
                const volatile std::sig_atomic_t* stop) {
  const std::size_t jobs = static_cast<std::size_t>(std::max(1, opt.jobs));
  std::vector<Child> running;
  std::size_t next = 0;
  std::vector<pollfd> fds;
  std::vector<PointOutcome> finished;
  std::vector<ResultBuffer> buffers;  // reused: see ResultBuffer
  const auto take_buffer = [&] {
    ResultBuffer b;
    if (!buffers.empty()) {
      b = std::move(buffers.back());
      buffers.pop_back();
    }
    return b;
  };
  const auto stopped = [&] { return stop != nullptr && *stop != 0; };
  // A child still computing holds a job slot; one that has delivered its result (closed its
  // result pipe) only has to exit, and the next point starts beside it.
  const auto busy = [&] {
    return static_cast<std::size_t>(
        std::count_if(running.begin(), running.end(), [](const Child& c) { return c.result_fd >= 0; }));
  };
  while (next < todo.size() || !running.empty()) {
    if (stopped()) {
      for (auto& c : running) kill_child(c);
      for (const auto& o : finished) on_done(o);  // finished before the stop: keep them
      return false;
    }
    for (std::size_t b = busy(); b < jobs && next < todo.size(); ++b)
      running.push_back(spawn(todo[next++], work, opt.memory_limit_bytes, take_buffer()));
    // Record what finished only once its replacement runs: the parent's bookkeeping (the
    // database commit) then overlaps the next point instead of delaying it.
    for (const auto& o : finished) on_done(o);
    finished.clear();
    fds.clear();
    for (const auto& c : running) {
      fds.push_back({c.result_fd, c.result_fd >= 0 ? short(POLLIN) : short(0), 0});
      fds.push_back({c.err_fd, c.err_fd >= 0 ? short(POLLIN) : short(0), 0});
    }
    int wait_ms = 200;  // re-check the stop flag at least this often
    if (opt.timeout_s > 0) {
      for (const auto& c : running) {
        const double left = opt.timeout_s - std::chrono::duration<double>(Clock::now() - c.start).count();
        wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(left * 1000) + 1));
      }
    }
    const int n = ::poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    for (std::size_t i = 0; i < running.size();) {
      Child& c = running[i];
      if (n > 0) {
        if (c.result_fd >= 0 && fds[2 * i].revents != 0 && !drain(c.result_fd, c.result))
          close_fd(c.result_fd);
        if (c.err_fd >= 0 && fds[2 * i + 1].revents != 0 && !drain(c.err_fd, c.err, kStderrKeep))
          close_fd(c.err_fd);
      }
      if (c.result_fd < 0 && c.err_fd < 0) {  // both pipes at EOF: the child has exited
        int st = 0;
        while (::waitpid(c.pid, &st, 0) < 0 && errno == EINTR) {
        }
        finished.push_back(classify(c, st));
        buffers.push_back(std::move(c.result));
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * i),
                  fds.begin() + static_cast<std::ptrdiff_t>(2 * i + 2));
        continue;
      }
      if (opt.timeout_s > 0 &&
          std::chrono::duration<double>(Clock::now() - c.start).count() > opt.timeout_s) {
        kill_child(c);
        PointOutcome o;
        o.index = c.index;
        o.status = "timeout";
        o.error = fmt::format("exceeded --timeout {} s; killed", opt.timeout_s);
        o.wall_s = std::chrono::duration<double>(Clock::now() - c.start).count();
        finished.push_back(std::move(o));
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * i),
                  fds.begin() + static_cast<std::ptrdiff_t>(2 * i + 2));
        continue;
      }
      ++i;
    }
  }
  for (const auto& o : finished) on_done(o);
  return !stopped();
}

}  // namespace wafersim::sweep
