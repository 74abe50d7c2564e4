// Loading a system description: YAML text -> walk against the parameter table -> overrides
// -> required check -> cross checks. Every failure is a ConfigError naming the file, the line
// and the full key path; yaml-cpp exceptions never escape.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "spec/param_table.hpp"
#include "wafersim/core/text.hpp"

namespace wafersim {
namespace {

using spec_detail::LocMap;
using spec_detail::ParamDecl;

constexpr const char* kBuiltinName = "<built-in configs/cs2.yaml>";

SourceLoc loc_of(const std::string& file, const YAML::Mark& m) {
  return m.is_null() ? SourceLoc{file, 0, 0} : source_loc(file, m.line, m.column);
}

std::string kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return fmt::format("\"{}\"", n.Scalar());
    default:
      return "no value";
  }
}

std::string parent_of(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) { spec_.source = file_; }

  void apply_defaults() {
    for (const auto& decl : spec_detail::param_table()) {
      if (decl.default_value == nullptr) continue;
      // Defaults go through the same parser, so a bad default fails every load loudly.
      spec_detail::apply_value(decl, decl.default_value, spec_);
      locs_[std::string(decl.path)] = {file_, 0, 0};
    }
  }

  void walk_map(const YAML::Node& map, const std::string& prefix) {
    std::map<std::string, int> seen;  // yaml-cpp keeps duplicated keys; reject them here
    for (const auto& pair : map) {
      // Copies, not references: yaml-cpp's iterator hands out short-lived proxies.
      const YAML::Node key = pair.first;
      const YAML::Node value = pair.second;
      const SourceLoc key_loc = loc_of(file_, key.Mark());
      if (!key.IsScalar()) {
        throw ConfigError(key_loc, prefix, "keys must be plain names, got " + kind_of(key));
      }
      const std::string path = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
      if (auto [pos, fresh] = seen.emplace(key.Scalar(), key_loc.line); !fresh) {
        throw ConfigError(key_loc, path, fmt::format("duplicated key (first given at line {})", pos->second));
      }
      locs_[path] = key_loc;
      if (spec_detail::is_group(path)) {
        if (!value.IsMap()) {
          throw ConfigError(value_loc(value, key_loc), path,
                            fmt::format("expected a mapping with keys {}, got {}",
                                        spec_detail::group_keys(path), kind_of(value)));
        }
        walk_map(value, path);
      } else if (const ParamDecl* decl = spec_detail::find_param(path)) {
        set_leaf(*decl, value, path, value_loc(value, key_loc));
      } else {
        throw ConfigError(key_loc, path, "unknown key" + spec_detail::did_you_mean(path));
      }
    }
  }

  void apply_override(const Override& o) {
    const SourceLoc loc{o.origin, 0, 0};
    const ParamDecl* decl = spec_detail::find_param(o.path);
    if (decl == nullptr) {
      if (spec_detail::is_group(o.path)) {
        throw ConfigError(
            loc, o.path,
            "is a section, not a parameter; set one of its keys: " + spec_detail::group_keys(o.path));
      }
      throw ConfigError(loc, o.path, "unknown parameter" + spec_detail::did_you_mean(o.path));
    }
    YAML::Node value;
    try {
      value = YAML::Load(o.value);  // same quoting rules as in a file
    } catch (const YAML::Exception& e) {
      throw ConfigError(loc, o.path, fmt::format("cannot parse value \"{}\": {}", o.value, e.msg));
    }
    set_leaf(*decl, value, o.path, loc);
    locs_[o.path] = loc;
  }

  // The energy: section is optional as a whole: written (or --set), every key is required.
  bool has_energy() const {
    auto it = locs_.lower_bound("energy");
    return it != locs_.end() && (it->first == "energy" || it->first.starts_with("energy."));
  }

  void check_required() {
    const bool energy = has_energy();
    spec_.energy.present = energy;
    for (const auto& decl : spec_detail::param_table()) {
      const std::string path(decl.path);
      if (decl.default_value != nullptr || assigned_.count(path) != 0) continue;
      if (!energy && path.starts_with("energy.")) continue;
      // Point at the enclosing section when it exists: that is where the key belongs.
      SourceLoc loc{file_, 0, 0};
      for (std::string p = parent_of(path); !p.empty(); p = parent_of(p)) {
        if (auto it = locs_.find(p); it != locs_.end()) {
          loc = it->second;
          break;
        }
      }
      throw ConfigError(loc, path,
                        fmt::format("missing required parameter ({}; e.g. {}: {})", decl.description,
                                    path.substr(path.rfind('.') + 1), spec_detail::type_example(decl.field)));
    }
  }

  const std::string& file() const { return file_; }
  const LocMap& locs() const { return locs_; }
  SystemSpec& spec() { return spec_; }
  const std::vector<ParamRange>& ranges() const { return ranges_; }
  void set_ranges(std::vector<ParamRange> r) { ranges_ = std::move(r); }

 private:
  static SourceLoc value_loc(const YAML::Node& value, const SourceLoc& key_loc) {
    // A missing value ("sram:") has no mark of its own (yaml-cpp reports the next token's);
    // blame its key.
    if (value.IsNull()) return key_loc;
    SourceLoc loc = loc_of(key_loc.file, value.Mark());
    return loc.line == 0 ? key_loc : loc;
  }

  void set_leaf(const ParamDecl& decl, const YAML::Node& value, const std::string& path,
                const SourceLoc& loc) {
    if (!value.IsScalar()) {
      throw ConfigError(
          loc, path,
          fmt::format("expected a {} value such as \"{}\", got {}", spec_detail::type_name(decl.field),
                      spec_detail::type_example(decl.field), kind_of(value)));
    }
    try {
      spec_detail::apply_value(decl, value.Scalar(), spec_);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(loc, path, e.what());
    }
    assigned_.insert(path);
  }

  std::string file_;
  SystemSpec spec_;
  LocMap locs_;
  std::set<std::string> assigned_;
  std::vector<ParamRange> ranges_;
};

// Defaults and the file's own keys: everything that does not depend on overrides.
Loader parse_file(const std::string& text, const std::string& name) {
  Loader loader(name);
  loader.apply_defaults();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(loc_of(name, e.mark), "", "YAML syntax error: " + e.msg);
  }
  if (root.IsNull()) {
    throw ConfigError({name, 0, 0}, "",
                      "empty file: expected a system description with keys " + spec_detail::group_keys(""));
  }
  if (!root.IsMap()) {
    throw ConfigError(loc_of(name, root.Mark()), "",
                      "expected a mapping with keys " + spec_detail::group_keys("") +
                          " at the top level, got " + kind_of(root));
  }
  loader.walk_map(root, "");
  loader.set_ranges(spec_detail::scan_ranges(text, name, loader.locs(), loader.spec()));
  return loader;
}

SystemSpec finish(Loader loader, const std::vector<Override>& overrides) {
  for (const auto& o : overrides) loader.apply_override(o);
  loader.check_required();
  spec_detail::validate_cross(loader.spec(), loader.locs(), loader.file());
  return loader.spec();
}

// yaml-cpp exceptions thrown while walking the tree (they should not be) are still the
// input's fault.
template <class F>
auto guarded(const std::string& name, F&& f) {
  try {
    return f();
  } catch (const ConfigError&) {
    throw;
  } catch (const YAML::Exception& e) {
    throw ConfigError(loc_of(name, e.mark), "", "YAML error: " + e.msg);
  }
}

}  // namespace

struct ParsedSystemSpec::Impl {
  Loader loader;
};

ParsedSystemSpec::ParsedSystemSpec(const std::string& yaml_text, const std::string& display_name)
    : impl_(guarded(display_name,
                    [&] { return std::make_unique<Impl>(Impl{parse_file(yaml_text, display_name)}); })) {}

ParsedSystemSpec ParsedSystemSpec::builtin() { return ParsedSystemSpec(builtin_cs2_yaml(), kBuiltinName); }

ParsedSystemSpec::~ParsedSystemSpec() = default;
ParsedSystemSpec::ParsedSystemSpec(const ParsedSystemSpec& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
ParsedSystemSpec& ParsedSystemSpec::operator=(const ParsedSystemSpec& o) {
  impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}

SystemSpec ParsedSystemSpec::with(const std::vector<Override>& overrides) const {
  return guarded(impl_->loader.file(), [&] { return finish(impl_->loader, overrides); });
}

const std::vector<ParamRange>& ParsedSystemSpec::ranges() const { return impl_->loader.ranges(); }

std::vector<ParamRange> param_ranges_text(const std::string& yaml_text, const std::string& display_name) {
  return guarded(display_name, [&] { return parse_file(yaml_text, display_name).ranges(); });
}

std::vector<ParamRange> builtin_param_ranges() { return param_ranges_text(builtin_cs2_yaml(), kBuiltinName); }

SystemSpec load_system_spec_text(const std::string& yaml_text, const std::string& display_name,
                                 const std::vector<Override>& overrides) {
  return guarded(display_name, [&] { return finish(parse_file(yaml_text, display_name), overrides); });
}

SystemSpec load_system_spec(const std::string& path, const std::vector<Override>& overrides) {
  return load_system_spec_text(read_text_file(path, "system file"), path, overrides);
}

ParsedSystemSpec ParsedSystemSpec::from_file(const std::string& path) {
  return ParsedSystemSpec(read_text_file(path, "system file"), path);
}

std::vector<ParamRange> load_param_ranges(const std::string& path) {
  return param_ranges_text(read_text_file(path, "system file"), path);
}

SystemSpec default_system_spec(const std::vector<Override>& overrides) {
  return load_system_spec_text(builtin_cs2_yaml(), kBuiltinName, overrides);
}

Override parse_override(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    throw UsageError(
        fmt::format("--set expects path=value (e.g. pe.clock=\"1 GHz\"), got \"{}\"", std::string(text)));
  }
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
  };
  Override o;
  o.path = trim(text.substr(0, eq));
  o.value = trim(text.substr(eq + 1));
  if (o.path.empty()) {
    throw UsageError(fmt::format("--set needs a parameter path before '=', got \"{}\"", std::string(text)));
  }
  return o;
}

}  // namespace wafersim
