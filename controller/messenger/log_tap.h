#pragma once
// An spdlog sink that hands log records to the messenger's log stream.
//
// It runs on whatever thread logs, so it never blocks there: each record is
// copied into a bounded queue with a non-waiting try_push; when the queue is
// full the record is dropped and counted. The messenger drains the queue on
// its own thread. While nobody subscribes, the sink's level is "off" and the
// dist sink skips it entirely, so an idle tap costs nothing.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <spdlog/sinks/sink.h>
#include <tbb/concurrent_queue.h>
#include <nlohmann/json.hpp>

namespace ofkit::ctl::msg {

struct LogRecord {
  std::chrono::system_clock::time_point time;
  spdlog::level::level_enum level = spdlog::level::info;
  std::string logger;
  std::string text;
};

// {"time":"2026-11-21T08:50:00.123Z","level":"info","logger":"ofctl","text":"..."}
nlohmann::json log_record_json(const LogRecord& r);

class LogTap : public spdlog::sinks::sink {
 public:
  explicit LogTap(size_t capacity = 4096);

  void log(const spdlog::details::log_msg& m) override;
  void flush() override {}
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

  // Consumer side (one thread).
  bool pop(LogRecord* r) { return queue_.try_pop(*r); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t queued() const { return queued_.load(std::memory_order_relaxed); }

 private:
  tbb::concurrent_bounded_queue<LogRecord> queue_;
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> queued_{0};
};

}  // namespace ofkit::ctl::msg
