#include "controller/messenger/log_tap.h"

#include <ctime>

#include <fmt/format.h>

namespace ofkit::ctl::msg {

nlohmann::json log_record_json(const LogRecord& r) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.time.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  const auto lvl = spdlog::level::to_string_view(r.level);
  return nlohmann::json{{"time", fmt::format("{}.{:03}Z", buf, ms % 1000)},
                        {"level", std::string(lvl.data(), lvl.size())},
                        {"logger", r.logger},
                        {"text", r.text}};
}

LogTap::LogTap(size_t capacity) {
  queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  set_level(spdlog::level::off);
}

void LogTap::log(const spdlog::details::log_msg& m) {
  LogRecord r;
  r.time = m.time;
  r.level = m.level;
  r.logger.assign(m.logger_name.data(), m.logger_name.size());
  r.text.assign(m.payload.data(), m.payload.size());
  if (queue_.try_push(std::move(r)))
    queued_.fetch_add(1, std::memory_order_relaxed);
  else
    dropped_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace ofkit::ctl::msg
