#include "wafersim/check/subprocess.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <climits>
#include <cstring>
#include <stdexcept>

namespace wafersim {

std::string self_executable() {
  std::array<char, PATH_MAX> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) throw std::runtime_error("cannot find the wafersim executable (/proc/self/exe)");
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args, double timeout_s,
                          const std::string& cwd) {
  ProcessResult r;
  int out_fd[2];
  int err_fd[2];
  if (pipe(out_fd) != 0) throw std::runtime_error("pipe failed");
  if (pipe(err_fd) != 0) {
    close(out_fd[0]);
    close(out_fd[1]);
    throw std::runtime_error("pipe failed");
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_fd[1], STDOUT_FILENO);
    dup2(err_fd[1], STDERR_FILENO);
    close(out_fd[0]);
    close(out_fd[1]);
    close(err_fd[0]);
    close(err_fd[1]);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(out_fd[1]);
  close(err_fd[1]);
  std::array<pollfd, 2> fds{pollfd{out_fd[0], POLLIN, 0}, pollfd{err_fd[0], POLLIN, 0}};
  std::array<char, 65536> buf{};
  int open_fds = 2;
  while (open_fds > 0) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double left = timeout_s - elapsed;
    if (left <= 0) {
      r.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    const int rc = poll(fds.data(), fds.size(), static_cast<int>(std::min(left * 1000.0, 1000.0)) + 1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf.data(), static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace wafersim
