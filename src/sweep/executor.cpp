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
#include <cstdint>
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

void write_all(int fd, std::string_view s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

// A result travels as a frame: the point's index, the payload's length, the outcome code
// (0 ok, 1 failed, 2 error: the CLI's exit codes), then the payload ('J' + metrics line + report,
// or 'E' + message).
struct FrameHeader {
  std::uint64_t index = 0;
  std::uint64_t length = 0;
  std::uint8_t code = 0;
};
constexpr std::size_t kHeaderBytes = 17;

void put_header(char (&b)[kHeaderBytes], const FrameHeader& h) {
  std::memcpy(b, &h.index, 8);
  std::memcpy(b + 8, &h.length, 8);
  b[16] = static_cast<char>(h.code);
}

FrameHeader get_header(const char* b) {
  FrameHeader h;
  std::memcpy(&h.index, b, 8);
  std::memcpy(&h.length, b + 8, 8);
  h.code = static_cast<std::uint8_t>(b[16]);
  return h;
}

// Reads exactly `n` bytes; false at EOF (or an error) before them.
bool read_all(int fd, char* to, std::size_t n) {
  while (n > 0) {
    const ssize_t got = ::read(fd, to, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    to += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

// Worker side: never returns. Reads point indices from `cmd_fd` and answers each with a frame on
// `result_fd`, until the parent closes `cmd_fd`; after a point that failed (exit code 1: a
// simulation error, out of memory) it exits, so the next point starts on a fresh heap.
[[noreturn]] void worker_main(const PointWork& work, int cmd_fd, int result_fd, int err_fd, pid_t parent,
                              double memory_limit) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A point that needs more memory than its share fails with bad_alloc (recorded as failed,
  // "out of memory") instead of the OOM killer taking it, or its neighbours, down.
  if (memory_limit > 0) {
    const rlimit lim{static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    ::setrlimit(RLIMIT_AS, &lim);
  }
  if (::getppid() != parent) ::_exit(111);  // the parent died before prctl took effect
  // The parent's stop flag and handlers mean nothing here: Ctrl-C kills a worker outright.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_DFL);
  const int devnull = ::open("/dev/null", O_WRONLY);
  if (devnull >= 0) ::dup2(devnull, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  for (;;) {
    char idx[8];
    if (!read_all(cmd_fd, idx, sizeof idx)) ::_exit(0);  // no more points
    std::uint64_t index = 0;
    std::memcpy(&index, idx, sizeof idx);
    std::uint8_t code = 0;
    std::string payload;
    try {
      const PointResult r = work(static_cast<std::size_t>(index));
      // 'J', the metrics line (compact JSON never holds a raw newline), then the report.
      payload.reserve(r.metrics.size() + r.report.size() + 2);
      payload += 'J';
      payload += r.metrics;
      payload += '\n';
      payload += r.report;
    } catch (const ConfigError& e) {
      payload = std::string("E") + e.what();
      code = 2;
    } catch (const UsageError& e) {
      payload = std::string("E") + e.what();
      code = 2;
    } catch (const FitError& e) {
      payload = std::string("E") + e.what();
      code = 2;
    } catch (const std::bad_alloc&) {
      payload =
          fmt::format("Eout of memory: the point needed more than its limit of {:.0f} MiB (--memory-limit)",
                      memory_limit / (1024.0 * 1024.0));
      code = 1;
    } catch (const std::exception& e) {
      payload = std::string("E") + e.what();
      code = 1;
    } catch (...) {
      payload = "Eunknown exception";
      code = 1;
    }
    char header[kHeaderBytes];
    put_header(header, {index, payload.size(), code});
    write_all(result_fd, {header, kHeaderBytes});  // the report is not copied behind the header
    write_all(result_fd, payload);
    // _exit: no atexit handlers, no flushing of stdio buffers copied from the parent.
    if (code == 1) ::_exit(1);
  }
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

// A worker process and the point it is running, if any.
struct Worker {
  pid_t pid = -1;
  int cmd_fd = -1;     // indices to the worker; closed: no more points for it
  int result_fd = -1;  // frames from the worker; EOF: it has exited
  int err_fd = -1;     // its stderr
  ResultBuffer frames;
  std::string err;    // stderr since its current point began (only the tail)
  bool busy = false;  // a point is in flight
  std::size_t index = 0;
  std::size_t points = 0;  // points given to it so far
  Clock::time_point start;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Worker spawn(const PointWork& work, double memory_limit, const std::vector<Worker>& others,
             ResultBuffer buffer) {
  int cp[2], rp[2], ep[2];
  if (::pipe2(cp, O_CLOEXEC) != 0 || ::pipe2(rp, O_CLOEXEC) != 0 || ::pipe2(ep, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t parent = ::getpid();
  Worker w;
  w.frames = std::move(buffer);
  w.frames.len = 0;
  w.pid = ::fork();
  if (w.pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (w.pid == 0) {
    // Without these, a worker would keep its siblings' command pipes open (fork copies every
    // descriptor): closing one to end that worker would never reach it.
    for (const Worker& o : others)
      for (int fd : {o.cmd_fd, o.result_fd, o.err_fd})
        if (fd >= 0) ::close(fd);
    ::close(cp[1]);
    ::close(rp[0]);
    ::close(ep[0]);
    worker_main(work, cp[0], rp[1], ep[1], parent, memory_limit);
  }
  ::close(cp[0]);
  ::close(rp[1]);
  ::close(ep[1]);
  w.cmd_fd = cp[1];
  w.result_fd = rp[0];
  w.err_fd = ep[0];
  return w;
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

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A whole frame at the front of the worker's buffer, as an outcome (consumed); false when the
// frame is not complete yet.
bool take_frame(Worker& w, PointOutcome& o) {
  if (w.frames.len < kHeaderBytes) return false;
  const FrameHeader h = get_header(w.frames.data.get());
  if (w.frames.len - kHeaderBytes < h.length) return false;
  const std::string_view result(w.frames.data.get() + kHeaderBytes, h.length);
  const std::string_view payload = result.empty() ? std::string_view() : result.substr(1);
  o = PointOutcome();
  o.index = static_cast<std::size_t>(h.index);
  o.wall_s = seconds_since(w.start);
  if (h.code == 0 && !result.empty() && result[0] == 'J') {
    o.status = "ok";
    const auto nl = payload.find('\n');
    o.metrics_json = std::string(payload.substr(0, nl));
    if (nl != std::string_view::npos) o.report_json = std::string(payload.substr(nl + 1));
  } else {
    o.status = h.code == 2 ? "error" : "failed";
    o.error = std::string(payload);
  }
  const std::size_t used = kHeaderBytes + h.length;
  std::memmove(w.frames.data.get(), w.frames.data.get() + used, w.frames.len - used);
  w.frames.len -= used;
  return true;
}

// The point a worker was running when it ended without answering: how it ended.
PointOutcome lost(const Worker& w, int wstatus) {
  PointOutcome o;
  o.index = w.index;
  o.wall_s = seconds_since(w.start);
  if (WIFSIGNALED(wstatus)) {
    const int sig = WTERMSIG(wstatus);
    o.status = "crashed";
    o.error = fmt::format("killed by signal {} ({})", sig, ::strsignal(sig));
    if (!w.err.empty()) o.error += ": " + tail_of(w.err);
  } else {
    const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    o.status = code == 2 ? "error" : "failed";
    o.error = fmt::format("exit code {}{}", code, w.err.empty() ? "" : ": " + tail_of(w.err));
  }
  return o;
}

int reap(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

void kill_worker(Worker& w) {
  ::kill(w.pid, SIGKILL);
  reap(w.pid);
  close_fd(w.cmd_fd);
  close_fd(w.result_fd);
  close_fd(w.err_fd);
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
  // A worker that died while its next index was on the way makes that write fail with EPIPE
  // (its result pipe reports the loss); SIGPIPE must not end the sweep. Put back on return.
  struct IgnorePipe {
    struct sigaction old {};
    IgnorePipe() {
      struct sigaction ign {};
      ign.sa_handler = SIG_IGN;
      sigemptyset(&ign.sa_mask);
      ::sigaction(SIGPIPE, &ign, &old);
    }
    ~IgnorePipe() { ::sigaction(SIGPIPE, &old, nullptr); }
    IgnorePipe(const IgnorePipe&) = delete;
    IgnorePipe& operator=(const IgnorePipe&) = delete;
  } ignore_pipe;
  const std::size_t jobs = static_cast<std::size_t>(std::max(1, opt.jobs));
  const std::size_t per_worker = static_cast<std::size_t>(std::max(1, opt.points_per_process));
  std::vector<Worker> workers;
  std::size_t next = 0;
  std::vector<pollfd> fds;
  std::vector<PointOutcome> finished;
  std::vector<ResultBuffer> buffers;  // reused: see ResultBuffer
  const auto stopped = [&] { return stop != nullptr && *stop != 0; };
  // Points to run again: out of memory in a worker that had run others before (what earlier
  // points left on its heap may be the cause); each runs once more, first in a fresh worker.
  std::vector<std::size_t> again;
  std::vector<std::size_t> retried;
  const auto pending = [&] { return next < todo.size() || !again.empty(); };
  const auto give = [&](Worker& w) {
    std::uint64_t index = 0;
    if (!again.empty() && w.points == 0) {
      index = again.back();
      again.pop_back();
    } else if (next < todo.size()) {
      index = todo[next++];
    } else {
      close_fd(w.cmd_fd);  // only a retry is left, and it wants a fresh worker
      return;
    }
    char b[8];
    std::memcpy(b, &index, sizeof b);
    w.busy = true;
    w.index = static_cast<std::size_t>(index);
    w.start = Clock::now();
    w.err.clear();
    ++w.points;
    // The command pipe is empty (one point at a time): 8 bytes never block. A worker that has
    // died meanwhile makes the write fail; its result pipe reports that as the point lost.
    write_all(w.cmd_fd, {b, sizeof b});
    if (w.points >= per_worker) close_fd(w.cmd_fd);  // its last point: then it exits
  };
  // Drops worker i (exited or killed): its buffer back to the pool, its slots in `fds` too.
  const auto retire = [&](std::size_t i) {
    buffers.push_back(std::move(workers[i].frames));
    workers.erase(workers.begin() + static_cast<std::ptrdiff_t>(i));
    fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(2 * i),
              fds.begin() + static_cast<std::ptrdiff_t>(2 * i + 2));
  };
  const auto busy_count = [&] {
    return static_cast<std::size_t>(
        std::count_if(workers.begin(), workers.end(), [](const Worker& w) { return w.busy; }));
  };
  while (pending() || !workers.empty()) {
    if (stopped()) {
      for (auto& w : workers) kill_worker(w);
      for (const auto& o : finished) on_done(o);  // finished before the stop: keep them
      return false;
    }
    // Idle workers take the next points; workers are added up to `jobs` busy ones; an idle
    // worker with nothing left to run is told so (its command pipe closed: it exits).
    for (auto& w : workers)
      if (!w.busy && w.cmd_fd >= 0) {
        if (pending())
          give(w);
        else
          close_fd(w.cmd_fd);
      }
    while (busy_count() < jobs && pending()) {
      ResultBuffer b;
      if (!buffers.empty()) {
        b = std::move(buffers.back());
        buffers.pop_back();
      }
      workers.push_back(spawn(work, opt.memory_limit_bytes, workers, std::move(b)));
      give(workers.back());
    }
    // Record what finished only once the next points run: the parent's bookkeeping (the
    // database commit) then overlaps them instead of delaying them.
    for (const auto& o : finished) on_done(o);
    finished.clear();
    fds.clear();
    for (const auto& w : workers) {
      fds.push_back({w.result_fd, w.result_fd >= 0 ? short(POLLIN) : short(0), 0});
      fds.push_back({w.err_fd, w.err_fd >= 0 ? short(POLLIN) : short(0), 0});
    }
    int wait_ms = 200;  // re-check the stop flag at least this often
    if (opt.timeout_s > 0) {
      for (const auto& w : workers)
        if (w.busy) {
          const double left = opt.timeout_s - seconds_since(w.start);
          wait_ms = std::min(wait_ms, std::max(0, static_cast<int>(left * 1000) + 1));
        }
    }
    const int n = ::poll(fds.data(), fds.size(), wait_ms);
    if (n < 0 && errno != EINTR) throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
    for (std::size_t i = 0; i < workers.size();) {
      Worker& w = workers[i];
      if (n > 0) {
        if (w.result_fd >= 0 && fds[2 * i].revents != 0 && !drain(w.result_fd, w.frames))
          close_fd(w.result_fd);
        if (w.err_fd >= 0 && fds[2 * i + 1].revents != 0 && !drain(w.err_fd, w.err, kStderrKeep))
          close_fd(w.err_fd);
      }
      PointOutcome o;
      while (take_frame(w, o)) {
        if (o.status == "failed") close_fd(w.cmd_fd);  // the worker exits after a failure
        w.busy = false;
        if (o.status == "failed" && o.error.rfind("out of memory", 0) == 0 && w.points > 1 &&
            std::find(retried.begin(), retried.end(), o.index) == retried.end()) {
          retried.push_back(o.index);
          again.push_back(o.index);
          continue;
        }
        finished.push_back(std::move(o));
      }
      if (w.result_fd < 0 && w.err_fd < 0) {  // both pipes at EOF: the worker has exited
        const int st = reap(w.pid);
        if (w.busy) finished.push_back(lost(w, st));
        close_fd(w.cmd_fd);
        retire(i);
        continue;
      }
      if (w.busy && opt.timeout_s > 0 && seconds_since(w.start) > opt.timeout_s) {
        kill_worker(w);
        PointOutcome t;
        t.index = w.index;
        t.status = "timeout";
        t.error = fmt::format("exceeded --timeout {} s; killed", opt.timeout_s);
        t.wall_s = seconds_since(w.start);
        finished.push_back(std::move(t));
        retire(i);
        continue;
      }
      ++i;
    }
  }
  for (const auto& o : finished) on_done(o);
  return !stopped();
}

}  // namespace wafersim::sweep
