#pragma once
// Global settings of an ofctl-run runtime (the options before the first app).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ofkit::ctl {

struct RuntimeConfig {
  std::vector<std::string> listen;                // "ptcp:PORT[:ADDR]", "punix:PATH"
  std::vector<std::string> connect;               // "tcp:HOST:PORT" (switches that listen), "unix:PATH"
  int threads = 0;                                // 0: one per core
  uint16_t miss_send_len = 128;                   // SET_CONFIG after FEATURES
  std::chrono::milliseconds echo_interval{5000};  // idle time before an ECHO_REQUEST probe
  std::chrono::milliseconds echo_timeout{15000};  // idle time after which the peer is dead
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds request_timeout{10000};  // default for stats/barrier requests
  double packet_in_rate = 100000;                    // per switch, PacketIns/s admitted (0: unlimited)
  double packet_in_burst = 20000;                    // token bucket depth
  size_t max_connections = 16384;                    // beyond this, new connections are closed at once
  int backlog = 4096;
  std::chrono::milliseconds stats_interval{10000};  // counter log interval (0: off)
  std::chrono::milliseconds stall_interval{5000};   // log awaited components after this
  bool fatal_exceptions = false;
  size_t mailbox_capacity = 65536;  // bounded cross-shard data mailbox
  // Per connection: unsent bytes beyond this close it (0: no cap).
  size_t max_output_buffer = size_t{32} << 20;
  // Per shard: while its connections' unsent bytes exceed this (or its data
  // mailbox is over half full) the shard reads none of its switches;
  // reading resumes below a quarter of it (and an eighth of the mailbox).
  size_t shard_backlog = size_t{64} << 20;
  std::string config_file;  // --config: TOML app options, re-read on SIGHUP
};

}  // namespace ofkit::ctl
