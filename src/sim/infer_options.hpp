#pragma once
// The inference options checked and completed (src/sim/infer.cpp). Internal to the sim part.
#include <string>
#include <vector>

#include "wafersim/sim/infer.hpp"

namespace wafersim::infer_options {

// `given` with its defaults filled in (lengths within the model's context: each one given its
// default is named in `defaults`; the speculative-decoding defaults); UsageError naming the
// option for a value out of range, a model that is not a decoder or a context beyond it.
InferOptions resolved(const SystemSpec& spec, const ModelSpec& model, const InferOptions& given,
                      std::vector<std::string>& defaults);

}  // namespace wafersim::infer_options
