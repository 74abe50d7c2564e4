#pragma once
// How the Model Zoo readers compare names (modelzoo.cpp, modelzoo_encdec.cpp).
#include <string>

namespace wafersim::frontend {

// A name as compared: lower case, '-' read as '_' ("GPT-NeoX" is "gpt_neox").
std::string lower(std::string s);

// Where a file without `model.name` says its family: its stem, and the folder above `configs/`
// (`.../gptj/configs/params_gpt_neox_20B.yaml` gives "params_gpt_neox_20b/gptj"), as lower().
std::string file_family_hint(const std::string& file);

}  // namespace wafersim::frontend
