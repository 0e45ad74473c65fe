// l3_learning against a scripted switch: hosts learned from ARP and IPv4,
// ARP replies built by the controller (checked byte by byte against the
// RFC 826 layout), flows rewriting dl_dst, packets held while ARPing for an
// unknown destination and released or dropped afterwards.

#include <gtest/gtest.h>

#include "tests/controller/apps/app_harness.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kDpid = 0x0000a1b2c3d4e5f6ULL;  // its MAC: a1:b2:c3:d4:e5:f6
constexpr uint64_t kH1 = 0x000000000001ULL, kH2 = 0x000000000002ULL, kH3 = 0x000000000003ULL;
constexpr uint32_t kIp1 = 0x0a000001, kIp2 = 0x0a000002, kIp3 = 0x0a000003, kGw = 0x0a0000fe;

void put_mac(std::vector<uint8_t>& f, uint64_t mac) {
  for (int i = 5; i >= 0; --i) f.push_back(static_cast<uint8_t>(mac >> (8 * i)));
}
void put_ip(std::vector<uint8_t>& f, uint32_t ip) {
  for (int i = 3; i >= 0; --i) f.push_back(static_cast<uint8_t>(ip >> (8 * i)));
}
// Ethernet + ARP for Ethernet/IPv4 (RFC 826), padded to 60 bytes, written by hand.
std::vector<uint8_t> arp_frame(uint64_t eth_dst, uint64_t eth_src, uint16_t op, uint64_t sha, uint32_t spa,
                               uint64_t tha, uint32_t tpa) {
  std::vector<uint8_t> f;
  put_mac(f, eth_dst);
  put_mac(f, eth_src);
  f.insert(f.end(), {0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, static_cast<uint8_t>(op)});
  put_mac(f, sha);
  put_ip(f, spa);
  put_mac(f, tha);
  put_ip(f, tpa);
  f.resize(60, 0);
  return f;
}
void send_frame(ScriptedSwitch& sw, uint16_t port, std::vector<uint8_t> frame, uint32_t buffer_id) {
  of::PacketIn pi;
  pi.buffer_id = buffer_id;
  pi.in_port = port;
  pi.data = std::move(frame);
  pi.total_len = static_cast<uint16_t>(pi.data.size());
  sw.send(pi);
}
// ScriptedSwitch::frame is IPv4/UDP 10.0.0.1 -> 10.0.0.2; other addresses patched in.
std::vector<uint8_t> ip_frame(uint64_t src, uint64_t dst, uint32_t nw_src, uint32_t nw_dst) {
  auto f = ScriptedSwitch::frame(src, dst);
  for (int i = 0; i < 4; ++i) {
    f[26 + i] = static_cast<uint8_t>(nw_src >> (24 - 8 * i));
    f[30 + i] = static_cast<uint8_t>(nw_dst >> (24 - 8 * i));
  }
  return f;
}

void expect_flood(const std::vector<of::DecodedMessage>& msgs, size_t i, uint32_t buffer_id,
                  uint16_t in_port) {
  const auto* po = as<of::PacketOut>(msgs, i);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, buffer_id);
  EXPECT_EQ(po->in_port, in_port);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
}

// Teaches the switch's table H1 (port 1, 10.0.0.1) and H2 (port 2, 10.0.0.2)
// with ARP replies to H3 (a request for one's own address would be answered:
// the sender is learned before the target is looked up, as in POX).
void learn_two_hosts(ScriptedSwitch& sw) {
  send_frame(sw, 1, arp_frame(kH3, kH1, 2, kH1, kIp1, kH3, kIp3), 1);
  send_frame(sw, 2, arp_frame(kH3, kH2, 2, kH2, kIp2, kH3, kIp3), 2);
  auto msgs = AppHarness::sync(sw);
  ASSERT_EQ(msgs.size(), 2u);  // replies are flooded
  expect_flood(msgs, 0, 1, 1);
  expect_flood(msgs, 1, 2, 2);
}

TEST(L3Learning, AnswersArpForALearnedHostWithAHandBuiltReply) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=2", "forwarding.l3_learning"}));
  auto sw = h.connect(kDpid);
  ASSERT_TRUE(sw);
  // H1 asks for 10.0.0.2: unknown, flooded with the buffer.
  send_frame(*sw, 1, arp_frame(0xffffffffffffULL, kH1, 1, kH1, kIp1, 0, kIp2), 10);
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_flood(msgs, 0, 10, 1);
  // H2 replies: learned; the reply itself is flooded (as POX does).
  send_frame(*sw, 2, arp_frame(kH1, kH2, 2, kH2, kIp2, kH1, kIp1), 11);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_flood(msgs, 0, 11, 2);
  // H3 asks for 10.0.0.2: the controller answers out of the input port.
  send_frame(*sw, 3, arp_frame(0xffffffffffffULL, kH3, 1, kH3, kIp3, 0, kIp2), 12);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, of::kNoBuffer);
  EXPECT_EQ(po->in_port, 3);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kInPort, 0}}));
  const std::vector<uint8_t>& d = po->data;
  ASSERT_EQ(d.size(), 60u);
  EXPECT_EQ(std::vector<uint8_t>(d.begin(), d.begin() + 6),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 3}));  // to H3
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 6, d.begin() + 12),
            (std::vector<uint8_t>{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6}));  // from dpid_to_mac
  EXPECT_EQ(d[12], 0x08);
  EXPECT_EQ(d[13], 0x06);  // ARP
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 14, d.begin() + 22),
            (std::vector<uint8_t>{0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02}));  // Ethernet, IPv4, 6, 4, reply
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 22, d.begin() + 28),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 2}));  // sha H2
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 28, d.begin() + 32),
            (std::vector<uint8_t>{10, 0, 0, 2}));  // spa
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 32, d.begin() + 38),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 3}));  // tha H3
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 38, d.begin() + 42),
            (std::vector<uint8_t>{10, 0, 0, 3}));                                         // tpa
  EXPECT_EQ(std::vector<uint8_t>(d.begin() + 42, d.end()), std::vector<uint8_t>(18, 0));  // padding
  EXPECT_EQ(d, arp_frame(kH3, 0xa1b2c3d4e5f6ULL, 2, kH2, kIp2, kH3, kIp3));
}

TEST(L3Learning, InstallsExactFlowsRewritingTheDestinationMac) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "l3_learning", "--idle-timeout=15"}));
  auto sw = h.connect(kDpid);
  ASSERT_TRUE(sw);
  learn_two_hosts(*sw);
  // H1 -> 10.0.0.2 addressed to some other MAC: rewritten to H2's.
  send_frame(*sw, 1, ip_frame(kH1, 0x0000000000ffULL, kIp1, kIp2), 20);
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* fm = as<of::FlowMod>(msgs, 0);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kAdd);
  EXPECT_EQ(fm->match.wildcards, 0u);
  EXPECT_EQ(fm->match.key.in_port, 1);
  EXPECT_EQ(fm->match.key.dl_src, MacAddr::from_u64(kH1));
  EXPECT_EQ(fm->match.key.dl_dst, MacAddr::from_u64(0xff));
  EXPECT_EQ(fm->match.key.dl_type, 0x0800);
  EXPECT_EQ(fm->match.key.nw_src, kIp1);
  EXPECT_EQ(fm->match.key.nw_dst, kIp2);
  EXPECT_EQ(fm->match.key.nw_proto, 17);
  EXPECT_EQ(fm->match.key.tp_src, 1000);
  EXPECT_EQ(fm->match.key.tp_dst, 2000);
  EXPECT_EQ(fm->idle_timeout, 15);
  EXPECT_EQ(fm->hard_timeout, 0);
  EXPECT_EQ(fm->buffer_id, 20u);
  EXPECT_EQ(fm->actions,
            (of::ActionList{of::ActionSetDlDst{MacAddr::from_u64(kH2)}, of::ActionOutput{2, 0}}));
  // Unbuffered: the same FLOW_MOD, then the frame with the same actions.
  send_frame(*sw, 2, ip_frame(kH2, kH1, kIp2, kIp1), of::kNoBuffer);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 2u);
  fm = as<of::FlowMod>(msgs, 0);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->buffer_id, of::kNoBuffer);
  EXPECT_EQ(fm->actions,
            (of::ActionList{of::ActionSetDlDst{MacAddr::from_u64(kH1)}, of::ActionOutput{1, 0}}));
  const auto* po = as<of::PacketOut>(msgs, 1);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, of::kNoBuffer);
  EXPECT_EQ(po->in_port, 2);
  EXPECT_EQ(po->actions, fm->actions);
  EXPECT_EQ(po->data, ip_frame(kH2, kH1, kIp2, kIp1));
  // Known on the input port: nothing is sent.
  send_frame(*sw, 2, ip_frame(kH3, kH2, kIp3, kIp2), 21);
  EXPECT_TRUE(AppHarness::sync(*sw).empty());
  // Unknown destination without --arp-for-unknowns: flooded.
  send_frame(*sw, 1, ip_frame(kH1, kH3, kIp1, 0x0a000009), 22);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_flood(msgs, 0, 22, 1);
  // LLDP is ignored; IPv6 is flooded.
  send_frame(*sw, 1, ScriptedSwitch::frame(kH1, 0x0180c200000eULL, 0x88cc), 23);
  send_frame(*sw, 1, ScriptedSwitch::frame(kH1, kH2, 0x86dd), 24);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_flood(msgs, 0, 24, 1);
}

TEST(L3Learning, WideFlowsAndSourceRewrite) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "l3_learning", "--wide", "--rewrite-src"}));
  auto sw = h.connect(kDpid);
  ASSERT_TRUE(sw);
  learn_two_hosts(*sw);
  send_frame(*sw, 1, ip_frame(kH1, kH2, kIp1, kIp2), 30);
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* fm = as<of::FlowMod>(msgs, 0);
  ASSERT_NE(fm, nullptr);
  of::Match want;
  want.wildcards = 0x3020ef;  // all but dl_type and nw_dst (POX: nw_src count 32)
  want.key.dl_type = 0x0800;
  want.key.nw_dst = kIp2;
  EXPECT_EQ(fm->match, want);
  EXPECT_EQ(fm->actions, (of::ActionList{of::ActionSetDlDst{MacAddr::from_u64(kH2)},
                                         of::ActionSetDlSrc{MacAddr::from_u64(0xa1b2c3d4e5f6ULL)},
                                         of::ActionOutput{2, 0}}));
  // H2 moves to port 3: its nw_dst flows are deleted (--wide).
  send_frame(*sw, 3, ip_frame(kH2, kH1, kIp2, kIp1), 31);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 2u);
  fm = as<of::FlowMod>(msgs, 0);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kDelete);
  want.key.nw_dst = kIp2;
  EXPECT_EQ(fm->match, want);
  fm = as<of::FlowMod>(msgs, 1);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kAdd);
  EXPECT_EQ(fm->buffer_id, 31u);
  EXPECT_EQ(output_port(fm->actions, 2), 1);
}

TEST(L3Learning, FakewaysAnswerAndUnknownsWaitForTheirArpReply) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "l3_learning", "--fakeways=10.0.0.254"}));
  auto sw = h.connect(kDpid);
  ASSERT_TRUE(sw);
  // Who has the gateway? The switch's own MAC.
  send_frame(*sw, 1, arp_frame(0xffffffffffffULL, kH1, 1, kH1, kIp1, 0, kGw), 40);
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->data, arp_frame(kH1, 0xa1b2c3d4e5f6ULL, 2, 0xa1b2c3d4e5f6ULL, kGw, kH1, kIp1));
  // IP to the gateway itself: nothing to forward to.
  send_frame(*sw, 1, ip_frame(kH1, 0xa1b2c3d4e5f6ULL, kIp1, kGw), 41);
  EXPECT_TRUE(AppHarness::sync(*sw).empty());

  // H1 -> 10.0.0.2, unknown: held, and the controller ARPs for it (flooded,
  // on H1's behalf: POX puts the broadcast address in the target MAC too).
  send_frame(*sw, 1, ip_frame(kH1, 0xa1b2c3d4e5f6ULL, kIp1, kIp2), 42);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, of::kNoBuffer);
  EXPECT_EQ(po->in_port, 1);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
  EXPECT_EQ(po->data, arp_frame(0xffffffffffffULL, kH1, 1, kH1, kIp1, 0xffffffffffffULL, kIp2));
  // A second packet (unbuffered) waits too; no second ARP within 4 s.
  const auto unbuffered = ip_frame(kH1, 0xa1b2c3d4e5f6ULL, kIp1, kIp2);
  send_frame(*sw, 1, unbuffered, of::kNoBuffer);
  EXPECT_TRUE(AppHarness::sync(*sw).empty());
  // H2 answers: both go out rewritten to H2 on port 2, then the reply is flooded.
  send_frame(*sw, 2, arp_frame(kH1, kH2, 2, kH2, kIp2, kH1, kIp1), 43);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 3u);
  const of::ActionList to_h2{of::ActionSetDlDst{MacAddr::from_u64(kH2)}, of::ActionOutput{2, 0}};
  po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, 42u);
  EXPECT_EQ(po->in_port, 1);
  EXPECT_EQ(po->actions, to_h2);
  EXPECT_TRUE(po->data.empty());
  po = as<of::PacketOut>(msgs, 1);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, of::kNoBuffer);
  EXPECT_EQ(po->actions, to_h2);
  EXPECT_EQ(po->data, unbuffered);
  expect_flood(msgs, 2, 43, 2);
}

TEST(L3Learning, HeldPacketsAreBoundedAndDroppedWhenTheyTimeOut) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "l3_learning", "--arp-for-unknowns=true", "--max-buffered-per-ip=2",
                       "--max-buffer-time=0.2"}));
  auto sw = h.connect(kDpid);
  ASSERT_TRUE(sw);
  send_frame(*sw, 1, ip_frame(kH1, kH2, kIp1, kIp2), 50);
  send_frame(*sw, 1, ip_frame(kH1, kH2, kIp1, kIp2), 51);
  send_frame(*sw, 1, ip_frame(kH1, kH2, kIp1, kIp2), 52);
  auto msgs = AppHarness::sync(*sw);
  // The ARP request, then the oldest held buffer released when the third arrived.
  ASSERT_GE(msgs.size(), 2u);
  EXPECT_EQ(as<of::PacketOut>(msgs, 0)->buffer_id, of::kNoBuffer);
  const auto* po = as<of::PacketOut>(msgs, 1);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, 50u);
  EXPECT_TRUE(po->actions.empty());
  // The other two are dropped (buffers released) once they time out.
  std::vector<uint32_t> released;
  for (size_t i = 2; i < msgs.size(); ++i)
    if (auto* p = std::get_if<of::PacketOut>(&msgs[i].msg)) released.push_back(p->buffer_id);
  while (released.size() < 2) {
    auto p = sw->expect<of::PacketOut>(std::chrono::milliseconds(5000));
    ASSERT_TRUE(p) << "held packets never released";
    EXPECT_TRUE(p->actions.empty());
    released.push_back(p->buffer_id);
  }
  EXPECT_EQ(released, (std::vector<uint32_t>{51, 52}));
}

// Bad values are refused before anything starts (AppInfo::validate:
// ofctl-run exits 2 with the message), not logged and ignored.
TEST(L3Learning, BadOptionValuesAreRefusedBeforeStartUp) {
  AppCatalog catalog;
  register_builtin_apps(catalog);
  ParsedCli cli;
  std::string err;
  EXPECT_FALSE(parse_cli({"l3_learning", "--fakeways=10.0.0.300"}, catalog, true, &cli, &err));
  EXPECT_NE(err.find("l3_learning: --fakeways: bad IPv4 address '10.0.0.300'"), std::string::npos) << err;
  EXPECT_FALSE(parse_cli({"l3_learning", "--arp-for-unknowns=maybe"}, catalog, true, &cli, &err));
  EXPECT_NE(err.find("--arp-for-unknowns"), std::string::npos) << err;
  EXPECT_TRUE(parse_cli({"l3_learning", "--fakeways=10.0.0.1,10.0.0.2", "--arp-for-unknowns=false"}, catalog,
                        true, &cli, &err))
      << err;
}

}  // namespace
}  // namespace ofkit::ctl::testing
