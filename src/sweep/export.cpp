// CSV export, Pareto fronts and database merging: all read the store, none simulates.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "wafersim/core/error.hpp"
#include "wafersim/sweep/driver.hpp"

namespace wafersim::sweep {

std::vector<Objective> parse_objectives(const std::string& text) {
  std::vector<Objective> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto colon = item.rfind(':');
    const std::string dir = colon == std::string::npos ? "" : item.substr(colon + 1);
    if (colon == std::string::npos || colon == 0 || (dir != "max" && dir != "min"))
      throw UsageError(
          fmt::format("--pareto {}: expected column:max|min[,column:max|min...], e.g. "
                      "samples_per_s:max,tiles:min",
                      text));
    out.push_back({item.substr(0, colon), dir == "max"});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::size_t> pareto_front(const Table& t, const std::vector<Objective>& objectives) {
  const int status = t.column("status");
  std::vector<int> cols;
  for (const auto& o : objectives) cols.push_back(t.column(o.column));
  // Candidates: ok rows with a number in every objective; values signed so bigger is better.
  std::vector<std::pair<std::size_t, std::vector<double>>> cand;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    if (status < 0 || row[static_cast<std::size_t>(status)].s != "ok") continue;
    std::vector<double> v;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (cols[k] < 0 || !row[static_cast<std::size_t>(cols[k])].is_number()) break;
      const double x = row[static_cast<std::size_t>(cols[k])].as_double();
      v.push_back(objectives[k].maximize ? x : -x);
    }
    if (v.size() == cols.size()) cand.emplace_back(r, std::move(v));
  }
  std::vector<std::size_t> front;
  for (const auto& [r, v] : cand) {
    bool dominated = false;
    for (const auto& [r2, w] : cand) {
      bool all_ge = true, one_gt = false;
      for (std::size_t k = 0; k < v.size(); ++k) {
        all_ge = all_ge && w[k] >= v[k];
        one_gt = one_gt || w[k] > v[k];
      }
      if (all_ge && one_gt) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push_back(r);
  }
  return front;  // O(n^2): fine for the thousands of points a sweep has
}

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

std::string format_csv(const Table& t, const std::vector<std::size_t>* pareto) {
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (c != 0) out += ',';
    out += csv_field(t.columns[c]);
  }
  if (pareto != nullptr) out += ",pareto";
  out += "\n";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (c != 0) out += ',';
      out += csv_field(t.rows[r][c].str());
    }
    if (pareto != nullptr) {
      const bool on = std::find(pareto->begin(), pareto->end(), r) != pareto->end();
      out += on ? ",1" : ",0";
    }
    out += "\n";
  }
  return out;
}

long long merge_databases(const std::vector<std::string>& sources, const std::string& dest) {
  if (sources.empty()) throw UsageError("merge: name at least one database to merge");
  for (const auto& s : sources) {
    std::error_code ec;
    if (!std::filesystem::exists(s, ec))
      throw UsageError(ec ? fmt::format("merge: {}: {}", s, ec.message())
                          : fmt::format("merge: {}: no such file", s));
    if (std::filesystem::exists(dest, ec) && std::filesystem::equivalent(s, dest, ec))
      throw UsageError(fmt::format("merge: {} is the destination itself", s));
  }
  ResultStore out(dest);
  long long added = 0;
  for (const auto& s : sources) {
    try {
      added += out.merge_from(s);
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const UsageError*>(&e) != nullptr) throw;
      throw UsageError(fmt::format("merge: {}: {}", s, e.what()));
    }
  }
  return added;
}

}  // namespace wafersim::sweep
