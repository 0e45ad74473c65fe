#include "controller/options.h"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace ofkit::ctl {
namespace {

const char* type_name(const OptionValue& v) {
  switch (v.index()) {
    case 0:
      return "BOOL";
    case 1:
      return "INT";
    case 2:
      return "FLOAT";
    default:
      return "TEXT";
  }
}

std::string value_text(const OptionValue& v) {
  switch (v.index()) {
    case 0:
      return std::get<bool>(v) ? "true" : "false";
    case 1:
      return std::to_string(std::get<int64_t>(v));
    case 2:
      return fmt::format("{}", std::get<double>(v));
    default:
      return "\"" + std::get<std::string>(v) + "\"";
  }
}

bool convert(const OptionValue& like, const std::string& text, OptionValue* out) {
  switch (like.index()) {
    case 0:
      if (text == "true" || text == "1" || text == "yes" || text == "on")
        *out = true;
      else if (text == "false" || text == "0" || text == "no" || text == "off")
        *out = false;
      else
        return false;
      return true;
    case 1: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return false;
      *out = v;
      return true;
    }
    case 2: {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) return false;
      *out = v;
      return true;
    }
    default:
      *out = text;
      return true;
  }
}

std::string dashed(std::string s) {
  for (char& c : s)
    if (c == '_') c = '-';
  return s;
}

}  // namespace

void OptionSet::add_bool(std::string name, bool def, std::string help) {
  decls_.push_back({std::move(name), def, std::move(help)});
}
void OptionSet::add_int(std::string name, int64_t def, std::string help) {
  decls_.push_back({std::move(name), def, std::move(help)});
}
void OptionSet::add_double(std::string name, double def, std::string help) {
  decls_.push_back({std::move(name), def, std::move(help)});
}
void OptionSet::add_string(std::string name, std::string def, std::string help) {
  decls_.push_back({std::move(name), std::move(def), std::move(help)});
}

const OptionSet::Decl* OptionSet::find(const std::string& name) const {
  for (const Decl& d : decls_)
    if (d.name == name) return &d;
  return nullptr;
}

bool OptionSet::parse(const std::string& app, const std::vector<std::pair<std::string, std::string>>& kv,
                      std::map<std::string, OptionValue>* out, std::string* error) const {
  out->clear();
  for (const Decl& d : decls_) (*out)[d.name] = d.default_value;
  for (const auto& [key, text] : kv) {
    const Decl* d = find(key);
    if (!d) {
      *error = fmt::format("app '{}' has no option --{} (see: ofctl-run {} --help)", app, dashed(key), app);
      return false;
    }
    OptionValue v;
    if (!convert(d->default_value, text, &v)) {
      *error = fmt::format("app '{}': --{}={} is not a valid {}", app, dashed(key), text,
                           type_name(d->default_value));
      return false;
    }
    (*out)[key] = std::move(v);
  }
  return true;
}

std::string OptionSet::help_text() const {
  if (decls_.empty()) return "  (no options)\n";
  std::string s;
  for (const Decl& d : decls_) {
    s += fmt::format("  --{}={:<6} {} (default: {})\n", dashed(d.name), type_name(d.default_value), d.help,
                     value_text(d.default_value));
  }
  return s;
}

bool OptionValues::get_bool(const std::string& name) const { return std::get<bool>(values_.at(name)); }
int64_t OptionValues::get_int(const std::string& name) const { return std::get<int64_t>(values_.at(name)); }
double OptionValues::get_double(const std::string& name) const { return std::get<double>(values_.at(name)); }
std::string OptionValues::get_string(const std::string& name) const {
  return std::get<std::string>(values_.at(name));
}

}  // namespace ofkit::ctl
