// A fresh SystemC kernel context per simulation (sc_session.hpp).
#include "sc_session.hpp"

#include <atomic>
#include <systemc>

#include "sc_time_guard.hpp"
#include "wafersim/core/error.hpp"

namespace wafersim::sc {

namespace {
std::mutex& kernel_mutex() {
  static std::mutex m;
  return m;
}
std::atomic<long long> g_completed{0};
thread_local bool t_in_session = false;  // this thread holds a session (the lock is not recursive)

std::unique_lock<std::mutex> lock_kernel() {
  if (t_in_session)
    throw SimError(
        "a SystemC simulation is already open on this thread: finish (destroy) it before starting "
        "another");
  return std::unique_lock<std::mutex>(kernel_mutex());
}
}  // namespace

Session::Session() : lock_(lock_kernel()) {
  t_in_session = true;
  reset_overflow();
  previous_ = sc_core::sc_curr_simcontext;
  previous_default_ = sc_core::sc_default_global_context;
  context_ = new sc_core::sc_simcontext;
  sc_core::sc_curr_simcontext = context_;
  sc_core::sc_default_global_context = context_;
  // The report handler is process-wide (not in the context): quiet infos and warnings.
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
}

Session::~Session() {
  delete context_;
  sc_core::sc_curr_simcontext = previous_;
  sc_core::sc_default_global_context = previous_default_;
  g_completed.fetch_add(1, std::memory_order_relaxed);
  t_in_session = false;
}

long long Session::completed() { return g_completed.load(std::memory_order_relaxed); }

}  // namespace wafersim::sc
