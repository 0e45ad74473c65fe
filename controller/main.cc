// ofctl-run: the OpenFlow 1.0 controller.
//
//   ofctl-run [global options] APP [--option=value ...] [APP ...]
//
// Exit codes: 0 after a clean stop (SIGINT/SIGTERM), 1 when start-up fails
// (e.g. the listen port is taken), 2 for a bad command line.

#include <signal.h>

#include <cstdio>
#include <iostream>

#include "controller/cli.h"
#include "controller/runtime.h"

using namespace ofkit::ctl;

int main(int argc, char** argv) {
  AppCatalog catalog;
  register_builtin_apps(catalog);
  std::vector<std::string> args(argv + 1, argv + argc);
  ParsedCli cli;
  std::string error;
  if (!parse_cli(args, catalog, false, &cli, &error)) {
    std::fprintf(stderr, "ofctl-run: %s\n", error.c_str());
    return 2;
  }
  if (cli.exit_now) {
    std::fputs(cli.output.c_str(), stdout);
    return cli.exit_code;
  }
  if (!apply_log_levels(cli.log_levels, &error)) {
    std::fprintf(stderr, "ofctl-run: %s\n", error.c_str());
    return 2;
  }

  // Signals go to this thread only (the shards inherit the mask).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Runtime runtime(cli.config, cli.apps);
  // SIGHUP: the command line as given, over a re-read --config file.
  runtime.set_reload_source([&catalog, file = cli.config.config_file](std::vector<AppInstanceSpec>* apps) {
    std::string err;
    if (resolve_app_options(apps, file, catalog, &err)) return true;
    component_logger("ofctl")->error("SIGHUP: {}", err);
    return false;
  });
  if (!runtime.start(&error)) {
    std::fprintf(stderr, "ofctl-run: %s\n", error.c_str());
    return 1;
  }
  std::string names;
  for (const auto& a : cli.apps) names += (names.empty() ? "" : ", ") + a.info->name;
  component_logger("ofctl")->info("running with {} shard(s), apps: {}", runtime.shard_count(),
                                  names.empty() ? "(none)" : names);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      runtime.reload();
      continue;
    }
    component_logger("ofctl")->info("signal {}: stopping", sig);
    break;
  }
  runtime.stop();
  return 0;
}
