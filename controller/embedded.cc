#include "controller/embedded.h"

namespace ofkit::ctl {

// Placeholder until the runtime lands: start() reports that it is not ready.
class Runtime {};

EmbeddedController::EmbeddedController() = default;
EmbeddedController::~EmbeddedController() { stop(); }

std::unique_ptr<EmbeddedController> EmbeddedController::start(const std::vector<std::string>&,
                                                              std::string* error) {
  if (error) *error = "embedded controller: runtime not implemented yet";
  return nullptr;
}

LocalChannelEnd EmbeddedController::connect_switch() { return {}; }

void EmbeddedController::stop() { runtime_.reset(); }

}  // namespace ofkit::ctl
