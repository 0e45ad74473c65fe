#include "controller/embedded.h"

#include "controller/cli.h"
#include "controller/runtime.h"

namespace ofkit::ctl {

EmbeddedController::EmbeddedController() = default;
EmbeddedController::~EmbeddedController() { stop(); }

std::unique_ptr<EmbeddedController> EmbeddedController::start(const std::vector<std::string>& args,
                                                              std::string* error) {
  std::string local_error;
  if (!error) error = &local_error;
  // The catalog must outlive the runtime (AppInfo pointers): keep one per process.
  static AppCatalog* shared_catalog = [] {
    auto* c = new AppCatalog;
    register_builtin_apps(*c);
    return c;
  }();
  ParsedCli cli;
  if (!parse_cli(args, *shared_catalog, true, &cli, error)) return nullptr;
  if (cli.exit_now) {
    *error = cli.output;
    return nullptr;
  }
  if (!apply_log_levels(cli.log_levels, error)) return nullptr;
  std::unique_ptr<EmbeddedController> ec(new EmbeddedController());
  ec->runtime_ = std::make_unique<Runtime>(cli.config, cli.apps);
  if (!ec->runtime_->start(error)) return nullptr;
  return ec;
}

LocalChannelEnd EmbeddedController::connect_switch() {
  if (!runtime_) return {};
  return runtime_->connect_local();
}

void EmbeddedController::stop() {
  if (runtime_) runtime_->stop();
}

}  // namespace ofkit::ctl
