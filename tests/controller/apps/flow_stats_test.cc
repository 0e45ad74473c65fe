// flow_stats against scripted switches: the three requests of a round, a
// FLOW reply in two parts (OFPSF_REPLY_MORE) assembled before the figures
// are made, the figures published on channel "flow_stats", and
// flow_stats.latest gathering every shard's switches.

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "controller/apps/app_util.h"
#include "controller/connection.h"
#include "tests/controller/apps/app_harness.h"

namespace ofkit::ctl::testing {
namespace {

struct Published {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<nlohmann::json> msgs;
  // Waits (bounded) for a message about dpid.
  std::optional<nlohmann::json> wait_for(const std::string& dpid) {
    std::unique_lock lock(mu);
    std::optional<nlohmann::json> found;
    cv.wait_for(lock, std::chrono::seconds(5), [&] {
      for (const auto& m : msgs)
        if (m["dpid"] == dpid) found = m;
      return found.has_value();
    });
    return found;
  }
};

of::FlowStats flow(uint16_t in_port, uint16_t out, uint64_t packets, uint64_t bytes) {
  of::FlowStats f;
  f.match.wildcards = of::wildcards::kAll & ~of::wildcards::kInPort;
  f.match.key.in_port = in_port;
  f.duration_sec = 3;
  f.duration_nsec = 500000000;
  f.priority = 0x8000;
  f.idle_timeout = 10;
  f.packet_count = packets;
  f.byte_count = bytes;
  f.actions = {of::ActionOutput{out, 0}};
  return f;
}

// Answers one polling round: FLOW in two parts, PORT, AGGREGATE.
void answer_round(ScriptedSwitch& sw, uint64_t scale) {
  for (int i = 0; i < 3; ++i) {
    uint32_t xid = 0;
    auto req = sw.expect<of::StatsRequest>(std::chrono::milliseconds(5000), &xid);
    ASSERT_TRUE(req) << "no STATS_REQUEST " << i;
    if (std::holds_alternative<of::FlowStatsRequest>(req->body)) {
      const auto& fr = std::get<of::FlowStatsRequest>(req->body);
      EXPECT_EQ(fr.match.wildcards, of::wildcards::kAll);
      EXPECT_EQ(fr.table_id, 0xff);
      EXPECT_EQ(fr.out_port, of::port::kNone);
      of::StatsReply part1{of::kStatsReplyMore, of::FlowStatsReply{{flow(1, 2, 10 * scale, 1000 * scale)}}};
      of::StatsReply part2{0, of::FlowStatsReply{{flow(2, 1, 5 * scale, 3000 * scale), flow(3, 1, 1, 60)}}};
      sw.send(part1, xid);
      sw.send(part2, xid);
    } else if (std::holds_alternative<of::PortStatsRequest>(req->body)) {
      EXPECT_EQ(std::get<of::PortStatsRequest>(req->body).port_no, of::port::kNone);
      of::PortStatsReply pr;
      for (uint16_t p = 1; p <= 2; ++p) {
        of::PortStats ps;
        ps.port_no = p;
        ps.rx_packets = 100 * p;
        ps.tx_packets = 200 * p;
        ps.rx_bytes = 1000 * p;
        ps.tx_bytes = 2000 * p;
        ps.rx_dropped = p;
        pr.ports.push_back(ps);
      }
      sw.send(of::StatsReply{0, pr}, xid);
    } else if (std::holds_alternative<of::AggregateStatsRequest>(req->body)) {
      EXPECT_EQ(std::get<of::AggregateStatsRequest>(req->body).match.wildcards, of::wildcards::kAll);
      sw.send(of::StatsReply{0, of::AggregateStatsReply{15 * scale + 1, 4000 * scale + 60, 3}}, xid);
    } else {
      ADD_FAILURE() << "unexpected stats type " << static_cast<int>(req->type());
    }
  }
}

TEST(FlowStats, PollsAssemblesMultipartPublishesAndServesTheLatest) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=2", "flow_stats", "--interval=0.05", "--max-flows=2"}));
  Published pub;
  const uint64_t sub =
      h.runtime().services().subscribe([&pub](const std::string& ch, const nlohmann::json& m) {
        if (ch != "flow_stats") return;
        std::lock_guard lock(pub.mu);
        pub.msgs.push_back(m);
        pub.cv.notify_all();
      });
  uint64_t d1 = 0xa1, d2 = 0xa2;
  while (shard_for_dpid(d2, 2) == shard_for_dpid(d1, 2)) ++d2;
  auto s1 = h.connect(d1);
  auto s2 = h.connect(d2);
  ASSERT_TRUE(s1 && s2);
  answer_round(*s1, 1);
  answer_round(*s2, 2);

  auto f = pub.wait_for("00000000000000a1");
  ASSERT_TRUE(f) << "nothing published for switch a1";
  EXPECT_EQ((*f)["flows"]["count"], 3);
  EXPECT_EQ((*f)["flows"]["packets"], 16);
  EXPECT_EQ((*f)["flows"]["bytes"], 4060);
  ASSERT_EQ((*f)["flows"]["entries"].size(), 2u);  // --max-flows, largest first
  EXPECT_EQ((*f)["flows"]["entries"][0]["bytes"], 3000);
  EXPECT_EQ((*f)["flows"]["entries"][0]["match"], "in_port=2");
  EXPECT_EQ((*f)["flows"]["entries"][0]["actions"], "output:1");
  EXPECT_EQ((*f)["flows"]["entries"][0]["duration"], 3.5);
  EXPECT_EQ((*f)["flows"]["entries"][1]["bytes"], 1000);
  EXPECT_EQ((*f)["aggregate"], (nlohmann::json{{"flows", 3}, {"packets", 16}, {"bytes", 4060}}));
  ASSERT_EQ((*f)["ports"].size(), 2u);
  EXPECT_EQ((*f)["ports"][1]["port"], 2);
  EXPECT_EQ((*f)["ports"][1]["rx_packets"], 200);
  EXPECT_EQ((*f)["ports"][1]["tx_bytes"], 4000);
  EXPECT_EQ((*f)["ports"][1]["rx_dropped"], 2);
  EXPECT_FALSE(f->contains("errors"));
  ASSERT_TRUE(pub.wait_for(apps::dpid_string(d2)));

  // The service gathers both shards' switches, sorted by dpid.
  nlohmann::json all = h.call("flow_stats.latest", {});
  ASSERT_TRUE(all.contains("switches")) << all.dump();
  ASSERT_EQ(all["switches"].size(), 2u) << all.dump();
  EXPECT_EQ(all["switches"][0]["dpid"], "00000000000000a1");
  EXPECT_EQ(all["switches"][1]["dpid"], apps::dpid_string(d2));
  EXPECT_EQ(all["switches"][1]["aggregate"]["bytes"], 8060);
  nlohmann::json one = h.call("flow_stats.latest", {{"dpid", "a1"}});
  ASSERT_EQ(one["switches"].size(), 1u) << one.dump();
  EXPECT_EQ(one["switches"][0]["flows"]["count"], 3);
  EXPECT_TRUE(h.call("flow_stats.latest", {{"dpid", "zz"}}).contains("error"));
  h.runtime().services().unsubscribe(sub);
}

TEST(FlowStats, ASwitchThatAnswersNothingDoesNotPileUpRequests) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "--request-timeout=0.3", "flow_stats", "--interval=0.05"}));
  auto sw = h.connect(0x5);
  ASSERT_TRUE(sw);
  // One round of three requests, unanswered; nothing more until they time out.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sw->expect<of::StatsRequest>());
  auto early = sw->recv(std::chrono::milliseconds(150));
  EXPECT_FALSE(early && std::holds_alternative<of::StatsRequest>(early->msg));
  // After the timeout the round is reported with its failures and a new one starts.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sw->expect<of::StatsRequest>(std::chrono::milliseconds(5000)));
  nlohmann::json latest = h.call("flow_stats.latest", {});
  ASSERT_EQ(latest["switches"].size(), 1u) << latest.dump();
  auto errors = latest["switches"][0]["errors"].get<std::vector<std::string>>();
  std::sort(errors.begin(), errors.end());
  EXPECT_EQ(errors, (std::vector<std::string>{"aggregate", "flow", "port"}));
}

}  // namespace
}  // namespace ofkit::ctl::testing
