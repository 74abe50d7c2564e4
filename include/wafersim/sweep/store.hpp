#pragma once
// The results database (SQLite, WAL): one row per design point, committed as soon as the
// point finishes, keyed by the point's hash so a re-run skips finished points. A crash (even
// kill -9) between commits loses nothing committed and never corrupts the file.
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>
#include <vector>

#include "wafersim/sweep/executor.hpp"
#include "wafersim/sweep/points.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace wafersim::sweep {

// One cell: NULL, a number or a text.
struct Cell {
  enum class Type { null, integer, real, text } type = Type::null;
  long long i = 0;
  double d = 0;
  std::string s;
  bool is_number() const { return type == Type::integer || type == Type::real; }
  double as_double() const { return type == Type::integer ? static_cast<double>(i) : d; }
  std::string str() const;
};

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  int column(const std::string& name) const;  // -1 when absent
};

// Report metrics copied into columns (utilization.* and sram.* flattened with dots).
const std::vector<std::string>& metric_columns();
// Those columns of one report (plus the batch, seq and steps it ran with) as a compact JSON
// object: what a point's process hands the store instead of the store parsing the report.
std::string report_metrics_json(const nlohmann::ordered_json& report);

class ResultStore {
 public:
  // Opens or creates; throws UsageError naming the path when it cannot.
  explicit ResultStore(const std::string& path);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  // Adds a column per system axis (idempotent).
  void prepare(const SweepSpec& spec);
  // Keys already stored; with `retry_failed`, crashed/timeout/failed rows are not counted.
  std::set<std::string> finished_keys(bool retry_failed) const;
  // Inserts (or replaces) one point's row in its own transaction.
  void record(const SweepSpec& spec, const PointContext& ctx, const Point& point, const PointOutcome& outcome,
              const std::string& version);
  // Rows for the given keys (all rows when `keys` is empty), ordered by sweep index then key.
  Table rows(const std::vector<std::string>& keys, bool with_report = false) const;
  std::vector<std::string> columns() const;
  // Copies every row of another database file; existing ok rows win over non-ok ones.
  // Returns the number of rows added or upgraded.
  long long merge_from(const std::string& other_path);
  sqlite3* handle() const { return db_; }

 private:
  void exec(const std::string& sql) const;
  void ensure_column(const std::string& name, const std::string& type);
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> inserts_;  // prepared once per column list
};

}  // namespace wafersim::sweep
