// wafersim._core: the cycle-level fabric and inference entry points (bindings.hpp).
#include <fmt/format.h>
#include <pybind11/stl.h>

#include <optional>

#include "bindings.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/report/infer_report.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/report/trace.hpp"
#include "wafersim/sim/fabric_study.hpp"
#include "wafersim/sim/infer.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace py = pybind11;

namespace wafersim::python {

namespace {

// ---- The cycle-level fabric --------------------------------------------------------------

struct PyFabric {
  std::shared_ptr<const FabricStudy> study;
  std::string json;
};

PyFabric run_fabric(const std::optional<PySystem>& sys, const FabricStudyOptions& o) {
  FabricStudyOptions opt = o;
  opt.whole_wafer = sys.has_value();
  const SystemSpec spec = sys ? *sys->spec : ParsedSystemSpec::builtin().with();
  auto st = std::make_shared<FabricStudy>();
  std::string json;
  {
    py::gil_scoped_release nogil;
    *st = run_fabric_study(spec, opt);
    json = format_fabric_json(*st);
  }
  return {std::move(st), std::move(json)};
}

// ---- Inference ----------------------------------------------------------------------------

struct PyInfer {
  std::shared_ptr<const InferStats> stats;
  std::string json;
};

// infer() and its JSON report; with the band (forked runs, as `infer --uncertainty`) the report
// gains "uncertainty" exactly as the CLI's.
PyInfer run_infer(const PySystem& sys, const PyModel& model, const InferOptions& o,
                  const UncertaintyArgs& u) {
  const sweep::UncertaintyOptions band_options = uncertainty_options(u);
  auto st = std::make_shared<InferStats>();
  std::string json;
  {
    py::gil_scoped_release nogil;
    *st = infer(*sys.spec, *model.spec, o);
    if (!u.enabled) {
      json = format_infer_json(*st);
    } else {
      const KeepSignalHandlers keep;
      const sweep::UncertaintyResult band =
          sweep::estimate_infer_uncertainty(*sys.parsed, sys.overrides, *model.spec, o, band_options);
      json = sweep::report_with_uncertainty(infer_json(*st), band, sweep::infer_band_value(*st, o));
    }
  }
  return {std::move(st), std::move(json)};
}

}  // namespace

void bind_fabric_and_infer(py::module_& mod) {
  py::class_<FabricStudyOptions>(mod, "_FabricArgs")
      .def(py::init<>())
      .def_readwrite("width", &FabricStudyOptions::width)
      .def_readwrite("height", &FabricStudyOptions::height)
      .def_readwrite("pattern", &FabricStudyOptions::pattern)
      .def_readwrite("rate", &FabricStudyOptions::rate)
      .def_readwrite("cycles", &FabricStudyOptions::cycles)
      .def_readwrite("warmup", &FabricStudyOptions::warmup)
      .def_readwrite("seed", &FabricStudyOptions::seed)
      .def_readwrite("message_wavelets", &FabricStudyOptions::message_wavelets)
      .def_readwrite("colors", &FabricStudyOptions::colors)
      .def_readwrite("shards", &FabricStudyOptions::shards)
      .def_readwrite("quantum", &FabricStudyOptions::quantum);
  py::class_<PyFabric>(mod, "_FabricResult")
      .def_property_readonly("json", [](const PyFabric& f) { return f.json; })
      .def("text", [](const PyFabric& f) { return format_fabric_text(*f.study); })
      .def_property_readonly("accepted", [](const PyFabric& f) { return f.study->result.accepted; })
      .def_property_readonly("offered", [](const PyFabric& f) { return f.study->result.offered; })
      .def_property_readonly("latency_avg", [](const PyFabric& f) { return f.study->result.latency_avg; })
      .def_property_readonly("drained", [](const PyFabric& f) { return f.study->result.drained; })
      .def_property_readonly("host_s", [](const PyFabric& f) { return f.study->host_s; })
      .def("link_heat", [](const PyFabric& f) {
        const auto& r = f.study->result;
        return py::make_tuple(r.width, r.height, r.link_heat);
      });
  py::class_<InferOptions>(mod, "_InferArgs")
      .def(py::init<>())
      .def_readwrite("systems", &InferOptions::systems)
      .def_readwrite("batch", &InferOptions::batch)
      .def_readwrite("prompt", &InferOptions::prompt)
      .def_readwrite("generate", &InferOptions::generate)
      .def_readwrite("micro_batches", &InferOptions::micro_batches)
      .def_readwrite("speculate", &InferOptions::speculate)
      .def_readwrite("trace_rounds", &InferOptions::trace_rounds)
      .def_readwrite("acceptance", &InferOptions::acceptance)
      .def_readwrite("weight_bits", &InferOptions::weight_bits)
      .def_readwrite("kv_bits", &InferOptions::kv_bits)
      .def_readwrite("expert_bits", &InferOptions::expert_bits)
      .def_readwrite("arrival_rate", &InferOptions::arrival_rate)
      .def_readwrite("requests", &InferOptions::requests)
      .def_readwrite("arrival_seed", &InferOptions::seed)
      .def_readwrite("prefill_chunk", &InferOptions::prefill_chunk)
      .def_readwrite("prompt_min", &InferOptions::prompt_min)
      .def_readwrite("generate_min", &InferOptions::generate_min)
      .def_readwrite("replicas", &InferOptions::replicas)
      .def_readwrite("replica_systems", &InferOptions::replica_systems)
      .def_readwrite("prefill_replicas", &InferOptions::prefill_replicas)
      .def_readwrite("prefill_systems", &InferOptions::prefill_systems)
      .def_readwrite("prefill_batch", &InferOptions::prefill_batch)
      .def_readwrite("slo_ttft_p99", &InferOptions::slo_ttft_p99_s)
      .def_readwrite("slo_tbt_p99", &InferOptions::slo_tbt_p99_s)
      .def_readwrite("slo_tpot_p99", &InferOptions::slo_tpot_p99_s)
      .def_readwrite("request_log", &InferOptions::request_log)
      .def("set_routing",
           [](InferOptions& o, const std::string& r) { o.routing = parse_routing(r, "routing"); })
      .def("set_fidelity",
           [](InferOptions& o, const std::string& f) { o.fidelity = parse_fidelity(f, "fidelity"); })
      .def("set_draft", [](InferOptions& o, const PyModel& m) { o.draft = *m.spec; })
      .def("set_prefill_system", [](InferOptions& o, const PySystem& s) { o.prefill_spec = s.spec; })
      .def("set_request_trace",
           [](InferOptions& o, const std::string& path) {
             o.trace = std::make_shared<const RequestTrace>(load_request_trace(path));
           })
      .def("set_wafer_io",
           [](InferOptions& o, const std::string& w) { o.wafer_io = parse_wafer_io(w, "wafer_io"); })
      .def("set_layout",
           [](InferOptions& o, const std::string& l) { o.layout = parse_infer_layout(l, "layout"); });
  py::class_<PyInfer>(mod, "_InferResult")
      .def_property_readonly("json", [](const PyInfer& r) { return r.json; })
      .def("text", [](const PyInfer& r) { return format_infer_text(*r.stats); })
      .def("breakdown_text", [](const PyInfer& r) { return format_infer_breakdown(*r.stats); })
      .def("energy_text",
           [](const PyInfer& r) {
             return format_energy_report(r.stats->energy) + format_energy_report(r.stats->prefill_energy);
           })
      .def("trace_json", [](const PyInfer& r) { return trace_json(r.stats->timeline); })
      .def_property_readonly("ttft_s", [](const PyInfer& r) { return r.stats->ttft_s; })
      .def_property_readonly("tpot_s", [](const PyInfer& r) { return r.stats->tpot_s; })
      .def_property_readonly("tokens_per_s_per_user",
                             [](const PyInfer& r) { return r.stats->tokens_per_s_per_user; })
      .def_property_readonly("tokens_per_s", [](const PyInfer& r) { return r.stats->tokens_per_s; })
      .def_property_readonly("placement", [](const PyInfer& r) { return r.stats->placement; })
      .def_property_readonly("decode_bottleneck", [](const PyInfer& r) { return r.stats->decode_bottleneck; })
      .def_property_readonly("max_context", [](const PyInfer& r) { return r.stats->max_context; })
      .def_property_readonly("min_systems", [](const PyInfer& r) { return r.stats->min_systems; })
      .def("request_log_csv", [](const PyInfer& r) { return format_request_log_csv(r.stats->serving); });
  mod.def("_infer", &run_infer, py::arg("system"), py::arg("model"), py::arg("args"), py::arg("uncertainty"));
  mod.def("_fabric", &run_fabric, py::arg("system"), py::arg("args"));
}

}  // namespace wafersim::python
