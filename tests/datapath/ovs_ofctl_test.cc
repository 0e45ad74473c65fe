// ofdp managed by Open vSwitch's ovs-ofctl over its passive listener
// (ptcp), with trace-file ports: every ovs-ofctl command the issue names,
// and the frames that leave the ports checked in the output pcaps.
//
// Each test starts ofdp --paused (workers stopped) so flows are installed
// before the trace is replayed; "resume" on the control socket starts the
// workers and --exit-on-eof ends the process once the trace is done.
#include <gtest/gtest.h>

#include "ofkit_config.h"
#include "oflib/packet/builder.h"
#include "oflib/packet/checksum.h"
#include "oflib/packet/flow_extract.h"
#include "oflib/wire/constants.h"
#include "tests/datapath/ofdp_harness.h"

namespace ofkit::dp {
namespace {

using testing::OfdpProcess;
using testing::TempDir;

MacAddr mac(uint64_t v) { return MacAddr::from_u64(v); }
Ipv4Addr ip(const char* s) { return *Ipv4Addr::parse(s); }

std::vector<uint8_t> finish(PacketBuilder& b, uint8_t* buf) {
  const size_t n = b.finish();
  EXPECT_GT(n, 0u);
  return std::vector<uint8_t>(buf, buf + n);
}

std::vector<uint8_t> tcp_frame(MacAddr src, MacAddr dst, const char* nw_src, const char* nw_dst, uint8_t tos,
                               uint16_t sport, uint16_t dport) {
  uint8_t buf[256];
  PacketBuilder b(buf);
  Ipv4Fields f;
  f.src = ip(nw_src);
  f.dst = ip(nw_dst);
  f.tos = tos;
  TcpFields t;
  t.src_port = sport;
  t.dst_port = dport;
  t.flags = tcp_flag::kSyn;
  const uint8_t payload[] = {'h', 'e', 'l', 'l', 'o'};
  b.ethernet(dst, src).ipv4(f).tcp(t).payload(payload);
  return finish(b, buf);
}

std::vector<uint8_t> udp_frame(MacAddr src, MacAddr dst, const char* nw_src, const char* nw_dst,
                               uint16_t dport, int vlan = -1, uint8_t pcp = 0) {
  uint8_t buf[256];
  PacketBuilder b(buf);
  b.ethernet(dst, src);
  if (vlan >= 0) b.vlan(VlanFields{static_cast<uint16_t>(vlan), pcp});
  Ipv4Fields f;
  f.src = ip(nw_src);
  f.dst = ip(nw_dst);
  UdpFields u;
  u.src_port = 5555;
  u.dst_port = dport;
  const uint8_t payload[] = {1, 2, 3, 4, 5, 6, 7, 8};
  b.ipv4(f).udp(u).payload(payload);
  return finish(b, buf);
}

std::vector<uint8_t> arp_frame(uint16_t op, MacAddr sha, const char* spa, const char* tpa) {
  uint8_t buf[128];
  PacketBuilder b(buf);
  b.ethernet(op == 1 ? MacAddr::broadcast() : mac(0x02), sha)
      .arp(ArpFields{op, sha, ip(spa), MacAddr{}, ip(tpa)});
  return finish(b, buf);
}

std::vector<uint8_t> icmp_frame(const char* nw_src, const char* nw_dst) {
  uint8_t buf[128];
  PacketBuilder b(buf);
  Ipv4Fields f;
  f.src = ip(nw_src);
  f.dst = ip(nw_dst);
  b.ethernet(mac(0x02), mac(0x01)).ipv4(f).icmp(IcmpFields{8, 0, 0x00010001});
  return finish(b, buf);
}

std::vector<uint8_t> raw_frame(MacAddr src, MacAddr dst, uint16_t type) {
  std::vector<uint8_t> f(60, 0xab);
  std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
  std::copy(src.bytes.begin(), src.bytes.end(), f.begin() + 6);
  store_be16(&f[12], type);
  return f;
}

FlowKey key_of(const std::vector<uint8_t>& frame) {
  FlowKey k;
  extract_flow_key(frame.data(), frame.size(), 0, &k);
  return k;
}

// IPv4 header and TCP/UDP checksums of a frame (VLAN-aware) are right.
void expect_checksums_ok(const std::vector<uint8_t>& f) {
  size_t l3 = 14;
  if (load_be16(&f[12]) == 0x8100) l3 = 18;
  ASSERT_GE(f.size(), l3 + 20);
  const uint8_t* iph = &f[l3];
  const size_t ihl = (iph[0] & 0x0f) * 4u;
  EXPECT_TRUE(ipv4_header_checksum_ok(iph, ihl));
  const uint16_t total = load_be16(iph + 2);
  const uint8_t* l4 = iph + ihl;
  const size_t l4_len = total - ihl;
  const uint32_t src = load_be32(iph + 12), dst = load_be32(iph + 16);
  if (iph[9] == 6) {
    EXPECT_EQ(load_be16(l4 + 16), tcp_checksum_ipv4(src, dst, l4, l4_len));
  }
  if (iph[9] == 17) {
    EXPECT_EQ(load_be16(l4 + 6), udp_checksum_ipv4(src, dst, l4, l4_len));
  }
}

class OvsOfctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    if (testing::run_command({"ovs-ofctl", "--version"}, &out) != 0)
      GTEST_SKIP() << "ovs-ofctl not installed";
  }
  void start_ofdp(const std::vector<std::vector<uint8_t>>& input, bool vdevs = false) {
    ASSERT_TRUE(testing::write_trace(dir_ / "in1.pcap", input));
    ctl_ = dir_ / "ctl.sock";
    std::vector<std::string> args = {"--listen=ptcp:0:127.0.0.1", "--control-socket=" + ctl_, "--paused",
                                     "--exit-on-eof", "--datapath-id=0x00000000000000aa"};
    if (vdevs) {  // DPDK net_pcap vdevs in the short form (EAL defaults filled in)
      args.push_back("--vdev=net_pcap0,rx_pcap=" + (dir_ / "in1.pcap") + ",tx_pcap=" + (dir_ / "out1.pcap"));
      for (int p = 2; p <= 4; ++p)
        args.push_back("--vdev=net_pcap" + std::to_string(p - 1) +
                       ",tx_pcap=" + (dir_ / ("out" + std::to_string(p) + ".pcap")));
    } else {
      args.push_back("--port=file:" + (dir_ / "in1.pcap") + ",out=" + (dir_ / "out1.pcap"));
      for (int p = 2; p <= 4; ++p)
        args.push_back("--port=file:,out=" + (dir_ / ("out" + std::to_string(p) + ".pcap")));
    }
    ofdp_ = std::make_unique<OfdpProcess>(args, dir_ / "ofdp.log");
    std::string show;
    ASSERT_TRUE(testing::ctl_request(ctl_, "show", &show)) << ofdp_->log();
    const int port = testing::listen_port_from_show(show);
    ASSERT_GT(port, 0) << show;
    target_ = "tcp:127.0.0.1:" + std::to_string(port);
  }
  // ovs-ofctl -O OpenFlow10 -F OpenFlow10 --no-names CMD TARGET ARGS...; expects exit 0.
  std::string ofctl(const std::string& cmd, const std::vector<std::string>& args = {}, int want_rc = 0) {
    std::vector<std::string> argv = {"ovs-ofctl",  "-O",           "OpenFlow10", "-F",   "OpenFlow10",
                                     "--no-names", "--timeout=10", cmd,          target_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out;
    const int rc = testing::run_command(argv, &out);
    EXPECT_EQ(rc, want_rc) << cmd << ": " << out << "\nofdp log:\n" << ofdp_->log();
    return out;
  }
  // Starts the workers and waits for --exit-on-eof.
  void replay() {
    std::string answer;
    ASSERT_TRUE(testing::ctl_request(ctl_, "resume", &answer));
    EXPECT_EQ(ofdp_->wait_exit(20), 0) << ofdp_->log();
  }
  std::vector<std::vector<uint8_t>> out(int port) {
    return testing::read_trace(dir_ / ("out" + std::to_string(port) + ".pcap"));
  }

  TempDir dir_;
  std::string ctl_, target_;
  std::unique_ptr<OfdpProcess> ofdp_;
};

TEST_F(OvsOfctlTest, ShowDescTablesPortsAggregate) {
  start_ofdp({});
  std::string s = ofctl("show");
  EXPECT_NE(s.find("dpid:00000000000000aa"), std::string::npos) << s;
  EXPECT_NE(s.find("n_tables:1"), std::string::npos) << s;
  for (const char* p : {" 1(", " 2(", " 3(", " 4("}) EXPECT_NE(s.find(p), std::string::npos) << s;
  EXPECT_NE(s.find("miss_send_len=128"), std::string::npos) << s;
  EXPECT_NE(s.find(" LOCAL(ofdp0): addr:"), std::string::npos) << s;  // OFPP_LOCAL, named like OVS's
  s = ofctl("dump-desc");
  EXPECT_NE(s.find("Manufacturer: ofkit"), std::string::npos) << s;
  EXPECT_NE(s.find("DP Description:"), std::string::npos) << s;
  s = ofctl("dump-tables");
  EXPECT_NE(s.find("OFPST_TABLE reply"), std::string::npos) << s;
  EXPECT_NE(s.find("table 0"), std::string::npos) << s;
  s = ofctl("dump-ports");
  EXPECT_NE(s.find("OFPST_PORT reply"), std::string::npos) << s;
  EXPECT_NE(s.find("5 ports"), std::string::npos) << s;  // and LOCAL
  EXPECT_NE(s.find("port LOCAL:"), std::string::npos) << s;
  s = ofctl("dump-ports", {"2"});
  EXPECT_NE(s.find("1 ports"), std::string::npos) << s;
  EXPECT_NE(s.find("port  2:"), std::string::npos) << s;
  ofctl("add-flow", {"priority=5,in_port=1,actions=output:2"});
  s = ofctl("dump-aggregate");
  EXPECT_NE(s.find("flow_count=1"), std::string::npos) << s;
  s = ofctl("queue-stats");
  EXPECT_NE(s.find("OFPST_QUEUE reply"), std::string::npos) << s;
  replay();
}

TEST_F(OvsOfctlTest, AddFlowEveryMatchFieldAndActionThenForward) {
  const auto t1 = tcp_frame(mac(0x01), mac(0x02), "10.0.0.1", "10.0.0.2", 32, 1234, 80);
  const auto u1 = udp_frame(mac(0x03), mac(0x04), "10.0.0.3", "10.0.1.7", 53, 10, 3);
  const auto u2 = udp_frame(mac(0x05), mac(0x06), "192.168.3.4", "10.0.0.9", 9999);
  const auto a1 = arp_frame(1, mac(0x01), "10.0.0.1", "10.0.0.2");
  const auto i1 = icmp_frame("10.0.5.1", "10.0.5.2");
  const auto a2 = arp_frame(2, mac(0x07), "10.0.0.7", "10.0.0.1");
  const auto b1 = raw_frame(mac(0x08), MacAddr::broadcast(), 0x88b5);
  const auto e1 = raw_frame(mac(0x0c), mac(0x0d), 0x88b5);
  const auto n1 = raw_frame(mac(0x0e), mac(0x0f), 0x88b6);
  const auto x1 = raw_frame(mac(0x10), mac(0x11), 0x88b8);
  start_ofdp({t1, u1, u2, a1, i1, a2, b1, e1, n1, x1});

  const std::vector<std::string> flows = {
      "priority=100,tcp,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,"
      "nw_dst=10.0.0.2,nw_tos=32,tp_src=1234,tp_dst=80,"
      "actions=mod_nw_src:10.1.1.1,mod_nw_dst:10.2.2.2,mod_tp_src:4321,mod_tp_dst:8080,mod_nw_tos:64,output:"
      "2",
      "priority=100,udp,dl_vlan=10,dl_vlan_pcp=3,nw_dst=10.0.1.0/24,tp_dst=53,actions=strip_vlan,output:3",
      "priority=100,dl_type=0x0800,nw_proto=17,nw_src=192.168.0.0/16,"
      "actions=mod_vlan_vid:20,mod_vlan_pcp:5,mod_dl_src:00:00:00:00:00:aa,mod_dl_dst:00:00:00:00:00:bb,"
      "output:4",
      "priority=100,arp,nw_src=10.0.0.1,actions=flood",
      "priority=100,icmp,icmp_type=8,icmp_code=0,actions=all",
      "priority=100,arp,nw_proto=2,actions=drop",
      "priority=50,in_port=1,dl_dst=ff:ff:ff:ff:ff:ff,actions=output:2,enqueue:3:0",
      "priority=10,dl_src=00:00:00:00:00:0c,actions=in_port",
      "priority=10,dl_type=0x88b6,actions=normal",
      "priority=10,dl_type=0x88b7,actions=controller:128,local",
      "priority=1,cookie=0x42,idle_timeout=300,hard_timeout=600,dl_vlan=0xffff,actions=drop",
  };
  for (const std::string& f : flows) ofctl("add-flow", {f});

  const std::string dump = ofctl("dump-flows");
  for (const char* want :
       {"tcp,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_"
        "tos=32,"
        "tp_src=1234,tp_dst=80",
        "mod_nw_src:10.1.1.1,mod_nw_dst:10.2.2.2,mod_tp_src:4321,mod_tp_dst:8080,mod_nw_tos:64,output:2",
        "udp,dl_vlan=10,dl_vlan_pcp=3,nw_dst=10.0.1.0/24,tp_dst=53", "actions=strip_vlan,output:3",
        "udp,nw_src=192.168.0.0/16",
        "mod_vlan_vid:20,mod_vlan_pcp:5,mod_dl_src:00:00:00:00:00:aa,mod_dl_dst:00:00:00:00:00:bb,output:4",
        "arp,arp_spa=10.0.0.1 actions=FLOOD", "icmp,icmp_type=8,icmp_code=0 actions=ALL",
        "arp,arp_op=2 actions=drop", "in_port=1,dl_dst=ff:ff:ff:ff:ff:ff actions=output:2,enqueue:3:0",
        "dl_src=00:00:00:00:00:0c actions=IN_PORT", "dl_type=0x88b6 actions=NORMAL",
        "actions=CONTROLLER:128,LOCAL", "cookie=0x42", "idle_timeout=300, hard_timeout=600",
        "vlan_tci=0x0000"}) {
    EXPECT_NE(dump.find(want), std::string::npos) << "missing '" << want << "' in\n" << dump;
  }
  EXPECT_NE(ofctl("dump-aggregate").find("flow_count=11"), std::string::npos);

  replay();

  // Port 1 (the input port) gets only the IN_PORT frame.
  auto o1 = out(1), o2 = out(2), o3 = out(3), o4 = out(4);
  ASSERT_EQ(o1.size(), 1u);
  EXPECT_EQ(o1[0], e1);
  // Port 2: rewritten TCP, ARP (flood), ICMP (all), broadcast (output:2), NORMAL flood.
  ASSERT_EQ(o2.size(), 5u);
  const FlowKey k = key_of(o2[0]);
  EXPECT_EQ(k.nw_src, ip("10.1.1.1").value);
  EXPECT_EQ(k.nw_dst, ip("10.2.2.2").value);
  EXPECT_EQ(k.tp_src, 4321);
  EXPECT_EQ(k.tp_dst, 8080);
  EXPECT_EQ(k.nw_tos, 64);
  expect_checksums_ok(o2[0]);
  EXPECT_EQ(o2[1], a1);
  EXPECT_EQ(o2[2], i1);
  EXPECT_EQ(o2[3], b1);
  EXPECT_EQ(o2[4], n1);
  // Port 3: the UDP frame without its tag, ARP, ICMP, the enqueued broadcast, NORMAL.
  ASSERT_EQ(o3.size(), 5u);
  const FlowKey k3 = key_of(o3[0]);
  EXPECT_EQ(k3.dl_vlan, of::kVlanNone);
  EXPECT_EQ(k3.dl_type, 0x0800);
  EXPECT_EQ(k3.tp_dst, 53);
  EXPECT_EQ(o3[0].size(), u1.size() - 4);
  expect_checksums_ok(o3[0]);
  EXPECT_EQ(o3[1], a1);
  EXPECT_EQ(o3[2], i1);
  EXPECT_EQ(o3[3], b1);
  EXPECT_EQ(o3[4], n1);
  // Port 4: the re-tagged, re-addressed UDP frame, ARP, ICMP, NORMAL.
  ASSERT_EQ(o4.size(), 4u);
  const FlowKey k4 = key_of(o4[0]);
  EXPECT_EQ(k4.dl_vlan, 20);
  EXPECT_EQ(k4.dl_vlan_pcp, 5);
  EXPECT_EQ(k4.dl_src, mac(0xaa));
  EXPECT_EQ(k4.dl_dst, mac(0xbb));
  EXPECT_EQ(k4.nw_src, ip("192.168.3.4").value);
  expect_checksums_ok(o4[0]);
  EXPECT_EQ(o4[1], a1);
  EXPECT_EQ(o4[2], i1);
  EXPECT_EQ(o4[3], n1);
}

TEST_F(OvsOfctlTest, ModPortDelFlowsPacketOut) {
  const auto a1 = arp_frame(1, mac(0x01), "10.0.0.1", "10.0.0.2");
  const auto t1 = tcp_frame(mac(0x01), mac(0x02), "10.0.0.1", "10.0.0.2", 0, 1000, 22);
  start_ofdp({a1, t1});
  ofctl("mod-port", {"3", "no-flood"});
  ofctl("mod-port", {"4", "down"});
  std::string s = ofctl("show");
  EXPECT_NE(s.find("NO_FLOOD"), std::string::npos) << s;
  EXPECT_NE(s.find("PORT_DOWN"), std::string::npos) << s;
  ofctl("mod-port", {"4", "up"});
  s = ofctl("show");
  EXPECT_EQ(s.find("PORT_DOWN"), std::string::npos) << s;

  ofctl("add-flow", {"priority=10,arp,actions=flood"});
  ofctl("add-flow", {"priority=20,tcp,actions=output:4"});
  ofctl("add-flow", {"priority=30,udp,actions=output:2"});
  ofctl("del-flows", {"tcp"});
  ofctl("del-flows", {"--strict", "priority=30,udp"});
  s = ofctl("dump-flows");
  EXPECT_NE(s.find("arp actions=FLOOD"), std::string::npos) << s;
  EXPECT_EQ(s.find("tcp"), std::string::npos) << s;
  EXPECT_EQ(s.find("udp"), std::string::npos) << s;

  // PACKET_OUT with data, from the control thread.
  const auto p = udp_frame(mac(0x21), mac(0x22), "10.9.9.1", "10.9.9.2", 7);
  std::string hex;
  for (uint8_t b : p) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", b);
    hex += h;
  }
  ofctl("packet-out", {"1", "mod_nw_dst:10.9.9.3,output:4", hex});

  replay();
  // The ARP is flooded to 2 and 4 (3 has NO_FLOOD); the TCP frame misses and is dropped.
  auto o2 = out(2), o3 = out(3), o4 = out(4);
  ASSERT_EQ(o2.size(), 1u);
  EXPECT_EQ(o2[0], a1);
  EXPECT_TRUE(o3.empty());
  ASSERT_EQ(o4.size(), 2u);
  const FlowKey k = key_of(o4[0]);
  EXPECT_EQ(k.nw_dst, ip("10.9.9.3").value);
  expect_checksums_ok(o4[0]);
  EXPECT_EQ(o4[1], a1);
}

TEST_F(OvsOfctlTest, DelFlowsEmptiesTheTable) {
  start_ofdp({});
  ofctl("add-flow", {"in_port=1,actions=output:2"});
  ofctl("add-flow", {"in_port=2,actions=output:1"});
  EXPECT_NE(ofctl("dump-aggregate").find("flow_count=2"), std::string::npos);
  ofctl("del-flows");
  EXPECT_NE(ofctl("dump-aggregate").find("flow_count=0"), std::string::npos);
  // A bad flow is refused by the switch side or ovs-ofctl itself: nonzero exit.
  ofctl("add-flow", {"in_port=1,actions=output:99"}, 1);
  replay();
}

TEST_F(OvsOfctlTest, NetPcapVdevsForwardWhatOvsOfctlInstalled) {
  if (!OFKIT_HAVE_DPDK) GTEST_SKIP() << "built without DPDK";
  const auto t1 = tcp_frame(mac(0x01), mac(0x02), "10.0.0.1", "10.0.0.2", 0, 1234, 80);
  const auto u1 = udp_frame(mac(0x03), mac(0x04), "10.0.0.3", "10.0.0.4", 53);
  start_ofdp({t1, u1}, true);
  std::string s = ofctl("show");
  EXPECT_NE(s.find("net_pcap0"), std::string::npos) << s;
  ofctl("add-flow", {"priority=10,tcp,actions=mod_tp_dst:443,output:2"});
  ofctl("add-flow", {"priority=10,udp,actions=output:3,output:4"});
  replay();
  auto o2 = out(2), o3 = out(3), o4 = out(4);
  ASSERT_EQ(o2.size(), 1u) << ofdp_->log();
  EXPECT_EQ(key_of(o2[0]).tp_dst, 443);
  expect_checksums_ok(o2[0]);
  EXPECT_EQ(o3, (std::vector<std::vector<uint8_t>>{u1}));
  EXPECT_EQ(o4, (std::vector<std::vector<uint8_t>>{u1}));
}

}  // namespace
}  // namespace ofkit::dp
