// SQLite results store. WAL + synchronous=NORMAL: a committed point survives the process
// being killed at any moment (only an OS crash/power loss can roll back the last commits, and
// never corrupts the file). One transaction per point, so a point is either fully stored or
// absent; the primary key on the point hash makes duplicates impossible.
#include "wafersim/sweep/store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "wafersim/core/error.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim::sweep {
namespace {

std::string quote_ident(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// Column name -> JSON pointer in the report.
const std::vector<std::pair<std::string, std::string>>& metric_map() {
  static const std::vector<std::pair<std::string, std::string>> m = {
      {"run_mode", "/mode"},
      {"system", "/system"},
      {"model", "/model"},
      {"micro_batch", "/micro_batch"},
      {"micro_batches", "/micro_batches"},
      {"micro_batch_setting", "/micro_batch_setting"},
      {"checkpoints", "/checkpoints"},
      {"tiles", "/tiles"},
      {"step_time_s", "/step_time_s"},
      {"samples_per_s", "/samples_per_s"},
      {"tokens_per_s", "/tokens_per_s"},
      {"model_flops_per_step", "/model_flops_per_step"},
      {"model_flops_per_s", "/model_flops_per_s"},
      {"peak_flops_per_s", "/peak_flops_per_s"},
      {"mfu", "/mfu"},
      {"bottleneck", "/bottleneck"},
      {"bottleneck_reason", "/bottleneck_reason"},
      {"utilization.compute", "/utilization/compute"},
      {"utilization.fabric", "/utilization/fabric"},
      {"utilization.io", "/utilization/io"},
      {"utilization.memoryx", "/utilization/memoryx"},
      {"utilization.swarmx", "/utilization/swarmx"},
      {"utilization.input", "/utilization/input"},
      {"sram.min", "/sram_per_tile_bytes/min"},
      {"sram.mean", "/sram_per_tile_bytes/mean"},
      {"sram.max", "/sram_per_tile_bytes/max"},
      {"sram.capacity", "/sram_per_tile_bytes/capacity"},
      {"placement_strategy", "/placement_strategy"},
      {"max_link_utilization", "/max_link_utilization"},
      // Weight streaming's step boundary (docs/observability.md): the chain and what of it the
      // host overhead does not hide.
      {"step_boundary_chain_s", "/step_boundary/chain_s"},
      {"step_boundary_exposed_s", "/step_boundary/exposed_s"},
      // Inference points (`command: infer`).
      {"prompt", "/prompt"},
      {"generate", "/generate"},
      {"context", "/context"},
      {"placement", "/placement"},
      {"wafer_io", "/wafer_io"},
      {"layout", "/layout"},
      {"weight_bits", "/weight_bits"},
      {"expert_bits", "/expert_bits"},
      {"kv_bits", "/kv_bits"},
      // Serving (`arrival_rate`): the request-level figures.
      {"arrival_rate", "/serving/arrival_rate"},
      {"requests", "/serving/requests"},
      {"prefill_chunk", "/serving/prefill_chunk"},
      {"replicas", "/serving/replicas"},
      {"routing", "/serving/routing"},
      {"prefill_replicas", "/serving/prefill_replicas"},
      {"prefill_systems", "/serving/prefill_systems"},
      {"prefill_batch", "/serving/prefill_batch"},
      {"prefill_system", "/serving/prefill_system"},
      {"serving.kv_transfer_mean_s", "/serving/kv_transfer_s/mean"},
      {"serving.energy_per_output_token_j", "/serving/energy/per_output_token_j"},
      {"serving.mean_power_w", "/serving/energy/mean_power_w"},
      {"slo_ttft_p99", "/capacity/slo/ttft_p99_s"},
      {"slo_tbt_p99", "/capacity/slo/tbt_p99_s"},
      {"slo_tpot_p99", "/capacity/slo/tpot_p99_s"},
      {"capacity.rate", "/capacity/rate"},
      {"capacity.tokens_per_s", "/capacity/tokens_per_s"},
      {"capacity.bound", "/capacity/bound"},
      {"prompt_min", "/serving/prompt_range/0"},
      {"generate_min", "/serving/generate_range/0"},
      {"serving.ttft_p50_s", "/serving/ttft_s/p50"},
      {"serving.ttft_p99_s", "/serving/ttft_s/p99"},
      {"serving.tpot_p50_s", "/serving/tpot_s/p50"},
      {"serving.tpot_p99_s", "/serving/tpot_s/p99"},
      {"serving.tbt_p99_s", "/serving/tbt_s/p99"},
      {"serving.tbt_max_s", "/serving/tbt_s/max"},
      {"serving.tokens_per_s", "/serving/tokens_per_s"},
      {"serving.requests_per_s", "/serving/requests_per_s"},
      {"serving.mean_batch", "/serving/mean_batch"},
      {"serving.prefill_fraction", "/serving/prefill_fraction"},
      {"ttft_s", "/ttft_s"},
      {"tpot_s", "/tpot_s"},
      {"tokens_per_s_per_user", "/tokens_per_s_per_user"},
      {"prefill_bottleneck", "/prefill_bottleneck"},
      {"decode_bottleneck", "/decode_bottleneck"},
      {"utilization.decode_compute", "/utilization/decode_compute"},
      {"utilization.decode_sram_bandwidth", "/utilization/decode_sram_bandwidth"},
      {"utilization.links", "/utilization/links"},
      {"min_systems", "/memory/min_systems"},
      {"max_context", "/memory/max_context"},
      // Energy (systems with an energy: section; docs/energy.md): training per step and sample,
      // inference per decode round's output token and per prompt token.
      {"energy_per_step_j", "/energy/joules"},
      {"energy_per_sample_j", "/energy/joules_per_unit"},
      {"samples_per_kj", "/energy/units_per_kj"},
      {"system_power_w", "/energy/system_power_w"},
      {"wafer_power_w", "/energy/wafer_power_w"},
      {"cluster_power_w", "/energy/cluster_power_w"},
      {"energy_per_token_j", "/energy/decode/joules_per_unit"},
      {"tokens_per_kj", "/energy/decode/units_per_kj"},
      {"decode_system_power_w", "/energy/decode/system_power_w"},
      {"decode_cluster_power_w", "/energy/decode/cluster_power_w"},
      {"prefill_energy_per_token_j", "/energy/prefill/joules_per_unit"},
  };
  return m;
}

// Columns every database has, in order; axis columns are appended per sweep.
const char* const kSchema = R"(CREATE TABLE IF NOT EXISTS points (
  key TEXT PRIMARY KEY, sweep TEXT, idx INTEGER, status TEXT NOT NULL, error TEXT,
  wall_s REAL, version TEXT, mode TEXT, systems INTEGER, batch INTEGER, seq INTEGER, steps INTEGER,
  point TEXT, report TEXT))";

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("sqlite: {} in: {}", sqlite3_errmsg(db), sql));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() { return s_; }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(fmt::format("sqlite: {}", sqlite3_errmsg(db_)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

void bind(sqlite3_stmt* s, int i, const Cell& c) {
  switch (c.type) {
    case Cell::Type::null:
      sqlite3_bind_null(s, i);
      break;
    case Cell::Type::integer:
      sqlite3_bind_int64(s, i, c.i);
      break;
    case Cell::Type::real:
      sqlite3_bind_double(s, i, c.d);
      break;
    case Cell::Type::text:
      // The cells outlive the statement's step: SQLite need not copy them.
      sqlite3_bind_text(s, i, c.s.data(), static_cast<int>(c.s.size()), SQLITE_STATIC);
      break;
  }
}

Cell text(const std::string& s) {
  Cell c;
  c.type = Cell::Type::text;
  c.s = s;
  return c;
}
Cell integer(long long v) {
  Cell c;
  c.type = Cell::Type::integer;
  c.i = v;
  return c;
}
Cell real(double v) {
  Cell c;
  c.type = Cell::Type::real;
  c.d = v;
  return c;
}

template <class J>
nlohmann::json metrics_of(const J& report) {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [name, ptr] : metric_map()) {
    const typename J::json_pointer p(ptr);
    if (report.contains(p)) m[name] = report.at(p);
  }
  // The report knows the batch and seq the model file defaulted to.
  for (const char* k : {"batch", "seq", "steps"})
    if (report.contains(k)) m[k] = report[k];
  return m;
}

Cell from_json(const nlohmann::json& j) {
  if (j.is_string()) return text(j.get<std::string>());
  if (j.is_number_integer() || j.is_number_unsigned()) return integer(j.get<long long>());
  if (j.is_number()) return real(j.get<double>());
  return {};
}

Cell read_cell(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
      return integer(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
      return real(sqlite3_column_double(s, i));
    case SQLITE_TEXT:
      return text(reinterpret_cast<const char*>(sqlite3_column_text(s, i)));
    default:
      return {};
  }
}

}  // namespace

std::string report_metrics_json(const nlohmann::ordered_json& report) {
  return json_text(metrics_of(report));
}

std::string Cell::str() const {
  switch (type) {
    case Type::integer:
      return fmt::format("{}", i);
    case Type::real:
      return fmt::format("{}", d);
    case Type::text:
      return s;
    default:
      return "";
  }
}

int Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

const std::vector<std::string>& metric_columns() {
  static const std::vector<std::string> cols = [] {
    std::vector<std::string> c;
    for (const auto& [name, ptr] : metric_map()) c.push_back(name);
    return c;
  }();
  return cols;
}

ResultStore::ResultStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw UsageError(fmt::format("--db {}: cannot open: {}", path, msg));
  }
  sqlite3_busy_timeout(db_, 10000);  // another process (merge, a reader) may hold the lock briefly
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(kSchema);
    std::string sql = "BEGIN";
    exec(sql);
    for (const auto& name : metric_columns()) ensure_column(name, "");
    exec("COMMIT");
  } catch (const std::runtime_error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw UsageError(fmt::format("--db {}: {}", path, e.what()));
  }
}

ResultStore::~ResultStore() {
  for (auto& [sql, stmt] : inserts_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void ResultStore::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err != nullptr ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error(fmt::format("sqlite: {} in: {}", msg, sql));
  }
}

std::vector<std::string> ResultStore::columns() const {
  std::vector<std::string> out;
  Stmt s(db_, "SELECT name FROM pragma_table_info('points') ORDER BY cid");
  while (s.step()) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
  return out;
}

void ResultStore::ensure_column(const std::string& name, const std::string& type) {
  for (const auto& c : columns())
    if (c == name) return;
  exec(fmt::format("ALTER TABLE points ADD COLUMN {} {}", quote_ident(name), type));
}

void ResultStore::prepare(const SweepSpec& spec) {
  exec("BEGIN");
  for (const auto& a : spec.axes)
    if (a.kind == AxisKind::system)
      ensure_column(a.name, a.type == "string" ? "TEXT" : "");
    else if (a.name == "model")  // `model` is the report's model name; the axis' file beside it
      ensure_column("model_file", "TEXT");
    else if (a.name == "prefill_system")  // `prefill_system` is the machine's name; the file beside it
      ensure_column("prefill_system_file", "TEXT");
    else if (a.name == "replica_systems")  // "8+4": the report's list in one cell
      ensure_column("replica_systems", "TEXT");
  exec("COMMIT");
}

std::set<std::string> ResultStore::finished_keys(bool retry_failed) const {
  std::set<std::string> keys;
  Stmt s(db_,
         retry_failed ? "SELECT key FROM points WHERE status IN ('ok','error')" : "SELECT key FROM points");
  while (s.step()) keys.emplace(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
  return keys;
}

void ResultStore::record(const SweepSpec& spec, const PointContext& ctx, const Point& point,
                         const PointOutcome& o, const std::string& version) {
  const PointRun run = point_run(spec, point);
  std::vector<std::pair<std::string, Cell>> cells = {
      {"key", text(point.key)},
      {"sweep", text(spec.name)},
      {"idx", integer(static_cast<long long>(point.index))},
      {"status", text(o.status)},
      {"error", o.error.empty() ? Cell{} : text(o.error)},
      {"wall_s", real(o.wall_s)},
      {"version", text(version)},
      {"mode", text(run.mode)},
      {"systems", integer(run.systems)},
      {"batch", integer(run.batch)},
      {"seq", integer(run.seq)},
      {"steps", integer(run.steps)},
      {"point", text(point.description.empty() ? describe_point(spec, ctx, point) : point.description)},
  };
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const Axis& a = spec.axes[i];
    if (a.name == "model") cells.emplace_back("model_file", text(point.values[i].text));
    if (a.name == "prefill_system") cells.emplace_back("prefill_system_file", text(point.values[i].text));
    if (a.name == "replica_systems") cells.emplace_back("replica_systems", text(point.values[i].text));
    if (a.kind != AxisKind::system) continue;
    const AxisValue& v = point.values[i];
    cells.emplace_back(a.name, v.is_text    ? text(v.text)
                               : v.integral ? integer(std::llround(v.number))
                                            : real(v.number));
  }
  nlohmann::json m;
  if (!o.metrics_json.empty()) {
    m = nlohmann::json::parse(o.metrics_json, nullptr, false);
  } else if (!o.report_json.empty()) {
    const auto j = nlohmann::json::parse(o.report_json, nullptr, false);
    if (!j.is_discarded()) m = metrics_of(j);
  }
  if (m.is_object()) {
    for (const auto& [name, ptr] : metric_map())
      if (auto it = m.find(name); it != m.end()) cells.emplace_back(name, from_json(*it));
    if (auto it = m.find("batch"); it != m.end()) cells[9].second = from_json(*it);
    if (auto it = m.find("seq"); it != m.end()) cells[10].second = from_json(*it);
    if (auto it = m.find("steps"); it != m.end()) cells[11].second = from_json(*it);
  }
  std::string names, marks;
  for (const auto& [name, cell] : cells) {
    if (!names.empty()) names += ',';
    names += quote_ident(name);
    marks += marks.empty() ? "?" : ",?";
  }
  names += ",report";
  marks += ",?";
  const std::string sql = fmt::format("INSERT OR REPLACE INTO points ({}) VALUES ({})", names, marks);
  sqlite3_stmt*& s = inserts_[sql];
  if (s == nullptr && sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_finalize(s);
    inserts_.erase(sql);
    throw std::runtime_error(fmt::format("sqlite: {} in: {}", msg, sql));
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  for (std::size_t i = 0; i < cells.size(); ++i) bind(s, static_cast<int>(i + 1), cells[i].second);
  // The report, the one large value, is bound where it is instead of copied into a cell.
  const int report_at = static_cast<int>(cells.size()) + 1;
  if (o.report_json.empty())
    sqlite3_bind_null(s, report_at);
  else
    sqlite3_bind_text(s, report_at, o.report_json.data(), static_cast<int>(o.report_json.size()),
                      SQLITE_STATIC);
  // Autocommit: one transaction per point.
  if (sqlite3_step(s) != SQLITE_DONE) {
    const std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    throw std::runtime_error(fmt::format("sqlite: {}", msg));
  }
  sqlite3_reset(s);           // releases the statement's hold on the database
  sqlite3_clear_bindings(s);  // the values were bound in place (SQLITE_STATIC): drop the pointers
}

Table ResultStore::rows(const std::vector<std::string>& keys, bool with_report) const {
  Table t;
  std::string cols;
  for (const auto& c : columns()) {
    if (c == "report" && !with_report) continue;
    t.columns.push_back(c);
    if (!cols.empty()) cols += ',';
    cols += quote_ident(c);
  }
  std::set<std::string> wanted(keys.begin(), keys.end());
  Stmt s(db_, fmt::format("SELECT {} FROM points ORDER BY sweep, idx, key", cols));
  const int key_col = t.column("key");
  while (s.step()) {
    std::vector<Cell> row;
    for (std::size_t i = 0; i < t.columns.size(); ++i) row.push_back(read_cell(s.get(), static_cast<int>(i)));
    if (!wanted.empty() && wanted.count(row[static_cast<std::size_t>(key_col)].s) == 0) continue;
    t.rows.push_back(std::move(row));
  }
  return t;
}

long long ResultStore::merge_from(const std::string& other_path) {
  ResultStore other(other_path);  // also checks it is a wafersim database and adds base columns
  const auto other_cols = other.columns();
  for (const auto& c : other_cols) ensure_column(c, "");
  std::string quoted;
  for (char ch : other_path) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
  exec(fmt::format("ATTACH DATABASE '{}' AS src", quoted));  // not allowed inside a transaction
  const auto before = sqlite3_total_changes(db_);
  try {
    exec("BEGIN IMMEDIATE");
    std::string cols;
    for (const auto& c : other_cols) {
      if (!cols.empty()) cols += ',';
      cols += quote_ident(c);
    }
    // New keys come in; a stored non-ok row is replaced by an ok row for the same point.
    exec(fmt::format("INSERT OR IGNORE INTO points ({0}) SELECT {0} FROM src.points", cols));
    exec(fmt::format(
        "INSERT OR REPLACE INTO points ({0}) SELECT {0} FROM src.points s WHERE s.status = 'ok' AND "
        "EXISTS (SELECT 1 FROM main.points m WHERE m.key = s.key AND m.status <> 'ok')",
        cols));
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_exec(db_, "DETACH DATABASE src", nullptr, nullptr, nullptr);
    throw;
  }
  exec("DETACH DATABASE src");
  return sqlite3_total_changes(db_) - before;
}

}  // namespace wafersim::sweep
