// The OpenFlow agent against a fake Datapath and in-memory channels: every
// message type, the errors it answers with, barriers that wait for the
// workers, asynchronous messages, fail mode, keepalive and reconnect
// back-off under a fake clock.
#include <gtest/gtest.h>

#include "datapath/agent.h"
#include "tests/datapath/agent_fakes.h"

namespace ofkit::dp {
namespace {

using testing::FakeChannel;
using testing::FakeChannelState;
using testing::FakeDatapath;
using testing::take_messages;

std::vector<uint8_t> enc(const of::Message& m, uint32_t xid) { return of::encode_message(m, xid); }

class AgentTest : public ::testing::Test {
 protected:
  void make_agent(AgentConfig cfg = {}) {
    cfg.initial_backoff = Duration(100);
    cfg.max_backoff = Duration(1000);
    agent_ = std::make_unique<Agent>(&dp_, &loop_, cfg, [this] { return now_; });
    std::string err;
    ASSERT_TRUE(agent_->start(&err)) << err;
  }
  // A connected peer that has exchanged HELLO; its outgoing buffer is cleared.
  int connect(Agent::Role role, std::shared_ptr<FakeChannelState>* state, bool keepalive = false) {
    *state = std::make_shared<FakeChannelState>();
    const int id = agent_->adopt(std::make_unique<FakeChannel>(*state), role, keepalive);
    auto hello = take_messages(**state);
    EXPECT_EQ(hello.size(), 1u);
    if (!hello.empty()) {
      EXPECT_EQ(hello[0].header.type, of::MsgType::kHello);
      EXPECT_EQ(hello[0].header.version, 0x01);
    }
    feed(id, **state, enc(of::Hello{}, 1));
    return id;
  }
  void feed(int id, FakeChannelState& s, const std::vector<uint8_t>& bytes) {
    s.to_agent.insert(s.to_agent.end(), bytes.begin(), bytes.end());
    agent_->service(id);
  }
  // Sends one message and returns the agent's answers.
  std::vector<of::DecodedMessage> exchange(const std::vector<uint8_t>& bytes) {
    feed(id_, *s_, bytes);
    return take_messages(*s_);
  }
  void expect_error(const std::vector<of::DecodedMessage>& out, of::Ofperr err, uint32_t xid,
                    const std::vector<uint8_t>& offending) {
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].header.type, of::MsgType::kError);
    EXPECT_EQ(out[0].header.xid, xid);
    const auto& e = std::get<of::ErrorMsg>(out[0].msg);
    EXPECT_EQ(e.type, of::ofperr_type(err)) << of::ofperr_name(err);
    EXPECT_EQ(e.code, of::ofperr_code(err)) << of::ofperr_name(err);
    const size_t n = std::min<size_t>(offending.size(), 64);
    EXPECT_EQ(e.data, std::vector<uint8_t>(offending.begin(), offending.begin() + static_cast<ptrdiff_t>(n)));
  }
  void management() {
    make_agent();
    id_ = connect(Agent::Role::kManagement, &s_);
  }

  FakeDatapath dp_;
  EventLoop loop_;
  TimePoint now_ = TimePoint{} + std::chrono::hours(1);
  std::unique_ptr<Agent> agent_;
  std::shared_ptr<FakeChannelState> s_;
  int id_ = 0;
};

TEST_F(AgentTest, HelloFromNewerVersionNegotiatesOneZero) {
  make_agent();
  s_ = std::make_shared<FakeChannelState>();
  id_ = agent_->adopt(std::make_unique<FakeChannel>(s_), Agent::Role::kManagement, false);
  take_messages(*s_);
  // An OF1.3 HELLO (with a version bitmap element) is fine; we stay at 0x01.
  std::vector<uint8_t> hello13 = {0x04, 0x00, 0x00, 0x10, 0,    0,    0,    7,
                                  0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12};
  EXPECT_TRUE(exchange(hello13).empty());
  auto out = exchange(enc(of::EchoRequest{{1, 2, 3}}, 42));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kEchoReply);
  EXPECT_EQ(out[0].header.xid, 42u);
  EXPECT_EQ(std::get<of::EchoReply>(out[0].msg).data, (std::vector<uint8_t>{1, 2, 3}));
}

TEST_F(AgentTest, HelloWithVersionZeroFailsAndCloses) {
  make_agent();
  s_ = std::make_shared<FakeChannelState>();
  id_ = agent_->adopt(std::make_unique<FakeChannel>(s_), Agent::Role::kManagement, false);
  take_messages(*s_);
  s_->to_agent = {0x00, 0x00, 0x00, 0x08, 0, 0, 0, 9};
  agent_->service(id_);
  EXPECT_TRUE(s_->agent_closed);
  EXPECT_FALSE(agent_->connected(id_));
  // The reply is an OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE with a text.
  ASSERT_GE(s_->from_agent.size(), 12u);
  EXPECT_EQ(s_->from_agent[1], 1);  // OFPT_ERROR
  EXPECT_EQ(load_be16(&s_->from_agent[8]), 0);
  EXPECT_EQ(load_be16(&s_->from_agent[10]), 0);
}

TEST_F(AgentTest, FeaturesReply) {
  management();
  auto out = exchange(enc(of::FeaturesRequest{}, 5));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.xid, 5u);
  const auto& f = std::get<of::FeaturesReply>(out[0].msg);
  EXPECT_EQ(f.datapath_id, 0xabcu);
  EXPECT_EQ(f.n_buffers, 256u);
  EXPECT_EQ(f.n_tables, 1);
  ASSERT_EQ(f.ports.size(), 2u);
  EXPECT_EQ(f.ports[1].port_no, 2);
  EXPECT_EQ(f.ports[1].name, "p2");
  EXPECT_EQ(f.ports[1].hw_addr, MacAddr::from_u64(0x020000000002ull));
}

TEST_F(AgentTest, GetAndSetConfig) {
  management();
  EXPECT_TRUE(exchange(enc(of::SetConfig{of::config_flags::kFragDrop, 300}, 6)).empty());
  auto out = exchange(enc(of::GetConfigRequest{}, 7));
  ASSERT_EQ(out.size(), 1u);
  const auto& c = std::get<of::GetConfigReply>(out[0].msg);
  EXPECT_EQ(c.flags, of::config_flags::kFragDrop);
  EXPECT_EQ(c.miss_send_len, 300);
}

TEST_F(AgentTest, FlowModReachesDatapath) {
  management();
  of::FlowMod fm;
  fm.match.wildcards = of::wildcards::kAll & ~of::wildcards::kInPort;
  fm.match.key.in_port = 1;
  fm.cookie = 0x1234;
  fm.command = of::FlowModCommand::kModifyStrict;
  fm.idle_timeout = 10;
  fm.hard_timeout = 20;
  fm.priority = 7;
  fm.buffer_id = 99;
  fm.out_port = 2;
  fm.flags = of::flow_mod_flags::kSendFlowRem;
  fm.actions = {of::ActionOutput{2, 0}};
  EXPECT_TRUE(exchange(enc(fm, 8)).empty());
  ASSERT_EQ(dp_.flow_mods.size(), 1u);
  const FlowModRequest& r = dp_.flow_mods[0];
  EXPECT_EQ(r.match.key.in_port, 1);
  EXPECT_EQ(r.cookie, 0x1234u);
  EXPECT_EQ(r.command, of::FlowModCommand::kModifyStrict);
  EXPECT_EQ(r.idle_timeout, 10);
  EXPECT_EQ(r.hard_timeout, 20);
  EXPECT_EQ(r.priority, 7);
  EXPECT_EQ(r.buffer_id, 99u);
  EXPECT_EQ(r.out_port, 2);
  EXPECT_EQ(r.flags, of::flow_mod_flags::kSendFlowRem);
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(std::get<of::ActionOutput>(r.actions[0]).port, 2);
}

TEST_F(AgentTest, FlowModErrorFromDatapath) {
  management();
  dp_.flow_mod_error = of::Ofperr::kFlowModFailedAllTablesFull;
  of::FlowMod fm;
  const auto bytes = enc(fm, 9);
  expect_error(exchange(bytes), of::Ofperr::kFlowModFailedAllTablesFull, 9, bytes);
}

TEST_F(AgentTest, MalformedMessagesDrawTheDecodersErrorAndTheConnectionGoesOn) {
  management();
  // FLOW_MOD with an action whose length (12) is not a multiple of 8.
  of::FlowMod fm;
  auto bad_action = enc(fm, 10);
  const std::vector<uint8_t> action = {0x00, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0};
  bad_action.insert(bad_action.end(), action.begin(), action.end());
  store_be16(&bad_action[2], static_cast<uint16_t>(bad_action.size()));
  expect_error(exchange(bad_action), of::Ofperr::kBadActionBadLen, 10, bad_action);
  // Wrong version after the handshake.
  auto v4 = enc(of::EchoRequest{}, 11);
  v4[0] = 0x04;
  expect_error(exchange(v4), of::Ofperr::kBadRequestBadVersion, 11, v4);
  // Unknown type.
  const std::vector<uint8_t> t99 = {0x01, 99, 0x00, 0x08, 0, 0, 0, 12};
  expect_error(exchange(t99), of::Ofperr::kBadRequestBadType, 12, t99);
  // FEATURES_REQUEST with a body: fixed-size message of the wrong length.
  const std::vector<uint8_t> long_features = {0x01, 5, 0x00, 0x0c, 0, 0, 0, 13, 1, 2, 3, 4};
  expect_error(exchange(long_features), of::Ofperr::kBadRequestBadLen, 13, long_features);
  // A message a switch sends, sent to the switch.
  const auto fr = enc(of::FeaturesReply{}, 14);
  expect_error(exchange(fr), of::Ofperr::kBadRequestBadType, 14, fr);
  // The connection still works.
  auto out = exchange(enc(of::EchoRequest{}, 15));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kEchoReply);
  EXPECT_TRUE(agent_->connected(id_));
}

TEST_F(AgentTest, LengthBelowEightClosesWithBadLen) {
  management();
  feed(id_, *s_, {0x01, 2, 0x00, 0x04, 0, 0, 0, 1});
  EXPECT_FALSE(agent_->connected(id_));
  ASSERT_GE(s_->from_agent.size(), 12u);
  EXPECT_EQ(s_->from_agent[1], 1);
  EXPECT_EQ(load_be16(&s_->from_agent[8]), of::ofperr_type(of::Ofperr::kBadRequestBadLen));
  EXPECT_EQ(load_be16(&s_->from_agent[10]), of::ofperr_code(of::Ofperr::kBadRequestBadLen));
}

TEST_F(AgentTest, MessagesSplitAcrossReadsAndCoalesced) {
  management();
  auto a = enc(of::EchoRequest{{9}}, 20);
  auto b = enc(of::BarrierRequest{}, 21);
  std::vector<uint8_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  feed(id_, *s_, std::vector<uint8_t>(both.begin(), both.begin() + 3));
  EXPECT_TRUE(take_messages(*s_).empty());
  feed(id_, *s_, std::vector<uint8_t>(both.begin() + 3, both.end()));
  auto out = take_messages(*s_);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].header.xid, 20u);
  EXPECT_EQ(out[1].header.type, of::MsgType::kBarrierReply);
  EXPECT_EQ(out[1].header.xid, 21u);
}

TEST_F(AgentTest, PacketOut) {
  management();
  of::PacketOut po;
  po.in_port = 1;
  po.actions = {of::ActionOutput{2, 0}};
  po.data = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 0x08, 0x00};
  EXPECT_TRUE(exchange(enc(po, 30)).empty());
  ASSERT_EQ(dp_.packet_outs.size(), 1u);
  EXPECT_EQ(dp_.packet_outs[0].in_port, 1);
  EXPECT_EQ(dp_.packet_outs[0].buffer_id, of::kNoBuffer);
  EXPECT_EQ(dp_.packet_out_data[0], po.data);
  dp_.packet_out_error = of::Ofperr::kBadRequestBufferUnknown;
  po.buffer_id = 77;
  po.data.clear();
  const auto bytes = enc(po, 31);
  expect_error(exchange(bytes), of::Ofperr::kBadRequestBufferUnknown, 31, bytes);
}

TEST_F(AgentTest, PortMod) {
  management();
  of::PortMod pm{1, MacAddr::from_u64(0x020000000001ull), of::port_config::kNoFlood,
                 of::port_config::kNoFlood, 0};
  EXPECT_TRUE(exchange(enc(pm, 40)).empty());
  ASSERT_EQ(dp_.port_mods.size(), 1u);
  EXPECT_EQ(dp_.port_mods[0].config, of::port_config::kNoFlood);
  EXPECT_EQ(dp_.port_mods[0].mask, of::port_config::kNoFlood);
  pm.port_no = 9;
  const auto bytes = enc(pm, 41);
  expect_error(exchange(bytes), of::Ofperr::kPortModFailedBadPort, 41, bytes);
}

TEST_F(AgentTest, DescTableAggregatePortQueueStats) {
  management();
  auto out = exchange(enc(of::StatsRequest{0, of::DescStatsRequest{}}, 50));
  ASSERT_EQ(out.size(), 1u);
  const auto& desc = std::get<of::DescStatsReply>(std::get<of::StatsReply>(out[0].msg).body);
  EXPECT_EQ(desc.desc.mfr_desc, "mfr");
  EXPECT_EQ(desc.desc.dp_desc, "dp");

  out = exchange(enc(of::StatsRequest{0, of::TableStatsRequest{}}, 51));
  ASSERT_EQ(out.size(), 1u);
  const auto& tables = std::get<of::TableStatsReply>(std::get<of::StatsReply>(out[0].msg).body);
  ASSERT_EQ(tables.tables.size(), 1u);
  EXPECT_EQ(tables.tables[0].name, "classifier");
  EXPECT_EQ(tables.tables[0].lookup_count, 100u);

  of::AggregateStatsRequest agg;
  agg.match.wildcards = of::wildcards::kAll;
  out = exchange(enc(of::StatsRequest{0, agg}, 52));
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<of::AggregateStatsReply>(std::get<of::StatsReply>(out[0].msg).body);
  EXPECT_EQ(a.packet_count, 10u);
  EXPECT_EQ(a.byte_count, 1000u);
  EXPECT_EQ(a.flow_count, 2u);

  out = exchange(enc(of::StatsRequest{0, of::PortStatsRequest{of::port::kNone}}, 53));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<of::PortStatsReply>(std::get<of::StatsReply>(out[0].msg).body).ports.size(), 2u);
  out = exchange(enc(of::StatsRequest{0, of::PortStatsRequest{2}}, 54));
  ASSERT_EQ(out.size(), 1u);
  const auto& ports = std::get<of::PortStatsReply>(std::get<of::StatsReply>(out[0].msg).body).ports;
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].port_no, 2);
  EXPECT_EQ(ports[0].rx_packets, 2u);

  out = exchange(enc(of::StatsRequest{0, of::QueueStatsRequest{of::port::kAll, of::kAllQueues}}, 55));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<of::QueueStatsReply>(std::get<of::StatsReply>(out[0].msg).body).queues.size(), 1u);
  const auto bad_queue = enc(of::StatsRequest{0, of::QueueStatsRequest{7, 0}}, 56);
  expect_error(exchange(bad_queue), of::Ofperr::kQueueOpFailedBadPort, 56, bad_queue);

  const auto vendor = enc(of::StatsRequest{0, of::VendorStats{0x2320, {1, 2, 3, 4}}}, 57);
  expect_error(exchange(vendor), of::Ofperr::kBadRequestBadVendor, 57, vendor);
}

TEST_F(AgentTest, LongFlowStatsReplyIsSplitWithReplyMore) {
  management();
  for (int i = 0; i < 1000; ++i) {
    FlowStatsEntry e;
    e.match.wildcards = of::wildcards::kAll;
    e.priority = static_cast<uint16_t>(i);
    e.actions = {of::ActionOutput{1, 0}, of::ActionSetDlSrc{MacAddr::from_u64(1)}};
    dp_.flows.push_back(e);
  }
  of::FlowStatsRequest fr;
  fr.match.wildcards = of::wildcards::kAll;
  auto out = exchange(enc(of::StatsRequest{0, fr}, 60));
  ASSERT_GT(out.size(), 1u);
  size_t flows = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].header.xid, 60u);
    const auto& r = std::get<of::StatsReply>(out[i].msg);
    EXPECT_EQ(r.more(), i + 1 < out.size());
    const auto& body = std::get<of::FlowStatsReply>(r.body);
    for (const auto& f : body.flows) EXPECT_EQ(f.priority, flows++);
  }
  EXPECT_EQ(flows, 1000u);
}

TEST_F(AgentTest, BarrierWaitsForEveryWorkerAndHoldsLaterMessages) {
  management();
  dp_.reached_ = 0;
  EXPECT_TRUE(exchange(enc(of::FlowMod{}, 70)).empty());  // epoch 1
  auto barrier = enc(of::BarrierRequest{}, 71);
  auto echo = enc(of::EchoRequest{}, 72);
  barrier.insert(barrier.end(), echo.begin(), echo.end());
  EXPECT_TRUE(exchange(barrier).empty());  // neither the barrier nor the echo is answered yet
  agent_->tick();
  EXPECT_TRUE(take_messages(*s_).empty());
  dp_.reach_all();
  agent_->tick();
  auto out = take_messages(*s_);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kBarrierReply);
  EXPECT_EQ(out[0].header.xid, 71u);
  EXPECT_EQ(out[1].header.type, of::MsgType::kEchoReply);
  EXPECT_EQ(out[1].header.xid, 72u);
}

TEST_F(AgentTest, VendorIsBadVendor) {
  management();
  const auto v = enc(of::Vendor{0x00002320, {0, 0, 0, 1}}, 80);
  expect_error(exchange(v), of::Ofperr::kBadRequestBadVendor, 80, v);
}

TEST_F(AgentTest, QueueGetConfig) {
  management();
  auto out = exchange(enc(of::QueueGetConfigRequest{1}, 90));
  ASSERT_EQ(out.size(), 1u);
  const auto& r = std::get<of::QueueGetConfigReply>(out[0].msg);
  EXPECT_EQ(r.port, 1);
  ASSERT_EQ(r.queues.size(), 1u);
  EXPECT_EQ(r.queues[0].queue_id, 0u);
  const auto bad = enc(of::QueueGetConfigRequest{42}, 91);
  expect_error(exchange(bad), of::Ofperr::kQueueOpFailedBadPort, 91, bad);
}

TEST_F(AgentTest, AsyncMessagesGoToControllersOnly) {
  make_agent();
  std::shared_ptr<FakeChannelState> ctl, mgmt;
  connect(Agent::Role::kController, &ctl);
  connect(Agent::Role::kManagement, &mgmt);
  take_messages(*ctl);
  take_messages(*mgmt);
  dp_.pending_events.push_back(PacketInEvent{55, 60, 1, of::PacketInReason::kNoMatch, {1, 2, 3}});
  dp_.pending_events.push_back(
      FlowRemovedEvent{{}, 0x77, 5, of::FlowRemovedReason::kIdleTimeout, 1, 2, 3, 4, 5});
  PortStatusEvent ps;
  ps.reason = of::PortReason::kModify;
  ps.desc.port_no = 2;
  ps.desc.name = "p2";
  dp_.pending_events.push_back(ps);
  agent_->tick();
  auto out = take_messages(*ctl);
  ASSERT_EQ(out.size(), 3u);
  const auto& pi = std::get<of::PacketIn>(out[0].msg);
  EXPECT_EQ(pi.buffer_id, 55u);
  EXPECT_EQ(pi.total_len, 60);
  EXPECT_EQ(pi.in_port, 1);
  EXPECT_EQ(pi.data, (std::vector<uint8_t>{1, 2, 3}));
  const auto& fr = std::get<of::FlowRemoved>(out[1].msg);
  EXPECT_EQ(fr.cookie, 0x77u);
  EXPECT_EQ(fr.reason, of::FlowRemovedReason::kIdleTimeout);
  EXPECT_EQ(fr.packet_count, 4u);
  EXPECT_EQ(std::get<of::PortStatus>(out[2].msg).desc.name, "p2");
  EXPECT_TRUE(take_messages(*mgmt).empty());
  EXPECT_EQ(agent_->counters().packet_ins_sent, 1u);
}

TEST_F(AgentTest, PacketInsWithoutControllerAreDroppedInSecureMode) {
  make_agent();
  dp_.pending_events.push_back(PacketInEvent{1, 60, 1, of::PacketInReason::kNoMatch, {1}});
  agent_->tick();
  EXPECT_EQ(agent_->counters().packet_ins_dropped_disconnected, 1u);
  EXPECT_TRUE(dp_.flow_mods.empty());  // secure: no fail-open flow
  EXPECT_FALSE(agent_->fail_open_active());
}

TEST_F(AgentTest, StandaloneActsAsLearningSwitchWhileNoControllerIsUp) {
  AgentConfig cfg;
  cfg.fail_mode = FailMode::kStandalone;
  make_agent(cfg);
  ASSERT_EQ(dp_.flow_mods.size(), 1u);
  const FlowModRequest& add = dp_.flow_mods[0];
  EXPECT_EQ(add.command, of::FlowModCommand::kAdd);
  EXPECT_EQ(add.priority, 0);
  EXPECT_EQ(add.match.wildcards, of::wildcards::kAll);
  ASSERT_EQ(add.actions.size(), 1u);
  EXPECT_EQ(std::get<of::ActionOutput>(add.actions[0]).port, of::port::kNormal);
  EXPECT_TRUE(agent_->fail_open_active());

  std::shared_ptr<FakeChannelState> ctl;
  const int id = connect(Agent::Role::kController, &ctl);
  ASSERT_EQ(dp_.flow_mods.size(), 2u);
  EXPECT_EQ(dp_.flow_mods[1].command, of::FlowModCommand::kDeleteStrict);
  EXPECT_FALSE(agent_->fail_open_active());

  ctl->peer_closed = true;
  agent_->service(id);
  EXPECT_FALSE(agent_->connected(id));
  ASSERT_EQ(dp_.flow_mods.size(), 3u);
  EXPECT_EQ(dp_.flow_mods[2].command, of::FlowModCommand::kAdd);
  EXPECT_TRUE(agent_->fail_open_active());
}

TEST_F(AgentTest, ControllerReadyAfterFeaturesAndEcho) {
  make_agent();
  std::shared_ptr<FakeChannelState> ctl;
  const int id =
      agent_->add_local_controller(std::make_unique<FakeChannel>(ctl = std::make_shared<FakeChannelState>()));
  EXPECT_FALSE(agent_->controllers_ready());
  take_messages(*ctl);
  feed(id, *ctl, enc(of::Hello{}, 1));
  EXPECT_TRUE(agent_->controller_up());
  feed(id, *ctl, enc(of::FeaturesRequest{}, 2));
  auto out = take_messages(*ctl);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kFeaturesReply);
  ASSERT_EQ(out[1].header.type, of::MsgType::kEchoRequest);
  EXPECT_FALSE(agent_->controllers_ready());
  feed(id, *ctl, enc(of::EchoReply{}, out[1].header.xid));
  EXPECT_TRUE(agent_->controllers_ready());

  // --exit-on-eof's sync: an echo round trip with every controller.
  agent_->begin_sync();
  EXPECT_FALSE(agent_->sync_done());
  out = take_messages(*ctl);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kEchoRequest);
  feed(id, *ctl, enc(of::EchoReply{}, out[0].header.xid + 1));  // not ours
  EXPECT_FALSE(agent_->sync_done());
  feed(id, *ctl, enc(of::EchoReply{}, out[0].header.xid));
  EXPECT_TRUE(agent_->sync_done());
}

TEST_F(AgentTest, KeepaliveProbesThenDisconnectsOnFakeClock) {
  AgentConfig cfg;
  cfg.probe_interval = Duration(5000);
  make_agent(cfg);
  std::shared_ptr<FakeChannelState> s;
  const int id = connect(Agent::Role::kManagement, &s, true);
  now_ += Duration(4999);
  agent_->tick();
  EXPECT_TRUE(take_messages(*s).empty());
  now_ += Duration(1);
  agent_->tick();
  auto out = take_messages(*s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kEchoRequest);
  // Answering keeps the connection.
  now_ += Duration(3000);
  feed(id, *s, enc(of::EchoReply{}, out[0].header.xid));
  now_ += Duration(4000);
  agent_->tick();
  EXPECT_TRUE(agent_->connected(id));
  EXPECT_TRUE(take_messages(*s).empty());
  // Silence through a probe and another interval: closed.
  now_ += Duration(1000);
  agent_->tick();
  ASSERT_EQ(take_messages(*s).size(), 1u);
  now_ += Duration(4999);
  agent_->tick();
  EXPECT_TRUE(agent_->connected(id));
  now_ += Duration(1);
  agent_->tick();
  EXPECT_FALSE(agent_->connected(id));
  EXPECT_EQ(agent_->counters().inactivity_disconnects, 1u);
}

TEST_F(AgentTest, ReconnectBacksOffExponentially) {
  AgentConfig cfg;
  Target t;
  t.kind = Target::Kind::kUnix;
  t.path = "/nonexistent-ofkit-dir/controller.sock";  // connect fails at once
  cfg.controllers.push_back(t);
  make_agent(cfg);  // backoff 100 ms .. 1 s
  EXPECT_EQ(agent_->connect_attempts(), 1u);
  const int expected_delays[] = {100, 200, 400, 800, 1000, 1000};
  uint64_t attempts = 1;
  for (int d : expected_delays) {
    now_ += Duration(d - 1);
    agent_->tick();
    EXPECT_EQ(agent_->connect_attempts(), attempts) << "before " << d << " ms";
    now_ += Duration(1);
    agent_->tick();
    EXPECT_EQ(agent_->connect_attempts(), ++attempts) << "at " << d << " ms";
  }
  EXPECT_NE(agent_->show_text().find("disconnected"), std::string::npos);
}

TEST_F(AgentTest, ExpiresFlowsPeriodically) {
  make_agent();
  agent_->tick();
  const int first = dp_.expire_calls;
  agent_->tick();
  EXPECT_EQ(dp_.expire_calls, first);
  now_ += Duration(100);
  agent_->tick();
  EXPECT_EQ(dp_.expire_calls, first + 1);
}

TEST_F(AgentTest, FirstMessageMustBeHello) {
  make_agent();
  s_ = std::make_shared<FakeChannelState>();
  id_ = agent_->adopt(std::make_unique<FakeChannel>(s_), Agent::Role::kManagement, false);
  take_messages(*s_);
  // An ECHO_REQUEST before any HELLO: OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE
  // (0, 0) with the request's xid and a text, then the connection closes
  // without the echo being answered (Open vSwitch's behaviour).
  s_->to_agent = enc(of::EchoRequest{{1, 2}}, 42);
  agent_->service(id_);
  EXPECT_TRUE(s_->agent_closed);
  EXPECT_FALSE(agent_->connected(id_));
  auto out = take_messages(*s_);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header.type, of::MsgType::kError);
  EXPECT_EQ(out[0].header.xid, 42u);
  const auto& e = std::get<of::ErrorMsg>(out[0].msg);
  EXPECT_EQ(e.type, 0);  // OFPET_HELLO_FAILED
  EXPECT_EQ(e.code, 0);  // OFPHFC_INCOMPATIBLE
  EXPECT_EQ(std::string(e.data.begin(), e.data.end()), "the first message must be HELLO");
  EXPECT_EQ(agent_->counters().hello_failures, 1u);
  // A FLOW_MOD before HELLO never reaches the datapath.
  s_ = std::make_shared<FakeChannelState>();
  id_ = agent_->adopt(std::make_unique<FakeChannel>(s_), Agent::Role::kManagement, false);
  of::FlowMod fm;
  fm.actions = {of::ActionOutput{2, 0}};
  s_->to_agent = enc(fm, 5);
  agent_->service(id_);
  EXPECT_TRUE(dp_.flow_mods.empty());
  EXPECT_FALSE(agent_->connected(id_));
}

TEST_F(AgentTest, LosingTheControllerEntersEmergencyModeWhenEmergencyFlowsExist) {
  make_agent();
  std::shared_ptr<FakeChannelState> ctl;
  int id = connect(Agent::Role::kController, &ctl);
  ctl->peer_closed = true;
  agent_->service(id);
  EXPECT_EQ(dp_.emergency_entered, 0);  // no emergency flows: secure mode keeps the flows
  dp_.emergency_flows = 2;
  id = connect(Agent::Role::kController, &ctl);
  EXPECT_EQ(dp_.emergency_entered, 0);
  ctl->peer_closed = true;
  agent_->service(id);
  EXPECT_FALSE(agent_->connected(id));
  EXPECT_EQ(dp_.emergency_entered, 1);
  EXPECT_EQ(agent_->counters().emergency_entries, 1u);
  // Management clients coming and going change nothing.
  std::shared_ptr<FakeChannelState> mgmt;
  const int m = connect(Agent::Role::kManagement, &mgmt);
  mgmt->peer_closed = true;
  agent_->service(m);
  EXPECT_EQ(dp_.emergency_entered, 1);
}

}  // namespace
}  // namespace ofkit::dp
