// Golden packets for every OF1.0 action: frames written out by hand (the
// checksums were worked out independently of oflib, by a full RFC 1071 sum
// over the rewritten headers) before and after each action, and the output
// port rules (IN_PORT, FLOOD vs ALL and NO_FLOOD, CONTROLLER max_len,
// NORMAL learning, NO_FWD, never back out the input port).

#include "datapath/action_exec.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>

#include "datapath/ports/memory_port.h"

namespace ofkit::dp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes hex(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  }
  Bytes out;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// 00:..:01 -> 00:..:02, IPv4 10.0.0.1 -> 10.0.0.2, TOS 0x01 (ECN bit set),
// UDP 1234 -> 80, payload de ad be ef.
const char* kUdp =
    "000000000002 000000000001 0800"
    "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
    "04d2 0050 000c 4914 deadbeef";
// The same with the UDP checksum absent (0).
const char* kUdpNoCsum =
    "000000000002 000000000001 0800"
    "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
    "04d2 0050 000c 0000 deadbeef";
// TCP 1234 -> 80, seq 1, PSH|ACK, window 0x2000.
const char* kTcp =
    "000000000002 000000000001 0800"
    "4501 002c 0001 0000 4006 66c8 0a000001 0a000002"
    "04d2 0050 00000001 00000000 5018 2000 d905 0000 deadbeef";
// kUdp tagged VLAN 5, PCP 5.
const char* kUdpTagged =
    "000000000002 000000000001 8100 a005 0800"
    "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
    "04d2 0050 000c 4914 deadbeef";

class ActionExec : public ::testing::Test, public PacketInSink {
 protected:
  ActionExec() : pool_(64), port_counters_(std::make_unique<PortCounters[]>(5)) {
    std::vector<Port*> raw;
    for (int i = 0; i < 4; ++i) {
      ports_.push_back(std::make_unique<MemoryPort>("p" + std::to_string(i + 1), MacAddr::from_u64(i + 1)));
      raw.push_back(ports_.back().get());
    }
    exec_ = std::make_unique<ActionExecutor>(raw, 0, &pool_, &counters_, port_counters_.get(), this);
  }

  void packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) override {
    pins_.push_back({Bytes(pkt.data, pkt.data + pkt.len), reason, max_len});
  }

  // Runs `actions` on `frame` received on in_port and flushes.
  void run(const Bytes& frame, of::ActionList actions, uint16_t in_port = 1) {
    auto prog = compile_actions(actions, 4, true);
    ASSERT_TRUE(prog) << of::ofperr_name(prog.error());
    Packet* p = pool_.alloc();
    ASSERT_NE(p, nullptr);
    p->assign(frame.data(), frame.size());
    p->in_port = in_port;
    exec_->execute(p, **prog);
    exec_->flush();
  }
  std::vector<Bytes> tx(uint16_t port) { return ports_[port - 1]->take_tx(); }
  // The single frame that left `port`.
  Bytes only(uint16_t port) {
    auto t = tx(port);
    EXPECT_EQ(t.size(), 1u) << "port " << port;
    return t.empty() ? Bytes{} : t[0];
  }
  void expect_golden(const char* before, of::ActionList set, const char* after) {
    of::ActionList acts = std::move(set);
    acts.push_back(of::ActionOutput{2, 0});
    run(hex(before), acts);
    EXPECT_EQ(only(2), hex(after));
  }

  struct Pin {
    Bytes data;
    of::PacketInReason reason;
    uint16_t max_len;
  };
  PacketPool pool_;
  ThreadCounters counters_;
  std::unique_ptr<PortCounters[]> port_counters_;
  std::vector<std::unique_ptr<MemoryPort>> ports_;
  std::unique_ptr<ActionExecutor> exec_;
  std::vector<Pin> pins_;
};

TEST_F(ActionExec, OutputSendsTheFrameUnchanged) {
  run(hex(kUdp), {of::ActionOutput{3, 0}});
  EXPECT_EQ(only(3), hex(kUdp));
  EXPECT_EQ(port_counters_[3].tx_packets.get(), 1u);
  EXPECT_EQ(port_counters_[3].tx_bytes.get(), hex(kUdp).size());
  EXPECT_EQ(pool_.available(), pool_.size());  // every buffer returned
}

TEST_F(ActionExec, EmptyActionListDrops) {
  run(hex(kUdp), {});
  for (uint16_t p = 1; p <= 4; ++p) EXPECT_TRUE(tx(p).empty());
  EXPECT_EQ(counters_.drops_no_action.get(), 1u);
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, SetVlanVidPushesATagOnUntaggedFrames) {
  expect_golden(kUdp, {of::ActionSetVlanVid{0x123}},
                "000000000002 000000000001 8100 0123 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
}

TEST_F(ActionExec, SetVlanVidRewritesAnExistingTagKeepingPcp) {
  expect_golden(kUdpTagged, {of::ActionSetVlanVid{0x123}},
                "000000000002 000000000001 8100 a123 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
}

TEST_F(ActionExec, SetVlanPcpPushesOrRewrites) {
  expect_golden(kUdp, {of::ActionSetVlanPcp{5}},
                "000000000002 000000000001 8100 a000 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
  expect_golden(kUdpTagged, {of::ActionSetVlanPcp{2}},
                "000000000002 000000000001 8100 4005 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
}

TEST_F(ActionExec, StripVlanRemovesTheTagAndIgnoresUntagged) {
  expect_golden(kUdpTagged, {of::ActionStripVlan{}}, kUdp);
  expect_golden(kUdp, {of::ActionStripVlan{}}, kUdp);
}

TEST_F(ActionExec, SetDlSrcAndDst) {
  expect_golden(kUdp, {of::ActionSetDlSrc{*MacAddr::parse("aa:bb:cc:dd:ee:ff")}},
                "000000000002 aabbccddeeff 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
  expect_golden(kUdp, {of::ActionSetDlDst{*MacAddr::parse("01:02:03:04:05:06")}},
                "010203040506 000000000001 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
}

TEST_F(ActionExec, SetNwSrcFixesIpAndUdpChecksums) {
  expect_golden(kUdp, {of::ActionSetNwSrc{0xc0a80107}},  // 192.168.1.7
                "000000000002 000000000001 0800"
                "4501 0020 0001 0000 4011 af1a c0a80107 0a000002"
                "04d2 0050 000c 9165 deadbeef");
}

TEST_F(ActionExec, SetNwDstFixesIpAndUdpChecksums) {
  expect_golden(kUdp, {of::ActionSetNwDst{0xc0a80107}},
                "000000000002 000000000001 0800"
                "4501 0020 0001 0000 4011 af1b 0a000001 c0a80107"
                "04d2 0050 000c 9166 deadbeef");
}

TEST_F(ActionExec, SetNwDstFixesTcpChecksum) {
  expect_golden(kTcp, {of::ActionSetNwDst{0xc0a80107}},
                "000000000002 000000000001 0800"
                "4501 002c 0001 0000 4006 af1a 0a000001 c0a80107"
                "04d2 0050 00000001 00000000 5018 2000 2158 0000 deadbeef");
}

TEST_F(ActionExec, SetNwSrcKeepsAnAbsentUdpChecksumAbsent) {
  expect_golden(kUdpNoCsum, {of::ActionSetNwSrc{0xc0a80107}},
                "000000000002 000000000001 0800"
                "4501 0020 0001 0000 4011 af1a c0a80107 0a000002"
                "04d2 0050 000c 0000 deadbeef");
}

TEST_F(ActionExec, SetNwOnATaggedFrameFindsTheIpHeader) {
  expect_golden(kUdpTagged, {of::ActionSetNwSrc{0xc0a80107}},
                "000000000002 000000000001 8100 a005 0800"
                "4501 0020 0001 0000 4011 af1a c0a80107 0a000002"
                "04d2 0050 000c 9165 deadbeef");
}

TEST_F(ActionExec, SetNwTosSetsDscpKeepsEcn) {
  expect_golden(kUdp, {of::ActionSetNwTos{0xb8}},
                "000000000002 000000000001 0800"
                "45b9 0020 0001 0000 4011 6611 0a000001 0a000002"
                "04d2 0050 000c 4914 deadbeef");
}

TEST_F(ActionExec, SetTpSrcAndDstOnUdp) {
  expect_golden(kUdp, {of::ActionSetTpSrc{5555}},
                "000000000002 000000000001 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "15b3 0050 000c 3833 deadbeef");
  expect_golden(kUdp, {of::ActionSetTpDst{8080}},
                "000000000002 000000000001 0800"
                "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                "04d2 1f90 000c 29d4 deadbeef");
}

TEST_F(ActionExec, SetTpSrcAndDstOnTcp) {
  expect_golden(kTcp, {of::ActionSetTpSrc{5555}},
                "000000000002 000000000001 0800"
                "4501 002c 0001 0000 4006 66c8 0a000001 0a000002"
                "15b3 0050 00000001 00000000 5018 2000 c824 0000 deadbeef");
  expect_golden(kTcp, {of::ActionSetTpDst{443}},
                "000000000002 000000000001 0800"
                "4501 002c 0001 0000 4006 66c8 0a000001 0a000002"
                "04d2 01bb 00000001 00000000 5018 2000 d79a 0000 deadbeef");
}

TEST_F(ActionExec, SetNwAndTpLeaveNonIpFramesAlone) {
  // An ARP request: nothing but output happens.
  const char* arp =
      "ffffffffffff 000000000001 0806 0001 0800 06 04 0001 000000000001 0a000001 000000000000 0a000002";
  expect_golden(arp, {of::ActionSetNwSrc{0xc0a80107}, of::ActionSetTpDst{1}, of::ActionSetNwTos{0x20}}, arp);
}

TEST_F(ActionExec, EnqueueOutputsToThePort) {
  run(hex(kUdp), {of::ActionEnqueue{4, 0}});
  EXPECT_EQ(only(4), hex(kUdp));
}

TEST_F(ActionExec, EarlierOutputsAreNotChangedByLaterActions) {
  run(hex(kUdp), {of::ActionOutput{2, 0}, of::ActionSetTpDst{8080}, of::ActionOutput{3, 0}});
  EXPECT_EQ(only(2), hex(kUdp));
  EXPECT_EQ(only(3), hex("000000000002 000000000001 0800"
                         "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                         "04d2 1f90 000c 29d4 deadbeef"));
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, NeverBackOutTheInputPortUnlessInPort) {
  run(hex(kUdp), {of::ActionOutput{1, 0}}, 1);
  EXPECT_TRUE(tx(1).empty());
  run(hex(kUdp), {of::ActionOutput{of::port::kInPort, 0}}, 1);
  EXPECT_EQ(only(1), hex(kUdp));
}

TEST_F(ActionExec, FloodSkipsInputAndNoFloodPortsAllDoesNot) {
  exec_->set_port_config(3, of::port_config::kNoFlood);
  run(hex(kUdp), {of::ActionOutput{of::port::kFlood, 0}}, 1);
  EXPECT_TRUE(tx(1).empty());
  EXPECT_EQ(only(2), hex(kUdp));
  EXPECT_TRUE(tx(3).empty());
  EXPECT_EQ(only(4), hex(kUdp));
  run(hex(kUdp), {of::ActionOutput{of::port::kAll, 0}}, 1);
  EXPECT_TRUE(tx(1).empty());
  EXPECT_EQ(only(2), hex(kUdp));
  EXPECT_EQ(only(3), hex(kUdp));
  EXPECT_EQ(only(4), hex(kUdp));
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, NoFwdAndPortDownPortsSendNothing) {
  exec_->set_port_config(2, of::port_config::kNoFwd);
  exec_->set_port_config(3, of::port_config::kPortDown);
  run(hex(kUdp), {of::ActionOutput{2, 0}, of::ActionOutput{3, 0}, of::ActionOutput{of::port::kAll, 0}}, 1);
  EXPECT_TRUE(tx(2).empty());
  EXPECT_TRUE(tx(3).empty());
  EXPECT_EQ(only(4), hex(kUdp));
  EXPECT_EQ(counters_.drops_port_config.get(), 2u);
}

TEST_F(ActionExec, ControllerHandsThePacketInWithMaxLen) {
  run(hex(kUdp), {of::ActionSetTpDst{8080}, of::ActionOutput{of::port::kController, 20}});
  ASSERT_EQ(pins_.size(), 1u);
  EXPECT_EQ(pins_[0].reason, of::PacketInReason::kAction);
  EXPECT_EQ(pins_[0].max_len, 20);
  EXPECT_EQ(pins_[0].data, hex("000000000002 000000000001 0800"
                               "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                               "04d2 1f90 000c 29d4 deadbeef"));
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, LocalHasNoPortAndDrops) {
  run(hex(kUdp), {of::ActionOutput{of::port::kLocal, 0}});
  for (uint16_t p = 1; p <= 4; ++p) EXPECT_TRUE(tx(p).empty());
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, TableCallsTheHook) {
  int calls = 0;
  exec_->set_table_hook([&](Packet* p) {
    ++calls;
    free_packet(p);
  });
  run(hex(kUdp), {of::ActionOutput{of::port::kTable, 0}});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(pool_.available(), pool_.size());
}

TEST_F(ActionExec, NormalLearnsAndFloods) {
  const Bytes a_to_b = hex(kUdp);  // 01 -> 02
  const Bytes b_to_a =
      hex("000000000001 000000000002 0800"
          "4501 0020 0001 0000 4011 66c9 0a000002 0a000001"
          "0050 04d2 000c 4914 deadbeef");
  const of::ActionList normal = {of::ActionOutput{of::port::kNormal, 0}};
  run(a_to_b, normal, 1);  // 02 unknown: flood
  EXPECT_EQ(tx(2).size(), 1u);
  EXPECT_EQ(tx(3).size(), 1u);
  EXPECT_EQ(tx(4).size(), 1u);
  run(b_to_a, normal, 3);  // 01 learned on port 1
  EXPECT_EQ(only(1), b_to_a);
  EXPECT_TRUE(tx(2).empty());
  run(a_to_b, normal, 1);  // 02 learned on port 3
  EXPECT_EQ(only(3), a_to_b);
  EXPECT_TRUE(tx(2).empty());
  run(a_to_b, normal, 3);  // destination on the input segment: dropped
  for (uint16_t p = 1; p <= 4; ++p) EXPECT_TRUE(tx(p).empty());
}

TEST(ActionHelpers, PushTagWithoutHeadroomUsesTailroom) {
  PacketPool pool(1);
  Packet* p = pool.alloc();
  const Bytes f = hex(kUdp);
  p->assign(f.data(), f.size());
  p->data = p->buf;  // no headroom left
  std::memcpy(p->data, f.data(), f.size());
  ASSERT_TRUE(packet_set_vlan_vid(*p, 7));
  EXPECT_EQ(Bytes(p->data, p->data + p->len), hex("000000000002 000000000001 8100 0007 0800"
                                                  "4501 0020 0001 0000 4011 66c9 0a000001 0a000002"
                                                  "04d2 0050 000c 4914 deadbeef"));
  free_packet(p);
}

}  // namespace
}  // namespace ofkit::dp
