// OF1.0 flow table semantics through the Datapath facade: every flow_mod
// command and flag, the out_port filter, overlap, priorities and the
// exact-match rule, timeouts under a fake clock, table full.

#include <gtest/gtest.h>

#include "datapath/flow_table.h"
#include "tests/datapath/dp_frames.h"

namespace ofkit::dp {
namespace {

using namespace ofkit::dp::testing;
namespace wc = of::wildcards;

class FlowTableTest : public DatapathFixture {};

of::Match in_port_match(uint16_t port) {
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = port;
  return m;
}

of::Match dl_dst_match(uint64_t dst) {
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kDlDst;
  m.key.dl_dst = mac(dst);
  return m;
}

// An exact match for a UDP frame as extracted (wildcards == 0).
of::Match exact_match_for(const Bytes& frame, uint16_t in_port) {
  FlowKey k;
  extract_flow_key(frame.data(), frame.size(), in_port, &k);
  return of::match_from_key(k, in_port);
}

TEST_F(FlowTableTest, AddForwardsAndCounts) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).take_tx().size(), 1u);
  EXPECT_EQ(port(3).tx_count(), 0u);
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].packet_count, 1u);
  EXPECT_EQ(f[0].byte_count, udp_frame(0x1, 0x2).size());
  EXPECT_EQ(f[0].priority, 100);
}

TEST_F(FlowTableTest, MissBecomesBufferedPacketIn) {
  const Bytes frame = udp_frame(0x1, 0x2);
  inject(1, frame);
  run();
  EXPECT_EQ(dp->poll_control(64), 1u);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].reason, of::PacketInReason::kNoMatch);
  EXPECT_EQ(pins[0].in_port, 1);
  EXPECT_EQ(pins[0].total_len, frame.size());
  EXPECT_NE(pins[0].buffer_id, of::kNoBuffer);
  EXPECT_EQ(pins[0].data, frame);  // shorter than miss_send_len (128)
  // miss_send_len cuts the data of a buffered packet.
  dp->set_config(SwitchConfig{0, 20});
  inject(1, frame);
  run();
  dp->poll_control(64);
  pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].data, Bytes(frame.begin(), frame.begin() + 20));
  EXPECT_EQ(pins[0].total_len, frame.size());
}

TEST_F(FlowTableTest, HigherPriorityWins) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 10, {out(2)})));
  ASSERT_TRUE(dp->flow_mod(add(dl_dst_match(0x2), 20, {out(3)})));
  inject(1, udp_frame(0x1, 0x2));
  inject(1, udp_frame(0x1, 0x9));
  run();
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  EXPECT_EQ(port(2).take_tx().size(), 1u);
}

TEST_F(FlowTableTest, ExactMatchBeatsEveryWildcardEntry) {
  const Bytes frame = udp_frame(0x1, 0x2);
  FlowModRequest exact = add(exact_match_for(frame, 1), 1, {out(3)});
  ASSERT_TRUE(dp->flow_mod(exact));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 0xffff, {out(2)})));
  inject(1, frame);
  run();
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  EXPECT_EQ(port(2).take_tx().size(), 0u);
  // The exact entry is reported with priority 0xffff whatever was asked.
  bool found = false;
  for (const auto& f : flows()) {
    if (f.actions == of::ActionList{out(3)}) {
      EXPECT_EQ(f.priority, 0xffff);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(FlowTableTest, AddOfIdenticalEntryReplacesAndResetsCounters) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  ASSERT_EQ(flows()[0].packet_count, 1u);
  FlowModRequest again = add(in_port_match(1), 100, {out(3)});
  again.flags = of::flow_mod_flags::kSendFlowRem;
  ASSERT_TRUE(dp->flow_mod(again));
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].packet_count, 0u);
  EXPECT_EQ(f[0].actions, of::ActionList{out(3)});
  EXPECT_TRUE(take_events<FlowRemovedEvent>().empty());
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  // A different priority is a different entry.
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 101, {out(3)})));
  EXPECT_EQ(flows().size(), 2u);
}

TEST_F(FlowTableTest, ModifyKeepsCountersAndChangesActionsAndCookie) {
  FlowModRequest a = add(in_port_match(1), 100, {out(2)});
  a.cookie = 7;
  a.idle_timeout = 50;
  ASSERT_TRUE(dp->flow_mod(a));
  inject(1, udp_frame(0x1, 0x2));
  run();
  FlowModRequest m = add(of::Match{}, 0, {out(3)});
  m.command = of::FlowModCommand::kModify;  // non-strict, match-all selects everything
  m.cookie = 9;
  ASSERT_TRUE(dp->flow_mod(m));
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].packet_count, 1u);
  EXPECT_EQ(f[0].cookie, 9u);
  EXPECT_EQ(f[0].priority, 100);
  EXPECT_EQ(f[0].idle_timeout, 50);
  EXPECT_EQ(f[0].actions, of::ActionList{out(3)});
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  EXPECT_EQ(flows()[0].packet_count, 2u);
}

TEST_F(FlowTableTest, ModifyNonStrictSelectsOnlySubsumedEntries) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(2), 100, {out(1)})));
  FlowModRequest m = add(in_port_match(1), 5, {out(3)});
  m.command = of::FlowModCommand::kModify;
  ASSERT_TRUE(dp->flow_mod(m));
  for (const auto& f : flows()) {
    if (f.match.key.in_port == 1)
      EXPECT_EQ(f.actions, of::ActionList{out(3)});
    else
      EXPECT_EQ(f.actions, of::ActionList{out(1)});
  }
  EXPECT_EQ(flows().size(), 2u);
}

TEST_F(FlowTableTest, ModifyStrictNeedsSameMatchAndPriorityElseAdds) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  FlowModRequest m = add(in_port_match(1), 99, {out(3)});
  m.command = of::FlowModCommand::kModifyStrict;
  ASSERT_TRUE(dp->flow_mod(m));  // no entry at priority 99: acts as ADD
  EXPECT_EQ(flows().size(), 2u);
  m.priority = 100;
  m.actions = {out(1)};
  ASSERT_TRUE(dp->flow_mod(m));
  auto f = flows();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].priority, 100);
  EXPECT_EQ(f[0].actions, of::ActionList{out(1)});
  EXPECT_EQ(f[1].actions, of::ActionList{out(3)});
}

TEST_F(FlowTableTest, DeleteNonStrictWithOutPortFilterAndFlowRemoved) {
  FlowModRequest a = add(in_port_match(1), 100, {out(2)});
  a.flags = of::flow_mod_flags::kSendFlowRem;
  a.cookie = 0xabc;
  a.idle_timeout = 30;
  ASSERT_TRUE(dp->flow_mod(a));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(2), 100, {out(3)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  clock.advance_sec(2.5);
  FlowModRequest d;
  d.command = of::FlowModCommand::kDelete;
  d.out_port = 3;  // only flows that output to port 3
  ASSERT_TRUE(dp->flow_mod(d));
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].match.key.in_port, 1);
  EXPECT_TRUE(take_events<FlowRemovedEvent>().empty());  // the deleted one did not ask
  d.out_port = of::port::kNone;
  ASSERT_TRUE(dp->flow_mod(d));
  EXPECT_TRUE(flows().empty());
  auto rem = take_events<FlowRemovedEvent>();
  ASSERT_EQ(rem.size(), 1u);
  EXPECT_EQ(rem[0].reason, of::FlowRemovedReason::kDelete);
  EXPECT_EQ(rem[0].cookie, 0xabcu);
  EXPECT_EQ(rem[0].priority, 100);
  EXPECT_EQ(rem[0].packet_count, 1u);
  EXPECT_EQ(rem[0].byte_count, udp_frame(0x1, 0x2).size());
  EXPECT_EQ(rem[0].duration_sec, 2u);
  EXPECT_EQ(rem[0].duration_nsec, 500'000'000u);
  EXPECT_EQ(rem[0].idle_timeout, 30);
  EXPECT_EQ(rem[0].match, of::normalize_match(in_port_match(1)));  // as stored
}

TEST_F(FlowTableTest, DeleteStrictNeedsExactMatchAndPriority) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 200, {out(2)})));
  FlowModRequest d;
  d.command = of::FlowModCommand::kDeleteStrict;
  d.match = in_port_match(1);
  d.priority = 150;
  ASSERT_TRUE(dp->flow_mod(d));
  EXPECT_EQ(flows().size(), 2u);
  d.priority = 200;
  d.out_port = 3;  // filter excludes it
  ASSERT_TRUE(dp->flow_mod(d));
  EXPECT_EQ(flows().size(), 2u);
  d.out_port = 2;
  ASSERT_TRUE(dp->flow_mod(d));
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].priority, 100);
  // A strict delete with a wider match does not select narrower entries.
  d.match = of::Match{};
  d.priority = 100;
  d.out_port = of::port::kNone;
  ASSERT_TRUE(dp->flow_mod(d));
  EXPECT_EQ(flows().size(), 1u);
}

TEST_F(FlowTableTest, DeleteTakesEffectInWorkers) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).take_tx().size(), 1u);
  FlowModRequest d;
  d.command = of::FlowModCommand::kDelete;
  ASSERT_TRUE(dp->flow_mod(d));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 0u);
  dp->poll_control(8);
  EXPECT_EQ(take_events<PacketInEvent>().size(), 1u);
}

TEST_F(FlowTableTest, CheckOverlapRefusesSamePriorityOverlap) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  FlowModRequest o = add(dl_dst_match(0x2), 100, {out(3)});
  o.flags = of::flow_mod_flags::kCheckOverlap;
  auto r = dp->flow_mod(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), of::Ofperr::kFlowModFailedOverlap);
  EXPECT_EQ(flows().size(), 1u);
  o.priority = 101;  // other priority: no overlap
  EXPECT_TRUE(dp->flow_mod(o));
  FlowModRequest disjoint = add(in_port_match(2), 100, {out(3)});
  disjoint.flags = of::flow_mod_flags::kCheckOverlap;
  EXPECT_TRUE(dp->flow_mod(disjoint));  // in_port 1 vs 2 never overlap
  EXPECT_EQ(flows().size(), 3u);
}

TEST_F(FlowTableTest, TableFullAtCapacity) {
  make(3, /*capacity=*/4);
  for (uint16_t i = 0; i < 4; ++i) ASSERT_TRUE(dp->flow_mod(add(in_port_match(i + 1), 100, {out(2)})));
  auto r = dp->flow_mod(add(in_port_match(9), 100, {out(2)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), of::Ofperr::kFlowModFailedAllTablesFull);
  // Replacing an identical entry still works when full.
  EXPECT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(3)})));
  // After a delete there is room again, even before the workers ran.
  FlowModRequest d;
  d.command = of::FlowModCommand::kDeleteStrict;
  d.match = in_port_match(2);
  d.priority = 100;
  ASSERT_TRUE(dp->flow_mod(d));
  EXPECT_TRUE(dp->flow_mod(add(in_port_match(9), 100, {out(2)})));
  EXPECT_EQ(dp->table_stats()[0].active_count, 4u);
  EXPECT_EQ(dp->table_stats()[0].max_entries, 4u);
}

TEST_F(FlowTableTest, SlotsAreReusedWithoutLeakingCounters) {
  make(3, /*capacity=*/2);
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)}))) << round;
    inject(1, udp_frame(0x1, 0x2));
    run();
    auto f = flows();
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].packet_count, 1u) << round;
    FlowModRequest d;
    d.command = of::FlowModCommand::kDelete;
    ASSERT_TRUE(dp->flow_mod(d));
  }
}

TEST_F(FlowTableTest, EmergencyEntries) {
  FlowModRequest e = add(in_port_match(1), 100, {out(2)});
  e.flags = of::flow_mod_flags::kEmerg;
  e.idle_timeout = 5;
  auto r = dp->flow_mod(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), of::Ofperr::kFlowModFailedBadEmergTimeout);
  e.idle_timeout = 0;
  e.hard_timeout = 5;
  EXPECT_EQ(dp->flow_mod(e).error(), of::Ofperr::kFlowModFailedBadEmergTimeout);
  e.hard_timeout = 0;
  ASSERT_TRUE(dp->flow_mod(e));
  EXPECT_TRUE(flows().empty());  // the emergency table is not the flow table
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 0u);
}

TEST_F(FlowTableTest, HardTimeout) {
  FlowModRequest a = add(in_port_match(1), 100, {out(2)});
  a.hard_timeout = 10;
  a.flags = of::flow_mod_flags::kSendFlowRem;
  ASSERT_TRUE(dp->flow_mod(a));
  for (int i = 0; i < 9; ++i) {
    clock.advance_sec(1);
    inject(1, udp_frame(0x1, 0x2));  // traffic does not extend a hard timeout
    run();
    dp->expire_flows();
  }
  EXPECT_EQ(flows().size(), 1u);
  clock.advance_sec(1);
  dp->expire_flows();
  EXPECT_TRUE(flows().empty());
  auto rem = take_events<FlowRemovedEvent>();
  ASSERT_EQ(rem.size(), 1u);
  EXPECT_EQ(rem[0].reason, of::FlowRemovedReason::kHardTimeout);
  EXPECT_EQ(rem[0].duration_sec, 10u);
  EXPECT_EQ(rem[0].packet_count, 9u);
}

TEST_F(FlowTableTest, IdleTimeoutIsRefreshedByTraffic) {
  FlowModRequest a = add(in_port_match(1), 100, {out(2)});
  a.idle_timeout = 5;
  a.flags = of::flow_mod_flags::kSendFlowRem;
  ASSERT_TRUE(dp->flow_mod(a));
  clock.advance_sec(4);
  inject(1, udp_frame(0x1, 0x2));
  run();  // used at t=4
  clock.advance_sec(4);
  dp->expire_flows();  // t=8: idle 4 s
  EXPECT_EQ(flows().size(), 1u);
  clock.advance_sec(1);
  dp->expire_flows();  // t=9: idle 5 s
  EXPECT_TRUE(flows().empty());
  auto rem = take_events<FlowRemovedEvent>();
  ASSERT_EQ(rem.size(), 1u);
  EXPECT_EQ(rem[0].reason, of::FlowRemovedReason::kIdleTimeout);
  EXPECT_EQ(rem[0].duration_sec, 9u);
  EXPECT_EQ(rem[0].idle_timeout, 5);
  EXPECT_EQ(rem[0].packet_count, 1u);
}

TEST_F(FlowTableTest, TimeoutWithoutSendFlowRemIsSilent) {
  FlowModRequest a = add(in_port_match(1), 100, {out(2)});
  a.idle_timeout = 1;
  ASSERT_TRUE(dp->flow_mod(a));
  clock.advance_sec(1);
  dp->expire_flows();
  EXPECT_TRUE(flows().empty());
  EXPECT_TRUE(take_events<FlowRemovedEvent>().empty());
}

TEST_F(FlowTableTest, BadActionsAndCommands) {
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {out(99)})).error(), of::Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {out(0)})).error(), of::Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {out(of::port::kTable)})).error(),
            of::Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {of::ActionSetVlanVid{0x1000}})).error(),
            of::Ofperr::kBadActionBadArgument);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {of::ActionSetVlanPcp{8}})).error(),
            of::Ofperr::kBadActionBadArgument);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {of::ActionEnqueue{2, 5}})).error(),
            of::Ofperr::kBadActionBadQueue);
  EXPECT_EQ(dp->flow_mod(add(match_all(), 1, {of::ActionVendor{0x2320, {}}})).error(),
            of::Ofperr::kBadActionBadVendor);
  FlowModRequest bad = add(match_all(), 1, {out(2)});
  bad.command = static_cast<of::FlowModCommand>(9);
  EXPECT_EQ(dp->flow_mod(bad).error(), of::Ofperr::kFlowModFailedBadCommand);
  EXPECT_TRUE(flows().empty());
  EXPECT_TRUE(dp->flow_mod(add(match_all(), 1,
                               {out(of::port::kController, 64), out(of::port::kFlood), out(of::port::kAll),
                                out(of::port::kInPort), out(of::port::kNormal), out(of::port::kLocal)})));
}

TEST_F(FlowTableTest, MatchIsNormalized) {
  of::Match m;
  m.wildcards = wc::kAll & ~(wc::kTpDst | wc::kNwProto);  // tp_dst without dl_type: does not apply
  m.key.tp_dst = 80;
  m.key.nw_proto = 6;
  ASSERT_TRUE(dp->flow_mod(add(m, 100, {out(2)})));
  auto f = flows();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].match.wildcards & wc::kTpDst);
  EXPECT_TRUE(f[0].match.wildcards & wc::kNwProto);
  EXPECT_EQ(f[0].match.key.tp_dst, 0);
  // So it matches every frame.
  inject(1, udp_frame(0x1, 0x2, 1, 2, 5, 6));
  run();
  EXPECT_EQ(port(2).tx_count(), 1u);
}

TEST_F(FlowTableTest, FlowModWithBufferIdRunsTheBufferedPacket) {
  const Bytes frame = udp_frame(0x1, 0x2);
  inject(1, frame);
  run();
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  FlowModRequest a = add(in_port_match(1), 100, {out(3)});
  a.buffer_id = pins[0].buffer_id;
  ASSERT_TRUE(dp->flow_mod(a));
  auto tx = port(3).take_tx();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0], frame);
  EXPECT_EQ(flows()[0].packet_count, 1u);
  // The buffer is used up: a second use is BUFFER_UNKNOWN, though the flow is installed.
  FlowModRequest b = add(in_port_match(2), 100, {out(3)});
  b.buffer_id = pins[0].buffer_id;
  auto r = dp->flow_mod(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), of::Ofperr::kBadRequestBufferUnknown);
  EXPECT_EQ(flows().size(), 2u);
}

TEST_F(FlowTableTest, BarrierEpochReachedOnlyAfterWorkersApply) {
  EXPECT_TRUE(dp->epoch_reached(dp->barrier_epoch()));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  const uint64_t e = dp->barrier_epoch();
  EXPECT_GT(e, 0u);
  EXPECT_FALSE(dp->epoch_reached(e));
  dp->run_once();
  EXPECT_TRUE(dp->epoch_reached(e));
  // A refused flow_mod makes no epoch to wait for.
  ASSERT_FALSE(dp->flow_mod(add(match_all(), 1, {out(99)})));
  EXPECT_EQ(dp->barrier_epoch(), e);
}

TEST_F(FlowTableTest, StatsFiltersByMatchTableAndOutPort) {
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(1), 100, {out(2)})));
  ASSERT_TRUE(dp->flow_mod(add(in_port_match(2), 100, {out(3)})));
  FlowStatsRequest q;
  EXPECT_EQ(dp->flow_stats(q).size(), 2u);
  q.out_port = 3;
  EXPECT_EQ(dp->flow_stats(q).size(), 1u);
  q.out_port = of::port::kNone;
  q.match = in_port_match(2);
  ASSERT_EQ(dp->flow_stats(q).size(), 1u);
  q.table_id = 1;
  EXPECT_TRUE(dp->flow_stats(q).empty());
  inject(1, udp_frame(0x1, 0x2));
  inject(1, udp_frame(0x1, 0x2));
  inject(2, udp_frame(0x1, 0x2));
  run();
  const AggregateStats a = dp->aggregate_stats(FlowStatsRequest{});
  EXPECT_EQ(a.flow_count, 2u);
  EXPECT_EQ(a.packet_count, 3u);
  EXPECT_EQ(a.byte_count, 3 * udp_frame(0x1, 0x2).size());
  const auto t = dp->table_stats();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].lookup_count, 3u);
  EXPECT_EQ(t[0].matched_count, 3u);
}

}  // namespace
}  // namespace ofkit::dp
