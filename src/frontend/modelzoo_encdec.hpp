#pragma once
// Encoder-decoder models of the Cerebras Model Zoo (`t5`, `transformer`), for modelzoo.cpp.
#include <string>
#include <vector>

#include "wafersim/graph/model_spec.hpp"
#include "yaml_reader.hpp"

namespace wafersim::frontend {

// True when the model section is an encoder-decoder's: named t5 or transformer, or (R1.x files
// carry no name) it has the encoder/decoder layer counts.
bool is_modelzoo_encoder_decoder(const YamlSection& m);

// Reads T5 or the Transformer into `spec.arch` and the source and target lengths into
// `spec.training.seq` / `spec.arch.decoder_seq`: the model section `m`, the data loader section
// (`loader`, at `loader_path`: src_/tgt_max_sequence_length), the file's name (the family when
// the section has no name) and the name to give the model. Notes what it assumed.
void read_modelzoo_encoder_decoder(const YamlSection& m, const YamlSection& loader,
                                   const std::string& loader_path, const std::string& file,
                                   const std::string& name, ModelSpec& spec);

}  // namespace wafersim::frontend
