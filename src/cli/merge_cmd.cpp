// `wafersim merge a.sqlite b.sqlite ... --db all.sqlite`: combines sweep databases (shards).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "wafersim/core/error.hpp"
#include "wafersim/sweep/driver.hpp"

namespace wafersim::cli {

Runner add_merge_command(CLI::App& app) {
  auto sources = std::make_shared<std::vector<std::string>>();
  auto dest = std::make_shared<std::string>();
  app.add_option("sources", *sources, "Databases to merge")->required();
  app.add_option("--db", *dest, "Destination database (created if missing)")->required();
  return [sources, dest]() {
    const long long added = sweep::merge_databases(*sources, *dest);
    fmt::print("merged {} database(s) into {}: {} rows added\n", sources->size(), *dest, added);
    return 0;
  };
}

}  // namespace wafersim::cli
