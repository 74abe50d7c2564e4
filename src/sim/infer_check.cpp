// The decode kernels' cross-check on the cycle-level engine (infer_check.hpp).
#include "infer_check.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>

#include "wafersim/crosscheck/kernel_check.hpp"

namespace wafersim::infer_check {

void run(const SystemSpec& spec, DType compute, const LayerGraph& graph, const std::vector<GroupRef>& groups,
         double tokens, int prompt, InferStats& st) {
  // The first transformer block and the head, each on its own region: the kernels every
  // other block repeats, and the largest GEMV (the vocabulary projection).
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].attention) {
      which.push_back(i);
      break;
    }
  std::size_t head = 0;  // the target's last group (the draft's follow it)
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (!groups[i].draft) head = i;
  if (which.empty() || which.back() != head) which.push_back(head);
  int off = 0;
  for (std::size_t i : which) {
    const InferLayer& L = st.layers[i];
    for (const auto& c :
         cycle::cross_check_decode(spec, compute, graph, *groups[i].group, tokens, prompt, groups[i].keys,
                                   GroupRegion{L.h, L.w, L.dense_h, L.dense_w})) {
      const bool ok = cycle::agrees(c, 0.05);
      off += ok ? 0 : 1;
      st.kernel_checks.push_back(cycle::to_stats(c, ok, L.name + " "));
    }
  }
  st.fidelity = "cycle";
  st.notes.push_back(fmt::format(
      "--fidelity cycle: {} decode kernels of {} run on the cycle-level fabric engine on their regions; {} "
      "agree with the approx cost model within 5% (or 2 cycles)",
      st.kernel_checks.size(), which.size() == 1 ? st.layers[which[0]].name : "a block and the head",
      st.kernel_checks.size() - static_cast<std::size_t>(off)));
}

}  // namespace wafersim::infer_check
