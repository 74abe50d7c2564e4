#pragma once
// PE task programs for the cycle engine: what a compiled kernel runs on each PE.
// A program is a prologue, a body repeated `iterations` times and an epilogue. Sends are
// asynchronous (like a fabric-output DSD: the PE keeps computing while its outbound queue
// drains one wavelet per cycle through the RAMP); receives block until enough wavelets of the
// colour have landed in SRAM (arrivals land asynchronously, so a PE never backpressures the
// fabric); compute keeps the PE busy (minus the skipped `sparsity` fraction).
#include <cstdint>
#include <vector>

namespace wafersim::cycle {

enum class OpCode : std::uint8_t {
  send,       // n wavelets on colour `color` (queued; blocks only when the outbound queue is full)
  recv,       // wait until n wavelets of `color` have landed, then consume them
  compute,    // busy for n cycles (scaled by 1 - sparsity)
  forward,    // from now on re-send every wavelet landing on `color` on `color2` (data task);
              // wavelets that already landed are re-sent first
  wait_sent,  // wait until the outbound queue is empty
};

struct Instr {
  OpCode op = OpCode::compute;
  std::uint8_t color = 0;  // colour slot (index into FabricConfig::colors)
  std::uint8_t color2 = 0;
  std::uint32_t n = 0;
};

inline Instr send(int color, std::uint32_t n) {
  return {OpCode::send, static_cast<std::uint8_t>(color), 0, n};
}
inline Instr recv(int color, std::uint32_t n) {
  return {OpCode::recv, static_cast<std::uint8_t>(color), 0, n};
}
inline Instr compute(std::uint32_t cycles) { return {OpCode::compute, 0, 0, cycles}; }
inline Instr fixed_compute(std::uint32_t cycles) {
  return {OpCode::compute, 0, 1, cycles};
}  // not sparsity-scaled
inline Instr forward(int in, int out) {
  return {OpCode::forward, static_cast<std::uint8_t>(in), static_cast<std::uint8_t>(out), 0};
}
inline Instr wait_sent() { return {OpCode::wait_sent, 0, 0, 0}; }

struct Program {
  std::vector<Instr> pre;
  std::vector<Instr> body;
  std::uint32_t iterations = 0;
  std::vector<Instr> post;
};

}  // namespace wafersim::cycle
