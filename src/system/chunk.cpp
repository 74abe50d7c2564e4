#include "chunk.hpp"

namespace wafersim::sc {

tlm::tlm_generic_payload& PayloadPool::make(const StreamInfo& s) {
  Item& item = items_.emplace_back();
  item.info = s;
  auto& p = item.payload;
  p.set_extension(&item.info);
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return p;
}

PayloadPool::~PayloadPool() {
  for (auto& item : items_) item.payload.clear_extension(&item.info);
}

}  // namespace wafersim::sc
