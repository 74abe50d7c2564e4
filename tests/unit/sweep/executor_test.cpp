// The fork-per-point executor and the SQLite store, with fake points (no SystemC): every
// way a child can end is classified and recorded, and the sweep goes on.
#include "wafersim/sweep/executor.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sweep/driver.hpp"
#include "wafersim/sweep/point_runner.hpp"
#include "wafersim/sweep/store.hpp"

using namespace wafersim;
using namespace wafersim::sweep;

namespace {
std::string fake_work(std::size_t i) {
  switch (i) {
    case 1:
      throw ConfigError({"m.yaml", 3, 1}, "model.layers", "bad");
    case 2:
      throw FitError("does not fit");
    case 3:
      std::raise(SIGSEGV);
      break;
    case 4:
      std::this_thread::sleep_for(std::chrono::seconds(30));
      break;
    case 5:
      ::_exit(7);
    case 6:
      throw SimError("invariant broken");
    default:
      break;
  }
  return R"({"samples_per_s": )" + std::to_string(i) + R"(, "tiles": 10, "bottleneck": "io"})";
}

std::map<std::size_t, PointOutcome> run_all(int jobs) {
  std::map<std::size_t, PointOutcome> out;
  const bool done = run_forked(
      {0, 1, 2, 3, 4, 5, 6, 7}, fake_work, {jobs, 1.0}, [&](const PointOutcome& o) { out[o.index] = o; },
      nullptr);
  CHECK(done);
  return out;
}

struct TempDb {
  test::TempDir dir;
  std::string path = dir.file("sweep.sqlite").string();
};
}  // namespace

TEST_CASE("every child outcome is classified and the others still run", "[sweep]") {
  for (int jobs : {1, 3}) {
    const auto out = run_all(jobs);
    REQUIRE(out.size() == 8);
    CHECK(out.at(0).status == "ok");
    CHECK(out.at(0).report_json.find("\"samples_per_s\": 0") != std::string::npos);
    CHECK(out.at(1).status == "error");
    CHECK(out.at(1).error == "m.yaml:3:1: key 'model.layers': bad");
    CHECK(out.at(2).status == "error");
    CHECK(out.at(2).error == "does not fit");
    CHECK(out.at(3).status == "crashed");
    CHECK(out.at(3).error.find("signal 11") != std::string::npos);
    CHECK(out.at(4).status == "timeout");
    CHECK(out.at(5).status == "failed");
    CHECK(out.at(5).error.find("exit code 7") != std::string::npos);
    CHECK(out.at(6).status == "failed");
    CHECK(out.at(6).error == "invariant broken");
    CHECK(out.at(7).status == "ok");
  }
}

TEST_CASE("a worker runs up to points_per_process points, then a fresh one takes over", "[sweep]") {
  const auto pids_of = [](int jobs, int per_process, std::vector<std::size_t> failing) {
    std::vector<std::size_t> todo(10);
    for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
    std::map<std::size_t, PointOutcome> out;
    run_forked(
        todo,
        [&](std::size_t i) -> PointResult {
          for (std::size_t f : failing)
            if (i == f) throw SimError("failed on purpose");
          return {std::to_string(::getpid())};
        },
        {jobs, 30, 0, per_process}, [&](const PointOutcome& o) { out[o.index] = o; }, nullptr);
    REQUIRE(out.size() == todo.size());
    std::set<std::string> pids;
    for (const auto& [i, o] : out) {
      CHECK(o.status == (std::find(failing.begin(), failing.end(), i) != failing.end() ? "failed" : "ok"));
      if (o.status == "ok") pids.insert(o.report_json);
    }
    CHECK(pids.count(std::to_string(::getpid())) == 0);  // never in the parent
    return pids.size();
  };
  CHECK(pids_of(1, 1, {}) == 10);  // a process per point
  CHECK(pids_of(1, 3, {}) == 4);   // 3 + 3 + 3 + 1
  CHECK(pids_of(1, 64, {}) == 1);
  CHECK(pids_of(1, 64, {4}) == 2);  // a failure replaces the worker: points 0-3, then 5-9
  CHECK(pids_of(3, 64, {}) <= 3);
}

TEST_CASE("out of memory after other points runs once more in a fresh worker", "[sweep]") {
  std::vector<std::size_t> todo(10);
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::map<std::size_t, PointOutcome> out;
  run_forked(
      todo,
      [](std::size_t i) -> PointResult {
        static int calls = 0;  // per worker process
        ++calls;
        if (i == 5 && calls > 1) throw std::bad_alloc();  // only on a used heap
        if (i == 7) throw std::bad_alloc();               // always
        return {std::to_string(calls)};
      },
      {1, 30, 0, 64}, [&](const PointOutcome& o) { out[o.index] = o; }, nullptr);
  REQUIRE(out.size() == todo.size());
  CHECK(out.at(5).status == "ok");
  CHECK(out.at(5).report_json == "1");  // the first point of a fresh worker
  CHECK(out.at(7).status == "failed");  // failed again on a fresh heap: recorded
  CHECK(out.at(7).error.rfind("out of memory", 0) == 0);
  for (std::size_t i : {0, 1, 2, 3, 4, 6, 8, 9}) CHECK(out.at(i).status == "ok");
}

TEST_CASE("large reports and stderr floods come through whole, buffers reused", "[sweep]") {
  // Reports from 10 B to 1 MiB (the pipe holds 64 KiB, the parent reads 64 KiB at a time and
  // reuses its buffers across points), each with content that tells its index.
  const auto report = [](std::size_t i) {
    std::string r(std::size_t{10} << (2 * (i % 9)), static_cast<char>('a' + i % 26));
    r += std::to_string(i);
    return r;
  };
  std::vector<std::size_t> todo(24);
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::map<std::size_t, PointOutcome> out;
  run_forked(
      todo,
      [&](std::size_t i) -> PointResult {
        if (i == 5) {  // 200 KB on stderr, then a crash: only the tail is kept
          const std::string junk(200000, 'x');
          ::write(STDERR_FILENO, junk.data(), junk.size());
          ::write(STDERR_FILENO, "last words\n", 11);
          std::raise(SIGABRT);
        }
        return {report(i), R"({"i": )" + std::to_string(i) + "}"};
      },
      {2, 60}, [&](const PointOutcome& o) { out[o.index] = o; }, nullptr);
  REQUIRE(out.size() == todo.size());
  for (std::size_t i = 0; i < todo.size(); ++i) {
    CAPTURE(i);
    if (i == 5) {
      CHECK(out.at(i).status == "crashed");
      CHECK(out.at(i).error.size() < 2200);
      CHECK(out.at(i).error.find("last words") != std::string::npos);
      continue;
    }
    CHECK(out.at(i).status == "ok");
    CHECK(out.at(i).report_json == report(i));
    CHECK(out.at(i).metrics_json == R"({"i": )" + std::to_string(i) + "}");
  }
}

TEST_CASE("the store keeps one row per point and skips finished ones", "[sweep]") {
  TempDb db;
  const SweepSpec spec = parse_sweep_spec("axes:\n  pe.sram: [32 KiB, 48 KiB]\n  systems: [1, 2]\n", "t.yaml",
                                          WAFERSIM_SOURCE_DIR, false);
  const auto pts = expand_points(spec);
  {
    ResultStore store(db.path);
    store.prepare(spec);
    PointOutcome ok{0, "ok", "", R"({"samples_per_s": 12.5, "tiles": 100, "utilization": {"io": 0.5}})", 0.1};
    PointOutcome bad{1, "crashed", "killed by signal 11", "", 0.2};
    store.record(spec, {}, pts[0], ok, "test");
    store.record(spec, {}, pts[1], bad, "test");
    store.record(spec, {}, pts[0], ok, "test");  // again: replaced, not duplicated
    CHECK(store.finished_keys(false).size() == 2);
    CHECK(store.finished_keys(true).size() == 1);
    const Table t = store.rows({});
    REQUIRE(t.rows.size() == 2);
    const auto& row = t.rows[0];
    CHECK(row[static_cast<std::size_t>(t.column("samples_per_s"))].as_double() == 12.5);
    CHECK(row[static_cast<std::size_t>(t.column("utilization.io"))].as_double() == 0.5);
    CHECK(row[static_cast<std::size_t>(t.column("pe.sram"))].i == 32768);
    CHECK(row[static_cast<std::size_t>(t.column("systems"))].i == 1);
    CHECK(t.rows[1][static_cast<std::size_t>(t.column("status"))].s == "crashed");
    // The report is stored as given; the point's description is the one its key hashes.
    const Table full = store.rows({}, true);
    CHECK(full.rows[0][static_cast<std::size_t>(full.column("report"))].s == ok.report_json);
    CHECK(full.rows[1][static_cast<std::size_t>(full.column("report"))].type == Cell::Type::null);
    CHECK(full.rows[0][static_cast<std::size_t>(full.column("point"))].s == pts[0].description);
    CHECK(pts[0].description == describe_point(spec, {}, pts[0]));
    CHECK(pts[0].key == hash_hex(pts[0].description));
  }
  // Merge: an ok row from another database replaces a crashed one; new rows come in.
  TempDb other;
  {
    ResultStore store(other.path);
    store.prepare(spec);
    store.record(spec, {}, pts[1], {1, "ok", "", R"({"samples_per_s": 3})", 0.1}, "test");
    store.record(spec, {}, pts[2], {2, "error", "does not fit", "", 0.1}, "test");
  }
  TempDb merged;
  merge_databases({db.path, other.path}, merged.path);
  ResultStore m(merged.path);
  const Table t = m.rows({});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[1][static_cast<std::size_t>(t.column("status"))].s == "ok");
  CHECK(t.rows[2][static_cast<std::size_t>(t.column("error"))].s == "does not fit");
}

TEST_CASE("Pareto front and CSV", "[sweep]") {
  Table t;
  t.columns = {"status", "samples_per_s", "tiles", "name"};
  const auto row = [](const char* st, double s, long long tiles, const char* name) {
    std::vector<Cell> r(4);
    r[0].type = r[3].type = Cell::Type::text;
    r[0].s = st;
    r[1].type = Cell::Type::real;
    r[1].d = s;
    r[2].type = Cell::Type::integer;
    r[2].i = tiles;
    r[3].s = name;
    return r;
  };
  t.rows = {row("ok", 10, 100, "a"), row("ok", 20, 200, "b"), row("ok", 15, 300, "c"),
            row("error", 99, 1, "d"), row("ok", 20, 150, "e,\"x\"")};
  const auto front = pareto_front(t, parse_objectives("samples_per_s:max,tiles:min"));
  CHECK(front == std::vector<std::size_t>{0, 4});
  const std::string csv = format_csv(t, &front);
  CHECK(csv.rfind("status,samples_per_s,tiles,name,pareto\n", 0) == 0);
  CHECK(csv.find("ok,20,150,\"e,\"\"x\"\"\",1\n") != std::string::npos);
  CHECK_THROWS_AS(parse_objectives("samples_per_s"), UsageError);
  CHECK_THROWS_AS(parse_objectives("tiles:smallest"), UsageError);
}

TEST_CASE("a real point runs in a child, and the parent never elaborates SystemC", "[sweep]") {
  const SweepSpec spec = parse_sweep_spec(
      "system: configs/small-wafer.yaml\nmodel: models/tiny-gpt.yaml\naxes:\n  systems: [1, 2]\n  mode: "
      "[weight-streaming]\n",
      "t.yaml", WAFERSIM_SOURCE_DIR);
  const PointRunner runner(spec);
  const auto pts = expand_points(spec, runner.context());
  std::map<std::size_t, PointOutcome> out;
  run_forked(
      {0, 1}, [&](std::size_t i) { return runner.run(pts[i]); }, {2, 60},
      [&](const PointOutcome& o) { out[o.index] = o; }, nullptr);
  REQUIRE(out.size() == 2);
  CHECK(out.at(0).status == "ok");
  CHECK(out.at(1).status == "ok");
  CHECK(out.at(1).report_json.find("\"systems\": 2") != std::string::npos);
  CHECK(out.at(1).report_json.find("\"systems\": 2") != std::string::npos);
  // The child hands over the report's columns; storing them gives the very row that
  // extracting them from the report in the parent gives.
  REQUIRE(!out.at(1).metrics_json.empty());
  CHECK(out.at(1).metrics_json.find('\n') == std::string::npos);
  TempDb with, without;
  PointOutcome bare = out.at(1);
  bare.metrics_json.clear();
  ResultStore a(with.path), b(without.path);
  a.prepare(spec);
  b.prepare(spec);
  a.record(spec, runner.context(), pts[1], out.at(1), "test");
  b.record(spec, runner.context(), pts[1], bare, "test");
  const Table ta = a.rows({}, true), tb = b.rows({}, true);
  REQUIRE(ta.columns == tb.columns);
  REQUIRE(ta.rows.size() == 1);
  REQUIRE(tb.rows.size() == 1);
  for (std::size_t c = 0; c < ta.columns.size(); ++c) {
    CAPTURE(ta.columns[c]);
    CHECK(ta.rows[0][c].str() == tb.rows[0][c].str());
  }
  CHECK(ta.rows[0][static_cast<std::size_t>(ta.column("samples_per_s"))].as_double() > 0);
}

TEST_CASE("a model axis runs each point on its own model and stores its file", "[sweep]") {
  const SweepSpec spec = parse_sweep_spec(
      "command: infer\nsystem: configs/cs2.yaml\nmodel: models/tiny-gpt.yaml\naxes:\n"
      "  model: [models/tiny-gpt.yaml, models/gpt2-small.yaml]\n",
      "t.yaml", WAFERSIM_SOURCE_DIR);
  const PointRunner runner(spec);
  const auto pts = expand_points(spec, runner.context());
  REQUIRE(pts.size() == 2);
  // The same file as the sweep's `model:` gives the same key as a sweep without the axis would.
  CHECK(runner.context().model_hashes.at(spec.axes[0].files[0]) == runner.context().model_hash);
  CHECK(pts[0].key != pts[1].key);
  std::map<std::size_t, PointOutcome> out;
  run_forked(
      {0, 1}, [&](std::size_t i) { return runner.run(pts[i]); }, {2, 60},
      [&](const PointOutcome& o) { out[o.index] = o; }, nullptr);
  REQUIRE(out.size() == 2);
  CHECK(out.at(0).report_json.find("\"model\": \"tiny-gpt\"") != std::string::npos);
  CHECK(out.at(1).report_json.find("\"model\": \"gpt2-small\"") != std::string::npos);
  TempDb db;
  ResultStore store(db.path);
  store.prepare(spec);
  for (std::size_t i = 0; i < 2; ++i) store.record(spec, runner.context(), pts[i], out.at(i), "test");
  const Table t = store.rows({}, false);
  REQUIRE(t.rows.size() == 2);
  const auto file = static_cast<std::size_t>(t.column("model_file"));
  const auto name = static_cast<std::size_t>(t.column("model"));
  CHECK(t.rows[0][file].str() == "models/tiny-gpt.yaml");
  CHECK(t.rows[1][file].str() == "models/gpt2-small.yaml");
  CHECK(t.rows[1][name].str() == "gpt2-small");
}
