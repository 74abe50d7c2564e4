#pragma once
// MPI distribution (built with WAFERSIM_MPI): rank 0 hands out point indices one at a time
// as ranks ask, and records results; the other ranks run each point in a forked child, like
// the local executor. Dynamic hand-out balances points whose cost differs by 100x.
#include <functional>
#include <vector>

#include "wafersim/sweep/executor.hpp"

namespace wafersim::sweep {

bool mpi_built();
// True when started by mpirun/srun with more than one rank (from the environment, so a plain
// run never initialises MPI).
bool mpi_launched();

class MpiSession {
 public:
  MpiSession();   // MPI_Init
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0: hands out `todo`, calls `on_done` per result; returns false when stopped.
  // Other ranks: run what they are handed until told to stop (`todo` is ignored).
  bool run_points(const std::vector<std::size_t>& todo, const PointWork& work, double timeout_s,
                  const std::function<void(const PointOutcome&)>& on_done,
                  const volatile std::sig_atomic_t* stop);
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace wafersim::sweep
