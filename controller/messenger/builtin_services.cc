#include "controller/messenger/builtin_services.h"

#include <cctype>

#include <spdlog/spdlog.h>

namespace ofkit::ctl::msg {

using nlohmann::json;

namespace {

std::string level_name(spdlog::level::level_enum l) {
  const auto v = spdlog::level::to_string_view(l);
  return std::string(v.data(), v.size());
}

void set_level(const json& req, const ServiceDirectory::Reply& reply) {
  const auto lv = req.find("level");
  if (lv == req.end() || !lv->is_string())
    return reply({{"error", "missing \"level\" (trace debug info warn error critical off)"}});
  const std::string text = lv->get<std::string>();
  const auto level = spdlog::level::from_str(text);
  if (level == spdlog::level::off && text != "off")
    return reply({{"error", "bad level '" + text + "' (trace debug info warn error critical off)"}});
  std::string logger = "*";
  if (auto l = req.find("logger"); l != req.end()) {
    if (!l->is_string()) return reply({{"error", "\"logger\" must be a string"}});
    logger = l->get<std::string>();
  }
  json changed = json::array();
  if (logger == "*" || logger.empty()) {
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
      l->set_level(level);
      changed.push_back(l->name());
    });
  } else {
    auto l = spdlog::get(logger);
    if (!l) return reply({{"error", "no logger '" + logger + "' (see log.levels)"}});
    l->set_level(level);
    changed.push_back(logger);
  }
  reply({{"level", level_name(level)}, {"loggers", std::move(changed)}});
}

}  // namespace

void register_log_service(ServiceDirectory& services) {
  services.add("log.set_level",
               "change a logger's level: {\"logger\":\"l2_learning\",\"level\":\"debug\"} (no logger: all)",
               [](const json& req, ServiceDirectory::Reply reply) { set_level(req, reply); });
  services.add("log.levels", "every logger with its level", [](const json&, ServiceDirectory::Reply reply) {
    json out = json::object();
    spdlog::apply_all(
        [&](const std::shared_ptr<spdlog::logger>& l) { out[l->name()] = level_name(l->level()); });
    reply({{"loggers", std::move(out)}});
  });
}

void unregister_log_service(ServiceDirectory& services) {
  services.remove("log.set_level");
  services.remove("log.levels");
}

json upper_cased(const json& j) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& x : j) out.push_back(upper_cased(x));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = upper_cased(it.value());
    return out;
  }
  return j;
}

void add_upper_bot(Core& core) {
  core.add_channel_bot("upper", [](Core& c, Core::ClientId from, const json& msg) {
    c.send_to(from, channel_message("upper", "upper", upper_cased(msg)));
  });
}

}  // namespace ofkit::ctl::msg
