#include "mpi_driver.hpp"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "wafersim/core/text.hpp"

#ifdef WAFERSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace wafersim::sweep {

bool mpi_launched() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && std::atoi(v) > 1) return true;
  }
  return false;
}

#ifdef WAFERSIM_HAVE_MPI

namespace {
enum Tag : int { kReady = 1, kResult = 2, kAssign = 3, kStop = 4 };

std::string encode(const PointOutcome& o) {
  return json_text(nlohmann::json{{"i", o.index},
                                  {"s", o.status},
                                  {"e", o.error},
                                  {"r", o.report_json},
                                  {"m", o.metrics_json},
                                  {"w", o.wall_s}});
}
PointOutcome decode(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  PointOutcome o;
  o.index = j.at("i").get<std::size_t>();
  o.status = j.at("s").get<std::string>();
  o.error = j.at("e").get<std::string>();
  o.report_json = j.at("r").get<std::string>();
  o.metrics_json = j.at("m").get<std::string>();
  o.wall_s = j.at("w").get<double>();
  return o;
}
}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void MpiSession::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

bool MpiSession::run_points(const std::vector<std::size_t>& todo, const PointWork& work, double timeout_s,
                            const std::function<void(const PointOutcome&)>& on_done,
                            const volatile std::sig_atomic_t* stop) {
  if (rank_ != 0) {
    // Worker: ask, run, report, until told to stop.
    MPI_Send(nullptr, 0, MPI_CHAR, 0, kReady, MPI_COMM_WORLD);
    for (;;) {
      unsigned long long index = 0;
      MPI_Status st;
      MPI_Recv(&index, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      if (st.MPI_TAG == kStop) return true;
      PointOutcome out;
      run_forked(
          {static_cast<std::size_t>(index)}, work, {1, timeout_s}, [&](const PointOutcome& o) { out = o; },
          nullptr);
      const std::string msg = encode(out);
      MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_CHAR, 0, kResult, MPI_COMM_WORLD);
    }
  }
  // Rank 0: answer every message with the next point or stop. Polling (not a blocking
  // receive) so Ctrl-C is seen while ranks are busy.
  std::size_t next = 0;
  int active = size_ - 1;
  bool interrupted = false;
  while (active > 0) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag == 0) {
      if (stop != nullptr && *stop != 0) return false;  // caller aborts the job
      ::usleep(200);
      continue;
    }
    int len = 0;
    MPI_Get_count(&st, MPI_CHAR, &len);
    std::string msg(static_cast<std::size_t>(len), '\0');
    MPI_Recv(msg.data(), len, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == kResult) on_done(decode(msg));
    interrupted = interrupted || (stop != nullptr && *stop != 0);
    if (!interrupted && next < todo.size()) {
      unsigned long long index = todo[next++];
      MPI_Send(&index, 1, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, kAssign, MPI_COMM_WORLD);
    } else {
      unsigned long long none = 0;
      MPI_Send(&none, 1, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, kStop, MPI_COMM_WORLD);
      --active;
    }
  }
  return !interrupted;
}

#else  // built without MPI: the driver refuses to run under mpirun before reaching these.

bool mpi_built() { return false; }
MpiSession::MpiSession() { throw std::logic_error("wafersim was built without MPI"); }
MpiSession::~MpiSession() = default;
void MpiSession::abort(int code) { std::_Exit(code); }
bool MpiSession::run_points(const std::vector<std::size_t>&, const PointWork&, double,
                            const std::function<void(const PointOutcome&)>&,
                            const volatile std::sig_atomic_t*) {
  throw std::logic_error("wafersim was built without MPI");
}

#endif

}  // namespace wafersim::sweep
