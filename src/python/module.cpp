// wafersim._core: the C++ facade bound for Python (pybind11). The package's __init__.py adds
// the pandas conversions and re-exports; docs/python.md is the user's guide.
//
// Every entry point is a facade function the CLI calls too (simulate, place_pipelined,
// build_model_graph + graph_json, run_sweep_rows, estimate_uncertainty), so a Python result is
// the CLI's, byte for byte. The GIL is released while C++ works: simulate() is re-entrant and
// thread-safe (its SystemC part runs one at a time, src/system/sc_session.hpp).
#include <fmt/format.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"
#include "wafersim/frontend/model_loader.hpp"
#include "wafersim/graph/graph_format.hpp"
#include "wafersim/report/json_report.hpp"
#include "wafersim/report/placement_image.hpp"
#include "wafersim/report/report.hpp"
#include "wafersim/report/trace.hpp"
#include "wafersim/sim/simulator.hpp"
#include "wafersim/spec/param_ranges.hpp"
#include "wafersim/spec/system_spec.hpp"
#include "wafersim/sweep/driver.hpp"
#include "wafersim/sweep/uncertainty.hpp"

namespace py = pybind11;
using namespace wafersim;
using wafersim::python::KeepSignalHandlers;
using wafersim::python::PyModel;
using wafersim::python::PySystem;
using wafersim::python::UncertaintyArgs;

namespace wafersim {
const char* wafersim_version();  // generated (cmake/embed_files.cmake)

sweep::UncertaintyOptions python::uncertainty_options(const UncertaintyArgs& u) {
  if (u.enabled && (u.samples < 8 || u.samples > 100000))
    throw UsageError(fmt::format("samples={}: expected 8..100000", u.samples));
  if (u.enabled && u.jobs < 1) throw UsageError(fmt::format("jobs={}: expected at least 1", u.jobs));
  return {u.samples, u.seed, u.jobs};
}
}  // namespace wafersim

namespace {

// ---- Inputs -------------------------------------------------------------------------------

std::string override_value(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) return py::repr(v).cast<std::string>();
  throw UsageError(fmt::format("with_overrides: value {} is a {}; expected a str, int or float",
                               py::repr(v).cast<std::string>(),
                               py::type::of(v).attr("__name__").cast<std::string>()));
}

PySystem with_overrides(const PySystem& base, const py::dict& values) {
  std::vector<Override> ov = base.overrides;
  for (const auto& [k, v] : values) {
    if (!py::isinstance<py::str>(k))
      throw UsageError("with_overrides: keys are parameter paths such as \"io.port_bandwidth\"");
    ov.push_back({k.cast<std::string>(), override_value(v), "with_overrides"});
  }
  return PySystem::make(base.parsed, base.path, std::move(ov));
}

int positive(const char* what, int v) {
  if (v < 1) throw UsageError(fmt::format("{}={}: expected a positive whole number", what, v));
  return v;
}

PyModel model_with(const PyModel& m, std::optional<int> batch, std::optional<int> seq) {
  auto s = std::make_shared<ModelSpec>(*m.spec);
  if (batch) s->training.batch = positive("batch", *batch);
  if (seq) {
    s->training.seq = positive("seq", *seq);
    s->training.seq_source = "--seq";  // the report names the CLI option: the same bytes as `run --seq`
  }
  return {s};
}

// ---- Results ------------------------------------------------------------------------------

struct PyResult {
  std::shared_ptr<const RunStats> stats;
  std::string json;  // the JSON report, exactly as `wafersim run --json` writes it
};

py::dict utilization(const RunStats& s) {
  py::dict d;
  d["compute"] = s.utilization.compute;
  d["fabric"] = s.utilization.fabric;
  d["io"] = s.utilization.io;
  d["memoryx"] = s.utilization.memoryx;
  d["swarmx"] = s.utilization.swarmx;
  d["input"] = s.utilization.input;
  return d;
}

// Weight streaming's step boundary (docs/observability.md); None in pipelined mode.
py::object step_boundary(const RunStats& s) {
  const auto& b = s.step_boundary;
  if (!b.present) return py::none();
  py::dict d;
  d["reduce_s"] = b.reduce_s;
  d["update_s"] = b.update_s;
  d["broadcast_s"] = b.broadcast_s;
  d["chain_s"] = b.chain_s;
  d["overhead_s"] = b.overhead_s;
  d["exposed_s"] = b.exposed_s;
  d["swarmx_levels"] = b.swarmx_levels;
  return d;
}

struct RunArgs {
  int systems = 1;
  std::optional<int> batch, seq, steps;
  std::string mode = "weight-streaming";
  std::string fidelity = "approx";
  bool trace = false;
  int trace_steps = 2;
  bool tile_maps = false;
};

RunOptions run_options(const RunArgs& a) {
  RunOptions o;
  o.mode = parse_mode(a.mode, "mode");
  o.fidelity = parse_fidelity(a.fidelity, "fidelity");
  o.systems = positive("systems", a.systems);
  if (a.steps) {
    if (*a.steps < 2 || *a.steps > 1000)
      throw UsageError(fmt::format("steps={}: expected 2..1000 (the first step is warm-up)", *a.steps));
    o.steps = *a.steps;
  }
  o.trace = a.trace;
  o.trace_steps = positive("trace_steps", a.trace_steps);
  o.tile_maps = a.tile_maps;
  return o;
}

// simulate() and the JSON report; with the band (forked runs, before this run, as the CLI
// orders them) the report gains "uncertainty" exactly as `wafersim run --uncertainty --json`.
PyResult run(const PySystem& sys, const PyModel& model, const RunArgs& a, const UncertaintyArgs& u) {
  const RunOptions opt = run_options(a);
  const PyModel m = (a.batch || a.seq) ? model_with(model, a.batch, a.seq) : model;
  const sweep::UncertaintyOptions band_options = python::uncertainty_options(u);
  auto stats = std::make_shared<RunStats>();
  std::string json;
  {
    py::gil_scoped_release nogil;
    std::optional<sweep::UncertaintyResult> band;
    if (u.enabled) {
      const KeepSignalHandlers keep;
      RunOptions quiet = opt;
      quiet.trace = quiet.tile_maps = false;
      band = sweep::estimate_uncertainty(*sys.parsed, sys.overrides, *m.spec, quiet, band_options);
    }
    *stats = simulate(*sys.spec, *m.spec, opt);
    if (!band) {
      json = format_json_report(*stats);
    } else {
      json = sweep::report_with_uncertainty(json_report(*stats), *band, stats->samples_per_s);
    }
  }
  return {std::move(stats), std::move(json)};
}

// ---- Sweeps -------------------------------------------------------------------------------

py::object cell_value(const sweep::Cell& c) {
  switch (c.type) {
    case sweep::Cell::Type::integer:
      return py::int_(c.i);
    case sweep::Cell::Type::real:
      return py::float_(c.d);
    case sweep::Cell::Type::text:
      return py::str(c.s);
    case sweep::Cell::Type::null:
      break;
  }
  return py::none();
}

// Runs the sweep file (forked points, as `wafersim sweep`) and returns (columns, rows).
py::tuple run_sweep_py(const std::string& file, const std::string& db, int jobs, double timeout_s,
                       bool retry_failed, bool progress, const std::string& memory_limit,
                       int points_per_process) {
  if (points_per_process < 1)
    throw UsageError(fmt::format("points_per_process={}: expected at least 1", points_per_process));
  sweep::SweepOptions o;
  o.points_per_process = points_per_process;
  o.db = db;
  o.jobs = jobs;
  o.timeout_s = timeout_s;
  o.retry_failed = retry_failed;
  o.progress = progress;
  o.memory_limit = memory_limit;
  sweep::SweepRun r;
  {
    const KeepSignalHandlers keep;
    py::gil_scoped_release nogil;
    r = sweep::run_sweep_rows(file, o);
  }
  if (r.exit_code == 130)
    throw py::error_already_set([] {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
      return py::error_already_set();
    }());
  py::list rows;
  for (const auto& row : r.rows.rows) {
    py::list values;
    for (const auto& c : row) values.append(cell_value(c));
    rows.append(py::tuple(values));
  }
  return py::make_tuple(r.rows.columns, rows);
}

// ---- Exceptions ---------------------------------------------------------------------------

// Python classes for the C++ error types (created in the module init; never freed).
PyObject* g_error = nullptr;
PyObject* g_config_error = nullptr;
PyObject* g_usage_error = nullptr;
PyObject* g_fit_error = nullptr;
PyObject* g_sim_error = nullptr;

void raise(PyObject* type, const std::exception& e, const std::function<void(py::object&)>& attrs = {}) {
  py::object inst = py::reinterpret_borrow<py::object>(type)(e.what());
  if (attrs) attrs(inst);
  PyErr_SetObject(type, inst.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const ConfigError& e) {
    raise(g_config_error, e, [&e](py::object& o) {
      o.attr("file") = e.loc().file;
      o.attr("line") = e.loc().line;
      o.attr("column") = e.loc().column;
      o.attr("key") = e.key();
      o.attr("detail") = e.detail();
    });
  } catch (const UsageError& e) {
    raise(g_usage_error, e);
  } catch (const FitError& e) {
    raise(g_fit_error, e);
  } catch (const SimError& e) {
    raise(g_sim_error, e);
  }
}

PyObject* new_exception(py::module_& mod, const char* name, PyObject* base, const char* doc) {
  const std::string full = std::string("wafersim.") + name;
  PyObject* t = PyErr_NewExceptionWithDoc(full.c_str(), doc, base, nullptr);
  if (t == nullptr) throw py::error_already_set();
  mod.add_object(name, py::handle(t));
  return t;
}

}  // namespace

PYBIND11_MODULE(_core, mod) {
  mod.doc() = "wafersim's C++ core (use the `wafersim` package, not this module).";
  mod.attr("__version__") = wafersim_version();
  mod.attr("REPORT_SCHEMA_VERSION") = kReportSchemaVersion;

  g_error = new_exception(mod, "Error", PyExc_Exception, "Base class of every wafersim error.");
  {
    py::tuple bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
    g_config_error = new_exception(
        mod, "ConfigError", bases.ptr(),
        "Bad input in a file: attributes file, line, column (1-based; 0 when unknown), key and detail.");
  }
  {
    py::tuple bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
    g_usage_error = new_exception(mod, "UsageError", bases.ptr(),
                                  "A bad argument (its name is in the message), as the CLI's exit code 2.");
  }
  g_fit_error = new_exception(mod, "FitError", g_error,
                              "The model does not fit, or cannot run, on this hardware (CLI exit code 2).");
  g_sim_error = new_exception(mod, "SimError", g_error,
                              "The simulation itself failed (deadlock, broken invariant; CLI exit code 1).");
  py::register_exception_translator(&translate);

  py::class_<PySystem>(mod, "System",
                       R"(A system configuration (configs/*.yaml): the parsed file plus overrides.

Immutable: with_overrides() returns a new System. Validation happens when a System is made,
so a bad file or override raises ConfigError/UsageError at once.)")
      .def_static(
          "load",
          [](const std::string& path) {
            return PySystem::make(std::make_shared<const ParsedSystemSpec>(ParsedSystemSpec::from_file(path)),
                                  path, {});
          },
          py::arg("path"), "Loads and validates a system config YAML (ConfigError names file, line and key).")
      .def_static(
          "builtin",
          [] {
            return PySystem::make(std::make_shared<const ParsedSystemSpec>(ParsedSystemSpec::builtin()), "",
                                  {});
          },
          "The built-in CS-2 (configs/cs2.yaml compiled in), what `wafersim run` uses without --system.")
      .def(
          "with_overrides", &with_overrides, py::arg("values"),
          R"(A copy with parameters overridden, as `--set path=value` would: {"io.port_bandwidth": "200 Gb/s"}.

Values are strings with units ("48 KiB", "1.1 GHz") or numbers. `wafersim.params()` lists the paths.)")
      .def(
          "value", [](const PySystem& s, const std::string& path) { return param_numeric(*s.spec, path); },
          py::arg("path"),
          "A numeric parameter's value in base units (Hz, bytes, bit/s, s, or the number), overrides "
          "applied: value(\"pe.clock\") -> 1.1e9. UsageError for an unknown or non-numeric path.")
      .def_property_readonly(
          "name", [](const PySystem& s) { return s.spec->name; }, "The config's `name`.")
      .def_property_readonly(
          "path", [](const PySystem& s) { return s.path; },
          "The file it was loaded from ('' for the built-in CS-2).")
      .def_property_readonly(
          "overrides",
          [](const PySystem& s) {
            py::dict d;
            for (const auto& o : s.overrides) d[py::str(o.path)] = o.value;
            return d;
          },
          "The overrides applied, {path: value}.")
      .def_property_readonly(
          "ranges",
          [](const PySystem& s) {
            py::list out;
            for (const auto& r : s.parsed->ranges()) {
              py::dict d;
              d["path"] = r.path;
              d["lo"] = r.lo_text;
              d["hi"] = r.hi_text;
              d["reason"] = r.reason;
              out.append(d);
            }
            return out;
          },
          "The file's `range LO .. HI: reason` annotations (what --uncertainty samples).")
      .def("__repr__", [](const PySystem& s) {
        return fmt::format(
            "<wafersim.System '{}' from {}{}>", s.spec->name, s.path.empty() ? "<built-in cs2.yaml>" : s.path,
            s.overrides.empty() ? "" : fmt::format(" with {} override(s)", s.overrides.size()));
      });

  py::class_<PyModel>(
      mod, "Model",
      R"(A model to train: native YAML, Cerebras Model Zoo YAML, HuggingFace config.json or ONNX.

Immutable: with_batch()/with_seq() return new Models.)")
      .def_static(
          "load",
          [](const std::string& path, const std::string& format, bool allow_unmodelled) {
            LoadOptions o;
            o.format = format;
            o.allow_unmodelled = allow_unmodelled;
            return PyModel{std::make_shared<const ModelSpec>(load_model(path, o))};
          },
          py::arg("path"), py::arg("format") = "auto", py::arg("allow_unmodelled") = false,
          R"(Loads a model file. format: auto (from the content) | native | modelzoo | huggingface | onnx.
allow_unmodelled: ONNX ops the simulator does not model run at zero cost (with a note) instead of raising.)")
      .def_static(
          "builtin", [] { return PyModel{std::make_shared<const ModelSpec>(default_model())}; },
          "The built-in GPT-2 small (models/gpt2-small.yaml), what `wafersim run` uses without --model.")
      .def(
          "with_batch", [](const PyModel& m, int b) { return model_with(m, b, std::nullopt); },
          py::arg("batch"), "A copy with the global batch (sequences) set.")
      .def(
          "with_seq", [](const PyModel& m, int s) { return model_with(m, std::nullopt, s); }, py::arg("seq"),
          "A copy with the sequence length set.")
      .def(
          "with_micro_batch",
          [](const PyModel& m, const py::object& v) {
            // The same spellings as `run --micro-batch`: "auto", "none", "explore", or a count.
            const bool ok =
                !py::isinstance<py::bool_>(v) && (py::isinstance<py::int_>(v) || py::isinstance<py::str>(v));
            const std::string text = ok ? py::str(v).cast<std::string>() : std::string("?");
            MicroBatchSetting mbs;
            if (!parse_micro_batch(text, mbs))
              throw UsageError(fmt::format("with_micro_batch({}): expected {}",
                                           py::repr(v).cast<std::string>(), kMicroBatchExpected));
            mbs.source = "--micro-batch";  // the report names the CLI option: the same bytes as `run`
            auto s = std::make_shared<ModelSpec>(*m.spec);
            s->training.micro_batch = mbs;
            return PyModel{s};
          },
          py::arg("micro_batch"),
          "A copy with the weight-streaming micro-batch setting: \"auto\", \"none\", \"explore\" or "
          "a positive int, as `run --micro-batch`.")
      .def_property_readonly(
          "micro_batch", [](const PyModel& m) { return to_string(m.spec->training.micro_batch); },
          "The micro-batch setting: auto | none | explore | N (a Model Zoo file's micro_batch_size).")
      .def_property_readonly("name", [](const PyModel& m) { return m.spec->arch.name; })
      .def_property_readonly(
          "source", [](const PyModel& m) { return m.spec->source; }, "The file it came from.")
      .def_property_readonly(
          "format", [](const PyModel& m) { return m.spec->format; },
          "native | modelzoo-r1 | modelzoo-r2 | huggingface | onnx")
      .def_property_readonly("batch", [](const PyModel& m) { return m.spec->training.batch; })
      .def_property_readonly("seq", [](const PyModel& m) { return m.spec->training.seq; })
      .def_property_readonly("layers", [](const PyModel& m) { return m.spec->arch.layers; })
      .def_property_readonly("hidden", [](const PyModel& m) { return m.spec->arch.hidden; })
      .def_property_readonly(
          "notes", [](const PyModel& m) { return m.spec->notes; },
          "What the front-end inferred rather than read.")
      .def(
          "graph_json",
          [](const PyModel& m) {
            py::gil_scoped_release nogil;
            return graph_json(m.spec->arch.name, build_model_graph(*m.spec));
          },
          "The layer graph as JSON text (`wafersim graph --format json`).")
      .def(
          "graph_text",
          [](const PyModel& m) {
            py::gil_scoped_release nogil;
            return graph_text(m.spec->arch.name, build_model_graph(*m.spec));
          },
          "The layer graph as a text table (`wafersim graph`).")
      .def("__repr__", [](const PyModel& m) {
        return fmt::format("<wafersim.Model '{}' ({}) batch {} seq {}>", m.spec->arch.name, m.spec->format,
                           m.spec->training.batch, m.spec->training.seq);
      });

  py::class_<RunArgs>(mod, "_RunArgs")
      .def(py::init<>())
      .def_readwrite("systems", &RunArgs::systems)
      .def_readwrite("batch", &RunArgs::batch)
      .def_readwrite("seq", &RunArgs::seq)
      .def_readwrite("steps", &RunArgs::steps)
      .def_readwrite("mode", &RunArgs::mode)
      .def_readwrite("fidelity", &RunArgs::fidelity)
      .def_readwrite("trace", &RunArgs::trace)
      .def_readwrite("trace_steps", &RunArgs::trace_steps)
      .def_readwrite("tile_maps", &RunArgs::tile_maps);

  py::class_<PyResult>(mod, "_Result")
      .def_property_readonly("samples_per_s", [](const PyResult& r) { return r.stats->samples_per_s; })
      .def_property_readonly("tokens_per_s", [](const PyResult& r) { return r.stats->tokens_per_s; })
      .def_property_readonly("step_time_s", [](const PyResult& r) { return r.stats->step_time_s; })
      .def_property_readonly("mfu", [](const PyResult& r) { return r.stats->mfu; })
      .def_property_readonly("bottleneck", [](const PyResult& r) { return r.stats->bottleneck; })
      .def_property_readonly("bottleneck_reason",
                             [](const PyResult& r) { return r.stats->bottleneck_reason; })
      .def_property_readonly("mode", [](const PyResult& r) { return r.stats->mode; })
      .def_property_readonly("systems", [](const PyResult& r) { return r.stats->systems; })
      .def_property_readonly("batch", [](const PyResult& r) { return r.stats->batch; })
      .def_property_readonly("seq", [](const PyResult& r) { return r.stats->seq; })
      .def_property_readonly("utilization", [](const PyResult& r) { return utilization(*r.stats); })
      .def_property_readonly("step_boundary", [](const PyResult& r) { return step_boundary(*r.stats); })
      .def_property_readonly("json", [](const PyResult& r) { return r.json; })
      .def("text", [](const PyResult& r) { return format_text_report(*r.stats); })
      .def("breakdown_text", [](const PyResult& r) { return format_breakdown(*r.stats); })
      .def("energy_text", [](const PyResult& r) { return format_energy_report(r.stats->energy); })
      .def("trace_json", [](const PyResult& r) { return trace_json(r.stats->timeline); })
      .def("placement_text", [](const PyResult& r) { return placement_summary(*r.stats); })
      .def("tile_map", [](const PyResult& r, const std::string& which) {
        const RunStats& s = *r.stats;
        if (which != "sram" && which != "busy" && which != "links")
          throw UsageError(fmt::format("tile_map('{}'): expected 'sram', 'busy' or 'links'", which));
        const auto& v = which == "sram" ? s.map_sram : which == "busy" ? s.map_busy : s.map_links;
        return py::make_tuple(s.map_width, s.map_height, v);
      });

  py::class_<UncertaintyArgs>(mod, "_UncertaintyArgs")
      .def(py::init<>())
      .def_readwrite("enabled", &UncertaintyArgs::enabled)
      .def_readwrite("samples", &UncertaintyArgs::samples)
      .def_readwrite("seed", &UncertaintyArgs::seed)
      .def_readwrite("jobs", &UncertaintyArgs::jobs);
  wafersim::python::bind_fabric_and_infer(mod);
  mod.def("_run", &run, py::arg("system"), py::arg("model"), py::arg("args"), py::arg("uncertainty"));
  mod.def(
      "_place",
      [](const PySystem& sys, const PyModel& model) {
        auto stats = std::make_shared<RunStats>();
        std::string json;
        {
          py::gil_scoped_release nogil;
          *stats = place_pipelined(*sys.spec, *model.spec);
          json = format_json_report(*stats);
        }
        return PyResult{std::move(stats), std::move(json)};
      },
      py::arg("system"), py::arg("model"));
  mod.def("_sweep", &run_sweep_py);
  mod.def("_dump_json", [](const std::string& text) {
    // Parsed and printed by the writer the reports use (doubles parse to the same value).
    nlohmann::ordered_json j;
    try {
      j = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(fmt::format("dumps: {}", e.what()));
    }
    return json_text(j, 2) + "\n";
  });
  mod.def("_params", [] {
    py::list out;
    for (const auto& p : system_params()) {
      py::dict d;
      d["path"] = p.path;
      d["type"] = p.type;
      d["default"] = p.required ? py::object(py::none()) : py::object(py::str(p.default_value));
      d["required"] = p.required;
      d["description"] = p.description;
      out.append(d);
    }
    return out;
  });
}
