#include "chunk.hpp"

namespace wafersim::sc {

tlm::tlm_generic_payload& PayloadPool::make(ChunkKind kind, long long stream, int index, int count,
                                            double bytes) {
  Item& item = items_.emplace_back();
  auto& p = item.payload;
  ChunkInfo* c = &item.info;
  c->kind = kind;
  c->stream = stream;
  c->index = index;
  c->count = count;
  c->bytes = bytes;
  p.set_extension(c);
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return p;
}

PayloadPool::~PayloadPool() {
  for (auto& item : items_) item.payload.clear_extension(&item.info);
}

}  // namespace wafersim::sc
