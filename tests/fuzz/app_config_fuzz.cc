// libFuzzer target: ofctl-run's --config file (resolve_app_options, TOML via
// toml++), for every built-in app at once. Any file gives options or an
// error, never a crash or an escaped exception. Invariants: on success every
// app has exactly its declared options, each of its declared type; the file
// read twice (as SIGHUP does) gives the same values; and the values written
// back out as a TOML file resolve to the same values again.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "controller/app.h"
#include "controller/cli.h"
#include "controller/options.h"
#include "controller/runtime.h"

using namespace ofkit::ctl;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

const AppCatalog& catalog() {
  static const AppCatalog c = [] {
    AppCatalog c;
    register_builtin_apps(c);
    return c;
  }();
  return c;
}

std::vector<AppInstanceSpec> all_apps() {
  std::vector<AppInstanceSpec> v;
  for (const AppInfo& info : catalog().all()) v.push_back(AppInstanceSpec{&info, {}, {}});
  return v;
}

std::string scratch_path(const char* tag) {
  return "/tmp/ofkit-fuzz-app-config-" + std::to_string(getpid()) + "-" + tag + ".toml";
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

bool same_value(const OptionValue& a, const OptionValue& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    if (std::isnan(*x) || std::isnan(y)) return std::isnan(*x) && std::isnan(y);
    if (*x == y) return true;
    return std::fabs(*x - y) <= 1e-12 * std::max(std::fabs(*x), std::fabs(y));
  }
  return a == b;
}

bool same_apps(const std::vector<AppInstanceSpec>& a, const std::vector<AppInstanceSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i].options.all();
    const auto& y = b[i].options.all();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      auto it = y.find(k);
      if (it == y.end() || !same_value(v, it->second)) return false;
    }
  }
  return true;
}

// The resolved values as a TOML file.
std::string to_toml(const std::vector<AppInstanceSpec>& apps) {
  toml::table root;
  for (const AppInstanceSpec& spec : apps) {
    toml::table t;
    for (const auto& [k, v] : spec.options.all()) {
      if (const bool* b = std::get_if<bool>(&v))
        t.insert(k, *b);
      else if (const int64_t* i = std::get_if<int64_t>(&v))
        t.insert(k, *i);
      else if (const double* d = std::get_if<double>(&v))
        t.insert(k, *d);
      else
        t.insert(k, std::get<std::string>(v));
    }
    root.insert(spec.info->name, std::move(t));
  }
  std::ostringstream out;
  out << root;
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = scratch_path("in");
  write_file(path, std::string(reinterpret_cast<const char*>(data), size));
  auto apps = all_apps();
  std::string error;
  const bool ok = resolve_app_options(&apps, path, catalog(), &error);
  if (!ok) {
    check(!error.empty());
    std::remove(path.c_str());
    return 0;
  }
  for (const AppInstanceSpec& spec : apps) {
    OptionSet decl;
    if (spec.info->declare_options) spec.info->declare_options(decl);
    check(spec.options.all().size() == decl.decls().size());
    for (const auto& d : decl.decls()) {
      auto it = spec.options.all().find(d.name);
      check(it != spec.options.all().end() && it->second.index() == d.default_value.index());
    }
  }
  // Re-read (SIGHUP): the same values.
  auto again = all_apps();
  check(resolve_app_options(&again, path, catalog(), &error));
  check(same_apps(apps, again));
  std::remove(path.c_str());

  // Written back out, the values resolve to themselves.
  const std::string out_path = scratch_path("out");
  const std::string text = to_toml(apps);
  write_file(out_path, text);
  auto back = all_apps();
  std::string error2;
  const bool ok2 = resolve_app_options(&back, out_path, catalog(), &error2);
  std::remove(out_path.c_str());
  if (!ok2) {
    std::fprintf(stderr, "re-emitted config refused: %s\n%s\n", error2.c_str(), text.c_str());
    std::abort();
  }
  check(same_apps(apps, back));
  return 0;
}
