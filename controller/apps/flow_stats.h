#pragma once
// flow_stats: polls every switch for OFPST_FLOW, OFPST_PORT and
// OFPST_AGGREGATE statistics every --interval seconds (POX's flow_stats
// sample, with the aggregate added) and reports them.
//
// Each shard polls its own switches with Connection::request_stats; the
// callbacks run on that shard once the whole (multipart) reply is in, so
// no locks. A switch whose previous round is still unanswered is skipped.
// When the three replies (or their failures) are in, the round is:
//   - logged as one line per switch;
//   - kept as the switch's latest figures (JSON, below);
//   - published on the services channel "flow_stats".
// The service flow_stats.latest ({} or {"dpid": "00000000000000a1" | 161})
// gathers the latest figures from every shard and answers
// {"switches": [...]} sorted by datapath id.
//
// Figures: {"dpid": "<16 hex>", "time": <unix seconds>,
//   "flows": {"count", "packets", "bytes", "entries": [{"match", "actions",
//             "priority", "table_id", "cookie", "duration", "idle_timeout",
//             "hard_timeout", "packets", "bytes"}...]}  (largest byte counts
//             first, at most --max-flows),
//   "aggregate": {"flows", "packets", "bytes"},
//   "ports": [{"port", "rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
//              "rx_dropped", "tx_dropped", "rx_errors", "tx_errors"}...],
//   "errors": ["flow" | "port" | "aggregate" ...]}  (requests that failed).

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "controller/app.h"
#include "controller/events.h"

namespace ofkit::ctl {

class FlowStats : public App {
 public:
  void start(AppContext& ctx) override;
  void stop() override;
  bool reload(const OptionValues& options) override;

  // This shard's latest figures, by dpid.
  const std::map<uint64_t, nlohmann::json>& latest() const { return latest_; }
  // Starts a round on every switch of this shard (the timer calls it).
  void poll();

 private:
  struct Round;
  void poll_switch(Connection& conn);
  void finish(uint64_t dpid, Round& round);
  void apply(const OptionValues& options);
  void register_services();

  AppContext* ctx_ = nullptr;
  double interval_ = 5;
  size_t max_flows_ = 100;
  TimerId timer_ = 0;
  std::set<uint64_t> in_flight_;
  std::map<uint64_t, nlohmann::json> latest_;
  bool services_ = false;
};

AppInfo flow_stats_app_info();

}  // namespace ofkit::ctl
