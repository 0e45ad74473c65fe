#pragma once
// Small services the messenger brings along: log levels (log.set_level,
// log.levels) and the "upper" echo bot (a message sent on channel "upper"
// comes back to its sender upper-cased: the example of a channel service).

#include <nlohmann/json.hpp>

#include "controller/messenger/core.h"
#include "controller/services.h"

namespace ofkit::ctl::msg {

void register_log_service(ServiceDirectory& services);
void unregister_log_service(ServiceDirectory& services);

// Strings upper-cased, recursively through arrays and objects (ASCII only).
nlohmann::json upper_cased(const nlohmann::json& j);
// Adds the "upper" bot to a core.
void add_upper_bot(Core& core);

}  // namespace ofkit::ctl::msg
