#pragma once
// What travels on the cluster's links: one TLM-2.0 generic payload per stream (a layer's
// weights, a layer's gradient, a micro-batch of input) carrying a StreamInfo extension. No
// real data moves; the extension holds the stream's size, how it is chunked and when its last
// full chunk and its last chunk arrive where the payload is.
//
// Streams are pipelined across hops at chunk granularity: a stream is cut into `chunk`-byte
// pieces (the last one partial) that each hop stores and forwards in order. Its timing at a
// hop is carried by three arrival times: of its first chunk (the call's annotated delay), of
// its last full chunk and of its last chunk. That is exact, not an approximation: chunk k
// leaves a link at max over j <= k of (arrival of j + bytes of chunks j..k / bandwidth), and
// when the gaps between arrivals never shrink (true at the source, kept by every FIFO link
// and by taking the latest of several children in a reduction) that maximum is reached at
// j = 0 or at the last full chunk, or, for the partial last chunk, at itself.
#include <algorithm>
#include <cmath>
#include <systemc>
#include <tlm>

namespace wafersim::sc {

enum class ChunkKind { weights, grads, input, checkpoint };

struct StreamInfo : tlm::tlm_extension<StreamInfo> {
  ChunkKind kind = ChunkKind::weights;
  long long stream = 0;           // weight stream / gradient stream / input micro-batch number
  double bytes = 0;               // the whole stream
  int chunks = 1;                 // pieces it is cut into
  double chunk = 0;               // bytes of each piece but the last
  double last_chunk = 0;          // bytes of the last piece (all of it when chunks == 1)
  sc_core::sc_time last_full_at;  // arrival of the last full piece here (chunks >= 2)
  sc_core::sc_time last_at;       // arrival of the last piece here
  tlm::tlm_extension_base* clone() const override { return new StreamInfo(*this); }
  void copy_from(const tlm::tlm_extension_base& o) override { *this = static_cast<const StreamInfo&>(o); }
};

// The payload a sender (a link, MemoryX, a CS-2, a SwarmX node, an input worker) fills for
// each stream it sends. Calls are synchronous (loosely timed) and nobody keeps a payload once
// b_transport returns, so one reusable payload per sender is enough: no allocation per
// stream. Counts the transactions in `sent`, shared by all senders of a run.
class Outbox {
 public:
  explicit Outbox(long long& sent) : sent_(sent) {
    payload_.set_extension(&info_);  // borrowed: detached again in the destructor
    payload_.set_command(tlm::TLM_WRITE_COMMAND);
    payload_.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  ~Outbox() { payload_.clear_extension(&info_); }
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  tlm::tlm_generic_payload& load(const StreamInfo& s) {
    info_ = s;
    ++sent_;
    return payload_;
  }

 private:
  tlm::tlm_generic_payload payload_;
  StreamInfo info_;
  long long& sent_;
};

inline const StreamInfo& info(const tlm::tlm_generic_payload& p) { return *p.get_extension<StreamInfo>(); }

// A stream is cut into chunks of `chunk` bytes, at most kMaxChunks of them (larger chunks
// for huge streams, as the runtime would use).
constexpr int kMaxChunks = 4096;
inline double effective_chunk(double bytes, double chunk) { return std::max(chunk, bytes / kMaxChunks); }
inline int chunk_count(double bytes, double chunk) {
  if (bytes <= 0) return 1;
  const double n = std::ceil(bytes / effective_chunk(bytes, chunk));
  return n < 1 ? 1 : static_cast<int>(std::min<double>(n, kMaxChunks));
}

// A stream of `bytes` whose data is all available now at its source.
inline StreamInfo make_stream(ChunkKind kind, long long stream, double bytes, double chunk) {
  StreamInfo s;
  s.kind = kind;
  s.stream = stream;
  s.bytes = std::max(0.0, bytes);
  const double c = effective_chunk(s.bytes, chunk);
  s.chunks = chunk_count(s.bytes, chunk);
  s.chunk = s.chunks > 1 ? c : s.bytes;
  s.last_chunk = std::max(0.0, s.bytes - c * (s.chunks - 1));
  s.last_full_at = s.last_at = sc_core::sc_time_stamp();
  return s;
}

}  // namespace wafersim::sc
