#pragma once
// Runs a program with arguments, captures its stdout and stderr, with a timeout. Used by
// `check` and `validate` to run design points through the real wafersim binary, each in a fresh
// process: what they guard is what a user's command prints (its bytes, across processes, and
// its exit code), not only what the library returns.
#include <string>
#include <vector>

namespace wafersim {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
  double wall_s = 0;
};

// `cwd` empty = the caller's working directory.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args, double timeout_s,
                          const std::string& cwd = "");

// Path of the running executable (/proc/self/exe).
std::string self_executable();

}  // namespace wafersim
