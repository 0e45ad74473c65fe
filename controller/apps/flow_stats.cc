#include "controller/apps/flow_stats.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>

#include "controller/apps/app_util.h"
#include "controller/connection.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/text/flow_syntax.h"

namespace ofkit::ctl {

struct FlowStats::Round {
  int left = 3;
  nlohmann::json figures;
  nlohmann::json errors = nlohmann::json::array();
};

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json flows_json(const of::FlowStatsReply& r, size_t max_entries) {
  uint64_t packets = 0, bytes = 0;
  std::vector<const of::FlowStats*> order;
  for (const auto& f : r.flows) {
    packets += f.packet_count;
    bytes += f.byte_count;
    order.push_back(&f);
  }
  std::stable_sort(order.begin(), order.end(), [](const of::FlowStats* a, const of::FlowStats* b) {
    return a->byte_count > b->byte_count;
  });
  if (order.size() > max_entries) order.resize(max_entries);
  nlohmann::json entries = nlohmann::json::array();
  for (const of::FlowStats* f : order) {
    entries.push_back({{"match", text::format_match(f->match, of::kDefaultPriority)},
                       {"actions", text::format_actions(f->actions)},
                       {"priority", f->priority},
                       {"table_id", f->table_id},
                       {"cookie", f->cookie},
                       {"duration", f->duration_sec + f->duration_nsec / 1e9},
                       {"idle_timeout", f->idle_timeout},
                       {"hard_timeout", f->hard_timeout},
                       {"packets", f->packet_count},
                       {"bytes", f->byte_count}});
  }
  return {{"count", r.flows.size()}, {"packets", packets}, {"bytes", bytes}, {"entries", std::move(entries)}};
}

nlohmann::json ports_json(const of::PortStatsReply& r) {
  nlohmann::json ports = nlohmann::json::array();
  for (const auto& p : r.ports) {
    ports.push_back({{"port", p.port_no},
                     {"rx_packets", p.rx_packets},
                     {"tx_packets", p.tx_packets},
                     {"rx_bytes", p.rx_bytes},
                     {"tx_bytes", p.tx_bytes},
                     {"rx_dropped", p.rx_dropped},
                     {"tx_dropped", p.tx_dropped},
                     {"rx_errors", p.rx_errors},
                     {"tx_errors", p.tx_errors}});
  }
  return ports;
}

uint64_t dpid_from_json(const nlohmann::json& v, bool* ok) {
  *ok = true;
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    const uint64_t d = std::strtoull(s.c_str(), &end, 16);
    if (!s.empty() && end && *end == '\0') return d;
  }
  *ok = false;
  return 0;
}

}  // namespace

void FlowStats::apply(const OptionValues& o) {
  interval_ = o.get_double("interval");
  const int64_t m = o.get_int("max_flows");
  max_flows_ = m < 0 ? 0 : static_cast<size_t>(m);
}

void FlowStats::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply(ctx.options());
  ctx.core().register_component("flow_stats", this);
  ctx.listen<ConnectionDown>([this](ConnectionDown& ev) {
    in_flight_.erase(ev.dpid);
    latest_.erase(ev.dpid);
  });
  if (interval_ > 0) {
    timer_ = ctx.call_every(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(interval_)),
                            [this] { poll(); });
  } else {
    ctx.log().warn("--interval={} : polling disabled", interval_);
  }
  if (ctx.shard_index() == 0) register_services();
}

void FlowStats::stop() {
  if (timer_) ctx_->cancel_timer(timer_);
  timer_ = 0;
  if (services_) ctx_->runtime().services().remove("flow_stats.latest");
  services_ = false;
}

bool FlowStats::reload(const OptionValues& options) {
  const double old = interval_;
  apply(options);
  if (interval_ != old) {
    if (timer_) ctx_->cancel_timer(timer_);
    timer_ = 0;
    if (interval_ > 0)
      timer_ = ctx_->call_every(
          std::chrono::duration_cast<Duration>(std::chrono::duration<double>(interval_)), [this] { poll(); });
  }
  return true;
}

void FlowStats::poll() {
  for (Connection* c : ctx_->shard().switches())
    if (c->up()) poll_switch(*c);
}

void FlowStats::poll_switch(Connection& conn) {
  const uint64_t dpid = conn.dpid();
  if (!in_flight_.insert(dpid).second) return;  // the last round is still out
  auto round = std::make_shared<Round>();
  round->figures = {{"dpid", apps::dpid_string(dpid)}};
  // Callbacks run on this shard; a reply after the switch left (or after
  // stop) finds it gone from in_flight_ and is dropped.
  auto done = [this, dpid, round](const char* what) {
    if (!in_flight_.count(dpid)) return;
    if (what) round->errors.push_back(what);
    if (--round->left == 0) finish(dpid, *round);
  };
  of::StatsRequest flow_req{0, of::FlowStatsRequest{}};
  conn.request_stats(flow_req, [this, round, done](const of::StatsReply* r) {
    const auto* body = r ? std::get_if<of::FlowStatsReply>(&r->body) : nullptr;
    if (body) round->figures["flows"] = flows_json(*body, max_flows_);
    done(body ? nullptr : "flow");
  });
  of::StatsRequest port_req{0, of::PortStatsRequest{}};
  conn.request_stats(port_req, [round, done](const of::StatsReply* r) {
    const auto* body = r ? std::get_if<of::PortStatsReply>(&r->body) : nullptr;
    if (body) round->figures["ports"] = ports_json(*body);
    done(body ? nullptr : "port");
  });
  of::StatsRequest agg_req{0, of::AggregateStatsRequest{}};
  conn.request_stats(agg_req, [round, done](const of::StatsReply* r) {
    const auto* body = r ? std::get_if<of::AggregateStatsReply>(&r->body) : nullptr;
    if (body)
      round->figures["aggregate"] = {
          {"flows", body->flow_count}, {"packets", body->packet_count}, {"bytes", body->byte_count}};
    done(body ? nullptr : "aggregate");
  });
}

void FlowStats::finish(uint64_t dpid, Round& round) {
  in_flight_.erase(dpid);
  nlohmann::json& f = round.figures;
  f["time"] = unix_now();
  if (!round.errors.empty()) f["errors"] = round.errors;
  uint64_t rx_p = 0, tx_p = 0, rx_b = 0, tx_b = 0;
  if (f.contains("ports"))
    for (const auto& p : f["ports"]) {
      rx_p += p["rx_packets"].get<uint64_t>();
      tx_p += p["tx_packets"].get<uint64_t>();
      rx_b += p["rx_bytes"].get<uint64_t>();
      tx_b += p["tx_bytes"].get<uint64_t>();
    }
  auto num = [&](const char* part, const char* key) -> uint64_t {
    return f.contains(part) ? f[part][key].get<uint64_t>() : 0;
  };
  if (round.errors.size() == 3) {
    ctx_->log().warn("{}: no stats replies (flow, port and aggregate requests failed)",
                     apps::dpid_string(dpid));
  } else {
    ctx_->log().info(
        "{}: {} flows ({} packets, {} bytes); aggregate {} flows {} packets {} bytes; {} ports rx {} packets "
        "{} "
        "bytes, tx {} packets {} bytes{}",
        apps::dpid_string(dpid), num("flows", "count"), num("flows", "packets"), num("flows", "bytes"),
        num("aggregate", "flows"), num("aggregate", "packets"), num("aggregate", "bytes"),
        f.contains("ports") ? f["ports"].size() : 0, rx_p, rx_b, tx_p, tx_b,
        round.errors.empty() ? "" : "; failed: " + round.errors.dump());
  }
  latest_[dpid] = f;
  ctx_->runtime().services().publish("flow_stats", f);
}

void FlowStats::register_services() {
  Runtime* rt = &ctx_->runtime();
  services_ = rt->services().add(
      "flow_stats.latest",
      "latest FLOW/PORT/AGGREGATE figures of every switch, or of one: {\"dpid\": \"00000000000000a1\"}",
      [rt](const nlohmann::json& req, ServiceDirectory::Reply reply) {
        bool filter = false;
        uint64_t want = 0;
        if (req.is_object() && req.contains("dpid")) {
          want = dpid_from_json(req["dpid"], &filter);
          if (!filter) {
            reply({{"error", "dpid must be a number or a hex string"}});
            return;
          }
        }
        struct Gather {
          std::mutex mu;
          std::atomic<size_t> left;
          std::map<uint64_t, nlohmann::json> all;
          ServiceDirectory::Reply reply;
        };
        auto g = std::make_shared<Gather>();
        g->left = rt->shard_count();
        g->reply = std::move(reply);
        rt->post_to_all([g, filter, want](Shard& s) {
          if (FlowStats* fs = s.core().get<FlowStats>("flow_stats")) {
            std::lock_guard lock(g->mu);
            for (const auto& [dpid, f] : fs->latest())
              if (!filter || dpid == want) g->all[dpid] = f;
          }
          if (g->left.fetch_sub(1) == 1) {
            std::lock_guard lock(g->mu);
            nlohmann::json list = nlohmann::json::array();
            for (auto& [dpid, f] : g->all) list.push_back(f);
            g->reply({{"switches", std::move(list)}});
          }
        });
      });
  if (!services_) ctx_->log().warn("service flow_stats.latest already registered");
}

AppInfo flow_stats_app_info() {
  AppInfo info;
  info.name = "flow_stats";
  info.aliases = {"misc.flow_stats"};
  info.help =
      "polls FLOW, PORT and AGGREGATE stats of every switch, logs a summary, publishes on channel "
      "\"flow_stats\", service flow_stats.latest";
  info.declare_options = [](OptionSet& o) {
    o.add_double("interval", 5, "seconds between polls (0: never)");
    o.add_int("max_flows", 100, "flow entries kept per switch in the figures (largest byte counts)");
  };
  info.create = [] { return std::make_unique<FlowStats>(); };
  return info;
}

}  // namespace ofkit::ctl
