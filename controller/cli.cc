#include "controller/cli.h"

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <toml++/toml.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <mutex>

#include "ofkit_config.h"

namespace ofkit::ctl {
namespace {

std::mutex g_log_mu;
std::map<std::string, spdlog::level::level_enum> g_levels;  // per component
spdlog::level::level_enum g_default_level = spdlog::level::info;

// stderr, plus whatever add_log_sink() attaches (the messenger's log stream);
// a dist sink so sinks can come and go while other threads log.
std::shared_ptr<spdlog::sinks::dist_sink_mt> shared_sink() {
  static auto sink = std::make_shared<spdlog::sinks::dist_sink_mt>(
      std::vector<spdlog::sink_ptr>{std::make_shared<spdlog::sinks::stderr_color_sink_mt>()});
  return sink;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::chrono::milliseconds seconds_to_ms(double s) {
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000.0));
}

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// A TOML scalar as the text an option parser takes.
bool scalar_text(const toml::node& node, std::string* out) {
  if (auto v = node.value_exact<bool>()) {
    *out = *v ? "true" : "false";
  } else if (auto i = node.value_exact<int64_t>()) {
    *out = std::to_string(*i);
  } else if (auto d = node.value_exact<double>()) {
    *out = fmt::format("{}", *d);
  } else if (auto str = node.value_exact<std::string>()) {
    *out = *str;
  } else {
    return false;
  }
  return true;
}

// [app] tables of a TOML file, by canonical app name.
bool read_config_file(const std::string& path, const AppCatalog& catalog,
                      std::map<std::string, KeyValues>* out, std::string* error) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    *error =
        "config " + path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  for (const auto& [app_key, node] : tbl) {
    const std::string app_name(app_key.str());
    const AppInfo* info = catalog.find(app_name);
    if (!info) {
      *error = "config " + path + ": unknown app [" + app_name +
               "] (available: " + join(catalog.names(), ", ") + ")";
      return false;
    }
    const toml::table* opts = node.as_table();
    if (!opts) {
      *error = "config " + path + ": '" + app_name + "' must be a table ([" + app_name + "])";
      return false;
    }
    KeyValues& kv = (*out)[info->name];
    for (const auto& [key_node, value] : *opts) {
      std::string key(key_node.str());
      std::replace(key.begin(), key.end(), '-', '_');
      std::string text;
      if (!scalar_text(value, &text)) {
        *error = "config " + path + ": [" + app_name + "] " + key + " must be a bool, number or string";
        return false;
      }
      kv.emplace_back(key, text);
    }
  }
  return true;
}

}  // namespace

bool resolve_app_options(std::vector<AppInstanceSpec>* apps, const std::string& config_file,
                         const AppCatalog& catalog, std::string* error) {
  std::map<std::string, KeyValues> from_file;
  if (!config_file.empty() && !read_config_file(config_file, catalog, &from_file, error)) return false;
  for (AppInstanceSpec& spec : *apps) {
    OptionSet opts;
    if (spec.info->declare_options) spec.info->declare_options(opts);
    KeyValues kv;
    if (auto it = from_file.find(spec.info->name); it != from_file.end()) kv = it->second;
    kv.insert(kv.end(), spec.raw_options.begin(), spec.raw_options.end());
    std::map<std::string, OptionValue> values;
    const std::string where =
        config_file.empty() ? spec.info->name : spec.info->name + " (" + config_file + ")";
    if (!opts.parse(where, kv, &values, error)) return false;
    spec.options = OptionValues(std::move(values));
    if (spec.info->validate) {
      std::string why;
      if (!spec.info->validate(spec.options, &why)) {
        *error = where + ": " + why;
        return false;
      }
    }
  }
  return true;
}

void add_log_sink(spdlog::sink_ptr sink) { shared_sink()->add_sink(std::move(sink)); }
void remove_log_sink(const spdlog::sink_ptr& sink) { shared_sink()->remove_sink(sink); }

std::shared_ptr<spdlog::logger> component_logger(const std::string& name) {
  std::lock_guard lock(g_log_mu);
  if (auto l = spdlog::get(name)) return l;
  auto l = std::make_shared<spdlog::logger>(name, shared_sink());
  auto it = g_levels.find(name);
  l->set_level(it != g_levels.end() ? it->second : g_default_level);
  l->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ [%n] %v");
  spdlog::register_logger(l);
  return l;
}

bool apply_log_levels(const std::vector<std::string>& specs, std::string* error) {
  std::vector<std::string> items;
  for (const auto& spec : specs) {
    size_t start = 0;
    while (start <= spec.size()) {
      const size_t comma = spec.find(',', start);
      const std::string item =
          spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) items.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::lock_guard lock(g_log_mu);
  for (const auto& item : items) {
    const size_t colon = item.rfind(':');
    const std::string name = colon == std::string::npos ? "" : item.substr(0, colon);
    const std::string level_text = colon == std::string::npos ? item : item.substr(colon + 1);
    const auto level = spdlog::level::from_str(level_text);
    if (level == spdlog::level::off && level_text != "off") {
      *error = "bad log level '" + level_text + "' (trace, debug, info, warn, error, critical, off)";
      return false;
    }
    if (name.empty()) {
      g_default_level = level;
      spdlog::set_level(level);
      spdlog::apply_all([&](std::shared_ptr<spdlog::logger> l) {
        if (!g_levels.count(l->name())) l->set_level(level);
      });
    } else {
      g_levels[name] = level;
      if (auto l = spdlog::get(name)) l->set_level(level);
    }
  }
  return true;
}

bool parse_cli(const std::vector<std::string>& args, const AppCatalog& catalog, bool embedded, ParsedCli* out,
               std::string* error) {
  *out = ParsedCli{};
  CommandLine cl;
  if (!split_command_line(args, &cl, error)) return false;

  RuntimeConfig& cfg = out->config;
  CLI::App cli(
      "ofctl-run: OpenFlow 1.0 controller runtime.\n"
      "Usage: ofctl-run [global options] APP [--option=value ...] [APP ...]\n"
      "       ofctl-run APP --help    shows an app's options",
      "ofctl-run");
  cli.set_help_flag("-h,--help", "Print this help and exit");
  bool list_apps = false, version = false;
  double echo_interval = 5, echo_timeout = 15, handshake_timeout = 10, stats_interval = 10,
         request_timeout = 10;
  std::vector<std::string> listen, connect;
  cli.add_option("--listen", listen,
                 "Passive endpoint, repeatable: ptcp:PORT[:ADDR] (IPv4 or IPv6) or punix:PATH "
                 "(default: ptcp:6653)");
  cli.add_option("--connect", connect,
                 "Active connection to a listening switch, repeatable: tcp:HOST:PORT or unix:PATH");
  cli.add_option("--threads", cfg.threads, "Shards (event loop threads); 0 = one per core")
      ->check(CLI::Range(0, 1024));
  cli.add_option("--miss-send-len", cfg.miss_send_len, "miss_send_len sent in SET_CONFIG");
  cli.add_option("--echo-interval", echo_interval, "Seconds of silence before an ECHO_REQUEST probe")
      ->check(CLI::PositiveNumber);
  cli.add_option("--echo-timeout", echo_timeout, "Seconds of silence after which a switch is disconnected")
      ->check(CLI::PositiveNumber);
  cli.add_option("--handshake-timeout", handshake_timeout, "Seconds allowed for HELLO/FEATURES")
      ->check(CLI::PositiveNumber);
  cli.add_option("--request-timeout", request_timeout, "Default seconds for stats/barrier replies")
      ->check(CLI::PositiveNumber);
  cli.add_option("--packet-in-rate", cfg.packet_in_rate,
                 "PacketIns per second admitted per switch (0: unlimited)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--packet-in-burst", cfg.packet_in_burst, "PacketIn token bucket depth per switch")
      ->check(CLI::PositiveNumber);
  cli.add_option("--max-connections", cfg.max_connections, "Connections beyond this are closed at once");
  cli.add_option("--max-output-buffer", cfg.max_output_buffer,
                 "Bytes of unsent output after which a connection is closed (a peer that reads nothing); "
                 "0: no cap");
  cli.add_option("--shard-backlog", cfg.shard_backlog,
                 "Unsent bytes on one shard above which it stops reading all its switches until they "
                 "drop below a quarter (0: off)");
  cli.add_option("--mailbox-capacity", cfg.mailbox_capacity,
                 "Bound of each shard's cross-shard data mailbox and of the PacketIns waiting for global "
                 "apps; beyond it they are dropped and counted")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24));
  cli.add_option("--config", cfg.config_file,
                 "TOML file with app options, one [APP] table each (idle_timeout = 20); command-line "
                 "app options win; re-read on SIGHUP")
      ->check(CLI::ExistingFile);
  cli.add_option("--stats-interval", stats_interval, "Seconds between counter logs (0: off)")
      ->check(CLI::NonNegativeNumber);
  cli.add_option(
      "--log-level", out->log_levels,
      "LEVEL or COMPONENT:LEVEL (components: ofctl, shard, conn, app names); repeatable, comma-separated");
  cli.add_flag("--fatal-exceptions", cfg.fatal_exceptions,
               "Abort when an app handler throws (default: log and continue)");
  cli.add_flag("--list-apps", list_apps, "Print the app names, comma-separated, and exit");
  cli.add_flag("--version", version, "Print the version and exit");

  std::vector<std::string> rev(cl.global_args.rbegin(), cl.global_args.rend());
  try {
    cli.parse(rev);
  } catch (const CLI::CallForHelp&) {
    out->exit_now = true;
    out->output = cli.help() + "\nApps: " + join(catalog.names(), ", ") + "\n";
    return true;
  } catch (const CLI::ParseError& e) {
    *error = e.what();
    return false;
  }
  if (version) {
    out->exit_now = true;
    out->output = std::string("ofctl-run ") + OFKIT_VERSION + "\n";
    return true;
  }
  if (list_apps) {
    out->exit_now = true;
    out->output = join(catalog.names(), ",") + "\n";
    return true;
  }
  cfg.listen = listen;
  if (listen.empty() && !embedded) cfg.listen = {"ptcp:6653"};
  cfg.connect = connect;
  cfg.echo_interval = seconds_to_ms(echo_interval);
  cfg.echo_timeout = seconds_to_ms(std::max(echo_timeout, echo_interval));
  cfg.handshake_timeout = seconds_to_ms(handshake_timeout);
  cfg.request_timeout = seconds_to_ms(request_timeout);
  cfg.stats_interval = seconds_to_ms(stats_interval);

  for (const AppSpec& spec : cl.apps) {
    const AppInfo* info = catalog.find(spec.given_name);
    if (!info) {
      *error = "unknown app '" + spec.given_name + "' (available: " + join(catalog.names(), ", ") + ")";
      return false;
    }
    OptionSet opts;
    if (info->declare_options) info->declare_options(opts);
    const bool wants_help = std::any_of(spec.options.begin(), spec.options.end(),
                                        [](const auto& kv) { return kv.first == "help" || kv.first == "h"; });
    if (wants_help) {
      out->exit_now = true;
      out->output = "ofctl-run " + info->name + ": " + info->help + "\n" +
                    (info->global ? "(one global instance)\n" : "(one instance per shard)\n") + "Options:\n" +
                    opts.help_text();
      return true;
    }
    std::map<std::string, OptionValue> values;
    if (!opts.parse(info->name, spec.options, &values, error)) return false;
    out->apps.push_back({info, spec.options, OptionValues(std::move(values))});
  }
  // Merges --config (if any) under the command line and runs each app's
  // validate hook.
  return resolve_app_options(&out->apps, cfg.config_file, catalog, error);
}

}  // namespace ofkit::ctl
