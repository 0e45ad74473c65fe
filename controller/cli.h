#pragma once
// ofctl-run's command line: global options (CLI11), then apps and their
// options (split_command_line), resolved against the app catalog.
//
//   ofctl-run [--listen=ptcp:6653] [--threads=N] ... APP [--opt=value ...] [APP ...]
//   ofctl-run --list-apps        comma-separated app names
//   ofctl-run APP --help         the app's options

#include <string>
#include <vector>

#include "controller/app.h"
#include "controller/runtime.h"
#include "controller/runtime_config.h"

namespace ofkit::ctl {

struct ParsedCli {
  RuntimeConfig config;
  std::vector<AppInstanceSpec> apps;
  std::vector<std::string> log_levels;  // "debug", "l2_learning:debug", ...
  bool exit_now = false;                // --help, --list-apps: output already produced
  int exit_code = 0;
  std::string output;  // text for stdout when exit_now
};

// Returns false with *error (exit code 2) on a bad command line. `embedded`
// changes the default listen list to empty.
bool parse_cli(const std::vector<std::string>& args, const AppCatalog& catalog, bool embedded, ParsedCli* out,
               std::string* error);

// Computes each app's options: its declared defaults, then the [APP] table
// of the TOML file `config_file` (if not empty), then its command-line
// options (raw_options), later ones winning. Run at start-up and again on
// SIGHUP (so a changed file changes the values). False with *error on an
// unreadable file, a TOML syntax error, a table for an app that does not
// exist, an unknown option or a bad value.
//
//   # ofctl-run --config=apps.toml l2_learning
//   [l2_learning]            # or a dotted alias: ["forwarding.l2_learning"]
//   idle_timeout = 20        # idle-timeout works too
bool resolve_app_options(std::vector<AppInstanceSpec>* apps, const std::string& config_file,
                         const AppCatalog& catalog, std::string* error);

// Applies "--log-level" values: "LEVEL" for every logger, "NAME:LEVEL" for
// one component (app name, "ofctl", "conn", "shard"). False on a bad level.
bool apply_log_levels(const std::vector<std::string>& specs, std::string* error);

// The logger for a component, created on first use with the configured level.
std::shared_ptr<spdlog::logger> component_logger(const std::string& name);

// Attaches/detaches a sink that sees every component logger's records
// (thread-safe; the sink must not block: it runs on the logging thread).
void add_log_sink(spdlog::sink_ptr sink);
void remove_log_sink(const spdlog::sink_ptr& sink);

}  // namespace ofkit::ctl
