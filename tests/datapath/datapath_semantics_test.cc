// Data-plane semantics added after the first review: the PacketIn token
// bucket (long idle, full ring), OFPC_FRAG_DROP accounting, the bounded
// control-thread PacketIn queue, OFPP_LOCAL, jumbo frames (9 KB forwarded
// whole, longer ones counted and dropped, never truncated), emergency flows,
// and TX flushing only the ports a burst used.

#include <gtest/gtest.h>

#include "datapath/ports/memory_port.h"
#include "datapath/worker.h"
#include "tests/datapath/dp_frames.h"

namespace ofkit::dp {
namespace {

using namespace ofkit::dp::testing;
namespace wc = of::wildcards;

// ---- the PacketIn token bucket, on a Worker directly ------------------------

struct WorkerRig {
  WorkerRig(uint32_t rate, uint32_t burst, size_t ring) : in("in", mac(1)), out("out", mac(2)) {
    WorkerSetup s;
    s.ports = {&in, &out};
    s.flow_slots = 16;
    s.clock = &clock;
    s.miss_rate_pps = rate;
    s.miss_burst = burst;
    s.packet_in_ring = ring;
    worker = std::make_unique<Worker>(s);
  }
  // n table misses in one burst at the clock's time.
  void misses(uint16_t n) {
    Packet* pkts[kBurstSize];
    const Bytes f = udp_frame(0x1, 0x2);
    for (uint16_t i = 0; i < n; ++i) {
      pkts[i] = worker->pool().alloc();
      pkts[i]->assign(f.data(), f.size());
      pkts[i]->in_port = 1;
    }
    worker->process_burst(pkts, n, clock.now_ns());
  }
  size_t drain() {
    size_t n = 0;
    while (worker->packet_ins().front()) {
      worker->packet_ins().pop();
      ++n;
    }
    return n;
  }
  FakeClock clock;
  MemoryPort in, out;
  std::unique_ptr<Worker> worker;
};

TEST(PacketInRateLimit, RefillsToTheBurstAfterAnIdleLongEnoughToOverflowTheProduct) {
  WorkerRig r(1'000'000, 4, 256);
  r.misses(4);
  EXPECT_EQ(r.drain(), 4u);
  r.misses(1);
  EXPECT_EQ(r.drain(), 0u);  // the bucket is empty
  EXPECT_EQ(r.worker->counters().packet_ins_rate_limited.get(), 1u);
  // ~5.1 hours idle: elapsed_ns * 1e6 pps just exceeds 2^64. The bucket must be
  // full again (4), not whatever the wrapped product gives.
  r.clock.advance_ns(18'446'744'073'710ull);
  r.misses(6);
  EXPECT_EQ(r.drain(), 4u);
  EXPECT_EQ(r.worker->counters().packet_ins_rate_limited.get(), 3u);
}

TEST(PacketInRateLimit, AFullRingSpendsNoTokens) {
  WorkerRig r(1000, 3, 2);  // a ring of two PacketIns, three tokens
  r.misses(5);
  const ThreadCounters& c = r.worker->counters();
  EXPECT_EQ(c.packet_ins_sent.get(), 2u);
  EXPECT_EQ(c.drops_ring_full.get(), 3u);
  EXPECT_EQ(c.packet_ins_rate_limited.get(), 0u);
  EXPECT_EQ(r.drain(), 2u);
  r.misses(1);  // same instant: the third token is still there
  EXPECT_EQ(r.drain(), 1u);
  r.misses(1);
  EXPECT_EQ(r.drain(), 0u);
  EXPECT_EQ(c.packet_ins_rate_limited.get(), 1u);
}

// ---- facade ------------------------------------------------------------------

class Semantics : public DatapathFixture {};

TEST_F(Semantics, FragDropDropsAreCounted) {
  dp->set_config(SwitchConfig{of::config_flags::kFragDrop, 128});
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(2)})));
  Bytes frag = udp_frame(0x1, 0x2);
  frag[14 + 7] = 0x10;  // fragment offset 16 (a later fragment)
  inject(1, frag);
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 1u);
  EXPECT_EQ(dp->counters().drops_frag, 1u);
  EXPECT_EQ(dp->port_stats(1)[0].rx_dropped, 1u);
  EXPECT_NE(dp->counters_text().find("frag=1"), std::string::npos);
}

TEST_F(Semantics, ControlThreadPacketInQueueIsBounded) {
  control_queue = 8;
  make();
  PacketOutRequest po;
  po.in_port = 1;
  po.actions = {out(of::port::kController, 64)};
  po.data = udp_frame(0x1, 0x2);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(dp->counters().drops_ring_full, 12u);
  EXPECT_EQ(dp->poll_control(100), 8u);
  EXPECT_EQ(take_events<PacketInEvent>().size(), 8u);
  ASSERT_TRUE(dp->packet_out(po));  // room again
  EXPECT_EQ(dp->poll_control(100), 1u);
}

TEST_F(Semantics, LocalPortReceivesOutputLocalAndIsReported) {
  local_spec = "mem:local";
  make();
  MemoryPort& local = *as_memory_port(dp->local_port());
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  ASSERT_TRUE(dp->flow_mod(add(m, 10, {out(of::port::kLocal)})));
  of::Match m2 = m;
  m2.key.in_port = 2;
  ASSERT_TRUE(dp->flow_mod(add(m2, 10, {out(of::port::kFlood)})));
  const Bytes f = udp_frame(0x1, 0x2);
  inject(1, f);
  inject(2, f);
  run();
  EXPECT_EQ(local.take_tx(), std::vector<Bytes>{f});  // FLOOD (physical ports) did not reach it
  EXPECT_EQ(port(1).tx_count() + port(3).tx_count(), 2u);
  const Features feat = dp->features();
  ASSERT_EQ(feat.ports.size(), 4u);
  EXPECT_EQ(feat.ports.back().port_no, of::port::kLocal);
  EXPECT_EQ(feat.ports.back().name, "ofdp0");
  auto ps = dp->port_stats(of::port::kLocal);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].tx_packets, 1u);
  EXPECT_EQ(ps[0].tx_bytes, f.size());
  // port_mod on LOCAL: NO_FWD stops it, and PORT_STATUS says so.
  PortModRequest pm;
  pm.port_no = of::port::kLocal;
  pm.hw_addr = feat.ports.back().hw_addr;
  pm.config = of::port_config::kNoFwd;
  pm.mask = of::port_config::kNoFwd;
  ASSERT_TRUE(dp->port_mod(pm));
  ASSERT_EQ(take_events<PortStatusEvent>().size(), 1u);
  inject(1, f);
  run();
  EXPECT_EQ(local.tx_count(), 0u);
  // packet_out to LOCAL from the control thread.
  pm.config = 0;
  ASSERT_TRUE(dp->port_mod(pm));
  PacketOutRequest po;
  po.in_port = of::port::kNone;
  po.actions = {out(of::port::kLocal)};
  po.data = f;
  ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(local.tx_count(), 1u);
}

TEST_F(Semantics, WithoutALocalPortOutputLocalIsACountedDrop) {
  local_spec = "";
  make();
  EXPECT_EQ(dp->local_port(), nullptr);
  EXPECT_EQ(dp->features().ports.size(), 3u);
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(of::port::kLocal)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(dp->counters().drops_no_action, 1u);
  PortModRequest pm;
  pm.port_no = of::port::kLocal;
  EXPECT_EQ(dp->port_mod(pm).error(), of::Ofperr::kPortModFailedBadPort);
}

Bytes jumbo(size_t len) {
  Bytes f = ipv4_frame(0x1, 0x2, 0x0a000001, 0x0a000002, 17, 1000, 2000, len - 42);
  EXPECT_EQ(f.size(), len);
  return f;
}

TEST_F(Semantics, JumboFramesAreForwardedWholeAndLongerOnesCountedAndDropped) {
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(2)})));
  const Bytes j = jumbo(9000);
  const Bytes max = jumbo(kMaxRxFrame);
  inject(1, j);
  inject(1, max);
  inject(1, jumbo(kMaxRxFrame + 1));
  inject(1, jumbo(12000));
  run();
  EXPECT_EQ(port(2).take_tx(), (std::vector<Bytes>{j, max}));
  EXPECT_EQ(dp->counters().drops_oversize, 2u);
  const auto ps = dp->port_stats(1);
  EXPECT_EQ(ps[0].rx_packets, 2u);
  EXPECT_EQ(ps[0].rx_errors, 2u);
  EXPECT_EQ(ps[0].rx_dropped, 2u);
}

TEST_F(Semantics, AJumboMissIsBufferedWholeAndPacketOutSendsAllOfIt) {
  const Bytes j = jumbo(9000);
  inject(1, j);
  run();
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].total_len, 9000u);
  ASSERT_NE(pins[0].buffer_id, of::kNoBuffer);
  EXPECT_EQ(pins[0].data.size(), 128u);  // miss_send_len
  PacketOutRequest po;
  po.buffer_id = pins[0].buffer_id;
  po.in_port = 1;
  po.actions = {out(2)};
  ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(port(2).take_tx(), std::vector<Bytes>{j});
  // packet_out data longer than any port takes is refused, not truncated.
  po.buffer_id = of::kNoBuffer;
  po.data = Bytes(kMaxRxFrame + 1, 0);
  EXPECT_EQ(dp->packet_out(po).error(), of::Ofperr::kBadRequestBadLen);
  EXPECT_EQ(port(2).tx_count(), 0u);
}

TEST_F(Semantics, EmergencyFlowsAreStoredUnusedThenReplaceTheTableInEmergencyMode) {
  FlowModRequest em = add(match_all(), 5, {out(3)});
  em.flags = of::flow_mod_flags::kEmerg;
  em.idle_timeout = 10;
  EXPECT_EQ(dp->flow_mod(em).error(), of::Ofperr::kFlowModFailedBadEmergTimeout);
  em.idle_timeout = 0;
  em.hard_timeout = 1;
  EXPECT_EQ(dp->flow_mod(em).error(), of::Ofperr::kFlowModFailedBadEmergTimeout);
  em.hard_timeout = 0;
  ASSERT_TRUE(dp->flow_mod(em));
  EXPECT_EQ(dp->emergency_flow_count(), 1u);
  FlowModRequest normal = add(match_all(), 1, {out(2)});
  normal.flags = of::flow_mod_flags::kSendFlowRem;
  ASSERT_TRUE(dp->flow_mod(normal));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).take_tx().size(), 1u);  // the emergency flow is not used while normal
  EXPECT_EQ(port(3).tx_count(), 0u);
  EXPECT_EQ(dp->counters().flows, 1u);

  EXPECT_EQ(dp->enter_emergency_mode(), 1u);
  EXPECT_TRUE(take_events<FlowRemovedEvent>().empty());  // nobody to tell
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 0u);
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  const auto flows = dp->flow_stats(FlowStatsRequest{});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].priority, 5);
  EXPECT_EQ(flows[0].idle_timeout, 0);
  EXPECT_EQ(flows[0].hard_timeout, 0);
  EXPECT_EQ(dp->emergency_flow_count(), 1u);  // the emergency table keeps it
}

}  // namespace
}  // namespace ofkit::dp
