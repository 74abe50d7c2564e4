#pragma once
// One SystemC simulation, start to end, in a kernel context of its own.
//
// SystemC 2.3 keeps its kernel state (object hierarchy, process table, event queues, the
// name generator, time) in an sc_simcontext reached through two globals. A context elaborates
// once: after sc_start no module can be added. A session installs a fresh context at
// construction and deletes it, with everything elaborated in it, at destruction, then puts
// back the context that was current before, so simulate() can run any number of times in one
// process with no state carried from one run to the next (generated names restart too, which
// keeps reports byte-identical to a fresh process's).
//
// The kernel's globals are shared by every thread, so sessions are serialised by a
// process-wide mutex held for the session's lifetime; the planning and reporting around a
// simulation run in parallel. One session per thread at a time: a second one on the same
// thread throws SimError (instead of deadlocking). Declare the session before the modules it
// will hold, so they are destroyed first.
#include <mutex>

namespace sc_core {
class sc_simcontext;
}

namespace wafersim::sc {

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  static long long completed();  // sessions ended in this process (tests, diagnostics)

 private:
  std::unique_lock<std::mutex> lock_;
  sc_core::sc_simcontext* context_ = nullptr;
  sc_core::sc_simcontext* previous_ = nullptr;
  sc_core::sc_simcontext* previous_default_ = nullptr;
};

}  // namespace wafersim::sc
