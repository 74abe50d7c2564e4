#pragma once
// What the binding files of wafersim._core share (module.cpp defines the module; bind_infer.cpp
// the fabric and inference entry points).
#include <pybind11/pybind11.h>

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wafersim/graph/model_spec.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace wafersim::python {

// A system config: the parsed file (shared, parsed once) plus overrides, validated.
struct PySystem {
  std::shared_ptr<const ParsedSystemSpec> parsed;
  std::string path;  // empty: the built-in configs/cs2.yaml
  std::vector<Override> overrides;
  std::shared_ptr<const SystemSpec> spec;  // parsed->with(overrides)

  static PySystem make(std::shared_ptr<const ParsedSystemSpec> p, std::string path,
                       std::vector<Override> ov) {
    PySystem s{std::move(p), std::move(path), std::move(ov), nullptr};
    s.spec = std::make_shared<const SystemSpec>(s.parsed->with(s.overrides));
    return s;
  }
};

// A model, shared between the Python objects that hold it.
struct PyModel {
  std::shared_ptr<const ModelSpec> spec;
};

// The sweep executor installs SIGINT/SIGTERM handlers of its own (sweeps, the uncertainty
// band); Python's are put back when the call returns or throws.
class KeepSignalHandlers {
 public:
  KeepSignalHandlers() {
    ::sigaction(SIGINT, nullptr, &int_);
    ::sigaction(SIGTERM, nullptr, &term_);
  }
  ~KeepSignalHandlers() {
    ::sigaction(SIGINT, &int_, nullptr);
    ::sigaction(SIGTERM, &term_, nullptr);
  }
  KeepSignalHandlers(const KeepSignalHandlers&) = delete;
  KeepSignalHandlers& operator=(const KeepSignalHandlers&) = delete;

 private:
  struct sigaction int_ {
  }, term_{};
};

struct UncertaintyArgs {
  bool enabled = false;
  int samples = 64;
  std::uint64_t seed = 1;
  int jobs = 1;
};
// The band's options, checked when it is asked for (UsageError naming the keyword).
sweep::UncertaintyOptions uncertainty_options(const UncertaintyArgs& u);

// _FabricArgs, _FabricResult, _fabric, _InferArgs, _InferResult, _infer.
void bind_fabric_and_infer(pybind11::module_& mod);

}  // namespace wafersim::python
