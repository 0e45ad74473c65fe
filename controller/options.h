#pragma once
// Typed app options: an app declares each option with a type, a default and
// help text; values arrive as --key=value strings (command line, or a config
// re-read on SIGHUP) and are checked against the declaration. Option names
// use '_' (the command line splitter maps --idle-timeout to idle_timeout).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ofkit::ctl {

using OptionValue = std::variant<bool, int64_t, double, std::string>;

class OptionSet {
 public:
  struct Decl {
    std::string name;
    OptionValue default_value;
    std::string help;
  };

  void add_bool(std::string name, bool def, std::string help);
  void add_int(std::string name, int64_t def, std::string help);
  void add_double(std::string name, double def, std::string help);
  void add_string(std::string name, std::string def, std::string help);

  const std::vector<Decl>& decls() const { return decls_; }
  const Decl* find(const std::string& name) const;

  // Applies key=value pairs over the defaults. Returns false with a message
  // naming the app, option and expected type on an unknown option or a bad value.
  bool parse(const std::string& app, const std::vector<std::pair<std::string, std::string>>& kv,
             std::map<std::string, OptionValue>* out, std::string* error) const;

  // "  --idle-timeout=INT  help (default: 10)" lines for `ofctl-run APP --help`.
  std::string help_text() const;

 private:
  std::vector<Decl> decls_;
};

// Parsed values of one app instance.
class OptionValues {
 public:
  OptionValues() = default;
  explicit OptionValues(std::map<std::string, OptionValue> v) : values_(std::move(v)) {}
  bool get_bool(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  const std::map<std::string, OptionValue>& all() const { return values_; }

 private:
  std::map<std::string, OptionValue> values_;
};

}  // namespace ofkit::ctl
