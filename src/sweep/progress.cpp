#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace wafersim::sweep {

Progress::Progress(std::size_t total, std::size_t skipped, bool enabled)
    : total_(total),
      skipped_(skipped),
      enabled_(enabled),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(Clock::now()),
      last_print_(start_) {
  if (!enabled_) return;
  fmt::print(stderr, "sweep: {} points, {} already in the database, {} to run\n", total_ + skipped_, skipped_,
             total_);
}

std::string Progress::line() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
  return fmt::format("{}/{} done, {} failed, {:.1f} points/s, ETA {:.0f} s", done_, total_, failed_, rate,
                     eta);
}

void Progress::update(const PointOutcome& o, const std::string& label) {
  ++done_;
  const bool bad = o.status != "ok";
  if (bad) ++failed_;
  if (!enabled_) return;
  const auto now = Clock::now();
  if (tty_) {
    if (bad) fmt::print(stderr, "\r\033[K{} {}: {}\n", o.status, label, o.error.substr(0, 300));
    constexpr int kWidth = 30;
    const auto filled = total_ == 0 ? kWidth : static_cast<int>(kWidth * done_ / total_);
    fmt::print(stderr, "\r\033[K[{}{}] {}", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(kWidth - filled), '.'), line());
    std::fflush(stderr);
    return;
  }
  if (bad) fmt::print(stderr, "sweep: point {} {}: {}\n", label, o.status, o.error.substr(0, 300));
  if (now - last_print_ > std::chrono::seconds(5)) {
    fmt::print(stderr, "sweep: {}\n", line());
    last_print_ = now;
  }
}

void Progress::finish(bool interrupted) {
  if (!enabled_) return;
  if (tty_) fmt::print(stderr, "\n");
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  fmt::print(stderr, "sweep: {}{} points run in {:.2f} s ({:.1f} points/s), {} not ok\n",
             interrupted ? "interrupted; " : "", done_, elapsed,
             elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0, failed_);
}

}  // namespace wafersim::sweep
