#pragma once
// What travels on the cluster's links: a TLM-2.0 generic payload carrying a ChunkInfo
// extension (the simulated size lives there; no real data moves).
#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <systemc>
#include <tlm>

namespace wafersim::sc {

enum class ChunkKind { weights, grads, input };

struct ChunkInfo : tlm::tlm_extension<ChunkInfo> {
  ChunkKind kind = ChunkKind::weights;
  long long stream = 0;  // weight stream / gradient stream / input micro-batch number
  int index = 0;         // chunk within the stream
  int count = 1;         // chunks in the stream
  double bytes = 0;
  tlm::tlm_extension_base* clone() const override { return new ChunkInfo(*this); }
  void copy_from(const tlm::tlm_extension_base& o) override { *this = static_cast<const ChunkInfo&>(o); }
};

// Owns every payload of a run; payloads are immutable once sent (a broadcast shares one).
class PayloadPool {
 public:
  tlm::tlm_generic_payload& make(ChunkKind kind, long long stream, int index, int count, double bytes);
  long long made() const { return static_cast<long long>(items_.size()); }
  ~PayloadPool();

 private:
  // The extension lives beside its payload (no allocation per chunk); the payload only
  // borrows it, so the destructor detaches it before the payload would delete it.
  struct Item {
    tlm::tlm_generic_payload payload;
    ChunkInfo info;
  };
  std::deque<Item> items_;
};

inline const ChunkInfo& info(const tlm::tlm_generic_payload& p) { return *p.get_extension<ChunkInfo>(); }

// A stream is cut into chunks of `chunk` bytes, at most kMaxChunks of them (larger chunks
// for huge streams keep the event count bounded).
constexpr int kMaxChunks = 4096;
inline double effective_chunk(double bytes, double chunk) { return std::max(chunk, bytes / kMaxChunks); }
inline int chunk_count(double bytes, double chunk) {
  if (bytes <= 0) return 1;
  const double n = std::ceil(bytes / effective_chunk(bytes, chunk));
  return n < 1 ? 1 : static_cast<int>(std::min<double>(n, kMaxChunks));
}
inline double chunk_bytes(double bytes, double chunk, int index, int count) {
  const double c = effective_chunk(bytes, chunk);
  if (index < count - 1) return c;
  return std::max(0.0, bytes - c * (count - 1));
}

}  // namespace wafersim::sc
