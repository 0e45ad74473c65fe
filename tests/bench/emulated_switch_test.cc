// The switch side of ofbench against a scripted controller: handshake, echo,
// barrier, config, stats, errors, PacketIn window and answer counting.
// Expected bytes are written by hand from the OpenFlow 1.0 spec.
#include "bench/ofbench/emulated_switch.h"

#include <gtest/gtest.h>

#include <vector>

#include "oflib/wire/message.h"

namespace ofkit::bench {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes take(OutBuffer& out) {
  const auto p = out.pending();
  Bytes b(p.begin(), p.end());
  out.consume(p.size());
  return b;
}

class EmulatedSwitchTest : public ::testing::Test {
 protected:
  EmulatedSwitchTest() : sw_(config()) {}
  static SwitchConfig config() {
    SwitchConfig c;
    c.index = 4;  // datapath id 5
    c.macs = 8;
    c.ports = 2;
    c.window = 3;
    return c;
  }
  Bytes feed(const Bytes& in) {
    EXPECT_TRUE(sw_.on_bytes(in, out_, now_, &latency_));
    return take(out_);
  }
  void handshake() {
    sw_.on_connect(out_);
    take(out_);
    feed({0x01, 0x00, 0x00, 0x08, 0, 0, 0, 1, 0x01, 0x05, 0x00, 0x08, 0, 0, 0, 2});
    ASSERT_TRUE(sw_.handshaken());
  }
  std::vector<Bytes> packet_ins(size_t limit = 1 << 20) {
    sw_.send_packet_ins(out_, limit, now_);
    const Bytes all = take(out_);
    std::vector<Bytes> msgs;
    for (size_t off = 0; off < all.size();) {
      const size_t len = load_be16(all.data() + off + 2);
      msgs.emplace_back(all.begin() + off, all.begin() + off + len);
      off += len;
    }
    return msgs;
  }

  EmulatedSwitch sw_;
  OutBuffer out_;
  LatencyHistogram latency_;
  uint64_t now_ = 1'000'000;
};

TEST_F(EmulatedSwitchTest, SendsHelloOnConnect) {
  sw_.on_connect(out_);
  EXPECT_EQ(take(out_), (Bytes{0x01, 0x00, 0x00, 0x08, 0, 0, 0, 0}));
  EXPECT_FALSE(sw_.handshaken());
}

TEST_F(EmulatedSwitchTest, AnswersFeaturesRequestWithDatapathIdAndPorts) {
  sw_.on_connect(out_);
  take(out_);
  EXPECT_TRUE(feed({0x01, 0x00, 0x00, 0x08, 0, 0, 0, 1}).empty());  // HELLO: nothing to say
  const Bytes r = feed({0x01, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x11});
  ASSERT_EQ(r.size(), 32u + 2 * 48u);
  const Bytes head{0x01, 0x06, 0x00, 0x80, 0x00, 0x00, 0x00, 0x11,  // FEATURES_REPLY, len 128, xid 0x11
                   0,    0,    0,    0,    0,    0,    0,    5,     // datapath_id 5
                   0x00, 0x00, 0x01, 0x00,                          // n_buffers 256
                   0x01, 0,    0,    0,                             // n_tables 1, pad
                   0x00, 0x00, 0x00, 0x07,                          // FLOW|TABLE|PORT stats
                   0x00, 0x00, 0x0f, 0xff};                         // OFPAT_OUTPUT..OFPAT_ENQUEUE
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 32), head);
  EXPECT_EQ(r[32], 0x00);  // port 1
  EXPECT_EQ(r[33], 0x01);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&r[40])), "s5-eth1");
  EXPECT_EQ(r[80], 0x00);  // port 2
  EXPECT_EQ(r[81], 0x02);
  EXPECT_TRUE(sw_.handshaken());
  EXPECT_EQ(sw_.datapath_id(), 5u);
}

TEST_F(EmulatedSwitchTest, EchoesEchoRequestWithSameXidAndData) {
  handshake();
  EXPECT_EQ(feed({0x01, 0x02, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x22, 'a', 'b', 'c'}),
            (Bytes{0x01, 0x03, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x22, 'a', 'b', 'c'}));
  EXPECT_EQ(sw_.stats().echo_requests, 1u);
}

TEST_F(EmulatedSwitchTest, AnswersBarrierWithSameXid) {
  handshake();
  EXPECT_EQ(feed({0x01, 0x12, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef}),
            (Bytes{0x01, 0x13, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(sw_.stats().barriers, 1u);
}

TEST_F(EmulatedSwitchTest, GetConfigReflectsSetConfig) {
  handshake();
  EXPECT_EQ(feed({0x01, 0x07, 0x00, 0x08, 0, 0, 0, 0x44}),
            (Bytes{0x01, 0x08, 0x00, 0x0c, 0, 0, 0, 0x44, 0x00, 0x00, 0x00, 0x80}));
  EXPECT_TRUE(feed({0x01, 0x09, 0x00, 0x0c, 0, 0, 0, 0x55, 0x00, 0x01, 0x02, 0x00}).empty());
  EXPECT_EQ(sw_.miss_send_len(), 0x200);
  EXPECT_EQ(feed({0x01, 0x07, 0x00, 0x08, 0, 0, 0, 0x45}),
            (Bytes{0x01, 0x08, 0x00, 0x0c, 0, 0, 0, 0x45, 0x00, 0x01, 0x02, 0x00}));
}

TEST_F(EmulatedSwitchTest, AnswersDescStatsRequest) {
  handshake();
  const Bytes r = feed({0x01, 0x10, 0x00, 0x0c, 0, 0, 0, 0x77, 0x00, 0x00, 0x00, 0x00});
  ASSERT_EQ(r.size(), 12u + 1056u);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 12),
            (Bytes{0x01, 0x11, 0x04, 0x2c, 0, 0, 0, 0x77, 0x00, 0x00, 0x00, 0x00}));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&r[12])), "ofkit");
}

TEST_F(EmulatedSwitchTest, RejectsVendorMessageLikeASwitch) {
  handshake();
  const Bytes vendor{0x01, 0x04, 0x00, 0x0c, 0, 0, 0, 0x66, 0x00, 0x00, 0x23, 0x20};
  Bytes expect{0x01, 0x01, 0x00, 0x18, 0, 0, 0, 0x66, 0x00, 0x01, 0x00, 0x03};  // BAD_REQUEST/BAD_VENDOR
  expect.insert(expect.end(), vendor.begin(), vendor.end());
  EXPECT_EQ(feed(vendor), expect);
  EXPECT_EQ(sw_.stats().errors_out, 1u);
}

TEST_F(EmulatedSwitchTest, RejectsBadVersion) {
  handshake();
  const Bytes r = feed({0x04, 0x12, 0x00, 0x08, 0, 0, 0, 9});
  ASSERT_GE(r.size(), 12u);
  EXPECT_EQ(r[1], 0x01);  // OFPT_ERROR
  EXPECT_EQ(Bytes(r.begin() + 8, r.begin() + 12),
            (Bytes{0x00, 0x01, 0x00, 0x00}));  // BAD_REQUEST/BAD_VERSION
}

TEST_F(EmulatedSwitchTest, HandlesBytesOneAtATime) {
  sw_.on_connect(out_);
  take(out_);
  const Bytes in{0x01, 0x05, 0x00, 0x08, 0, 0, 0, 2, 0x01, 0x12, 0x00, 0x08, 0, 0, 0, 3};
  for (uint8_t b : in) EXPECT_TRUE(sw_.on_bytes(Bytes{b}, out_, now_, nullptr));
  const Bytes r = take(out_);
  ASSERT_EQ(r.size(), 32u + 96u + 8u);
  EXPECT_EQ(r[1], 0x06);
  EXPECT_EQ(Bytes(r.end() - 8, r.end()), (Bytes{0x01, 0x13, 0x00, 0x08, 0, 0, 0, 3}));
}

TEST_F(EmulatedSwitchTest, BadLengthFieldBreaksTheStream) {
  sw_.on_connect(out_);
  EXPECT_FALSE(sw_.on_bytes(Bytes{0x01, 0x00, 0x00, 0x04, 0, 0, 0, 0}, out_, now_, nullptr));
}

TEST_F(EmulatedSwitchTest, NoPacketInsBeforeHandshake) {
  sw_.on_connect(out_);
  take(out_);
  EXPECT_EQ(sw_.send_packet_ins(out_, 1 << 20, now_), 0u);
}

TEST_F(EmulatedSwitchTest, PacketInsFillTheWindowAndCarryTheirId) {
  handshake();
  const auto msgs = packet_ins();
  ASSERT_EQ(msgs.size(), 3u);  // window 3
  for (const Bytes& m : msgs) {
    ASSERT_EQ(m.size(), 18u + 60u);
    EXPECT_EQ(Bytes(m.begin(), m.begin() + 4), (Bytes{0x01, 0x0a, 0x00, 0x4e}));  // PACKET_IN, 78 bytes
    const uint32_t xid = load_be32(&m[4]), buffer_id = load_be32(&m[8]);
    EXPECT_EQ(xid, buffer_id);
    EXPECT_EQ(load_be16(&m[12]), 60u);  // total_len
    EXPECT_EQ(m[16], 0x00);             // OFPR_NO_MATCH
    EXPECT_EQ(frame_tag(std::span<const uint8_t>(m).subspan(18)), buffer_id);
    auto decoded = of::decode(m);
    ASSERT_TRUE(decoded.has_value());
  }
  EXPECT_TRUE(packet_ins().empty());  // window full
  EXPECT_EQ(sw_.outstanding(), 3u);
}

TEST_F(EmulatedSwitchTest, PacketInsRespectTheOutputLimit) {
  handshake();
  EXPECT_EQ(packet_ins(78 * 2 + 10).size(), 2u);
}

TEST_F(EmulatedSwitchTest, FlowModPlusPacketOutAnswerOnePacketInOnce) {
  handshake();
  const auto msgs = packet_ins();
  const uint32_t id = load_be32(&msgs[0][8]);
  of::FlowMod fm;
  fm.buffer_id = id;
  fm.actions.push_back(of::ActionOutput{2, 0});
  of::PacketOut po;
  po.buffer_id = id;
  po.actions.push_back(of::ActionOutput{2, 0});
  Bytes in = of::encode_message(fm, 100);
  const Bytes po_bytes = of::encode_message(po, 101);
  in.insert(in.end(), po_bytes.begin(), po_bytes.end());
  now_ += 2500;
  EXPECT_TRUE(feed(in).empty());
  const SwitchStats& s = sw_.stats();
  EXPECT_EQ(s.answered, 1u);
  EXPECT_EQ(s.flow_mods, 1u);
  EXPECT_EQ(s.packet_outs, 1u);
  EXPECT_EQ(s.extra, 1u);
  EXPECT_EQ(sw_.outstanding(), 2u);
  EXPECT_EQ(latency_.count(), 1u);
  EXPECT_EQ(latency_.max(), 2500u);
  EXPECT_EQ(packet_ins().size(), 1u);  // one slot free again
}

TEST_F(EmulatedSwitchTest, UnbufferedPacketOutIsMatchedByItsFrame) {
  handshake();
  const auto msgs = packet_ins();
  of::PacketOut po;  // buffer_id OFP_NO_BUFFER, the frame echoed back
  po.actions.push_back(of::ActionOutput{of::port::kFlood, 0});
  po.data.assign(msgs[1].begin() + 18, msgs[1].end());
  feed(of::encode_message(po, 5));
  EXPECT_EQ(sw_.stats().answered, 1u);
  EXPECT_EQ(sw_.stats().packet_outs, 1u);
}

TEST_F(EmulatedSwitchTest, MalformedFlowModGetsAnErrorAndCountsNothing) {
  handshake();
  packet_ins();
  Bytes fm(72, 0);
  fm[0] = 0x01;
  fm[1] = 0x0e;
  store_be16(&fm[2], 72);
  store_be16(&fm[56], 9);  // no such command
  const Bytes r = feed(fm);
  ASSERT_GE(r.size(), 12u);
  EXPECT_EQ(r[1], 0x01);  // OFPT_ERROR
  EXPECT_EQ(sw_.stats().flow_mods, 0u);
  EXPECT_EQ(sw_.stats().answered, 0u);
}

TEST_F(EmulatedSwitchTest, UnansweredPacketInsAreWrittenOffAfterTheTimeout) {
  handshake();
  packet_ins();
  sw_.check_timeout(now_ + 10, 1000);
  EXPECT_EQ(sw_.stats().lost, 0u);
  sw_.check_timeout(now_ + 2000, 1000);
  EXPECT_EQ(sw_.stats().lost, 3u);
  EXPECT_EQ(sw_.outstanding(), 0u);
  EXPECT_EQ(packet_ins().size(), 3u);
}

TEST_F(EmulatedSwitchTest, ReconnectForgetsOutstandingPacketIns) {
  handshake();
  packet_ins();
  sw_.on_connect(out_);
  EXPECT_FALSE(sw_.handshaken());
  EXPECT_EQ(sw_.outstanding(), 0u);
  EXPECT_EQ(sw_.stats().lost, 3u);
}

}  // namespace
}  // namespace ofkit::bench
