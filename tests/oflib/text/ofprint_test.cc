// Integration tests of the ofprint tool: runs the built binary on hex input,
// bad input, bad command lines and two committed captures
// (tests/data/ofprint_ovs.pcap: a real ovs-testcontroller <-> ovs-ofctl
// conversation, see data_gen/make_ovs_capture.sh; tests/data/
// ofprint_reassembly.pcap: hand-written messages in out-of-order,
// retransmitted and overlapping TCP segments, see
// data_gen/make_reassembly_capture.py).

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oflib/text/json.h"
#include "oflib/wire/message_table.h"

namespace ofkit::text {
namespace {

struct Proc {
  int rc = -1;
  std::string out;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string ofprint() {
  const std::string dir = env("OFKIT_BUILD_DIR");
  return (dir.empty() ? std::string(".") : dir) + "/pcap/ofprint/ofprint";
}

std::string data(const char* file) { return env("OFKIT_TEST_DATA") + "/" + file; }

// Runs a shell command and returns its exit status and stdout (stderr is dropped).
Proc run(const std::string& cmd) {
  Proc r;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

Proc ofprint_args(const std::string& args) { return run(ofprint() + " " + args); }

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class Ofprint : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("test -x " + ofprint()).rc != 0) GTEST_SKIP() << "ofprint not built at " << ofprint();
  }
};

TEST_F(Ofprint, HexArgument) {
  const Proc r = ofprint_args("0100000800000001");
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out, "OFPT_HELLO (xid=0x1):\n");
}

TEST_F(Ofprint, HexOnStdinWithSpacesAndSeveralMessages) {
  // A FLOW_MOD (ADD in_port=1, output:2) and a BARRIER_REQUEST back to back.
  const Proc r =
      run("printf '01 0e 00 50 00 00 00 07\\n"
          "00 3f ff fe 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\\n"
          "00 00 00 00 00 00 00 00\\n"
          "00 00 00 00 00 00 00 05 00 00 00 0a 00 00 00 64 ff ff ff ff ff ff 00 00\\n"
          "00 00 00 08 00 02 00 00\\n"
          "01 12 00 08 00 00 00 08\\n' | " +
          ofprint());
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "OFPT_FLOW_MOD (xid=0x7): ADD priority=100,in_port=1 cookie:0x5 idle:10 actions=output:2\n"
            "OFPT_BARRIER_REQUEST (xid=0x8):\n");
}

TEST_F(Ofprint, JsonPerMessage) {
  const Proc r = ofprint_args("--json 0109000c0000000300010080 0100000800000004");
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "{\"type\":\"SET_CONFIG\",\"xid\":3,\"msg\":{\"flags\":\"FRAG_DROP\",\"miss_send_len\":128}}\n"
            "{\"type\":\"HELLO\",\"xid\":4,\"msg\":{\"body\":\"\"}}\n");
}

TEST_F(Ofprint, BadMessagesPrintTheirErrorAndExit1) {
  struct Case {
    const char* hex;
    const char* error;
  } cases[] = {
      {"0100000c00000001", "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN"},          // length says 12, 8 present
      {"0105000c0000000100000000", "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN"},  // FEATURES_REQUEST is 8 bytes
      {"011e000800000001", "OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE"},         // type 30
      {"0212000800000001", "OFPET_BAD_REQUEST/OFPBRC_BAD_VERSION"},
      {"0110000c000000010009000", "bad hex"},  // odd digits: usage error, checked below
  };
  for (const Case& c : cases) {
    const Proc r = ofprint_args(c.hex);
    if (std::string(c.error) == "bad hex") {
      EXPECT_EQ(r.rc, 2) << c.hex;
      continue;
    }
    EXPECT_EQ(r.rc, 1) << c.hex;
    EXPECT_TRUE(r.out.starts_with(std::string("error: ") + c.error)) << c.hex << "\n" << r.out;
  }
  // An OUTPUT to OFPP_NONE in a FLOW_MOD draws OFPBAC_BAD_OUT_PORT.
  const std::string flow_mod_out_none = "010e0050 00000009 003fffff" +
                                        std::string(72, '0') +  // header, match
                                        "0000000000000000 0000 0000 0000 8000 ffffffff ffff 0000"  // ADD
                                        " 0000 0008 ffff 0000";  // output:NONE
  const Proc r = ofprint_args("--json " + flow_mod_out_none);
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, "{\"error\":{\"type\":\"OFPET_BAD_ACTION\",\"code\":\"OFPBAC_BAD_OUT_PORT\"}}\n");
}

TEST_F(Ofprint, GoodAndBadMessagesTogether) {
  const Proc r = ofprint_args("0102000800000001 0113000800000002 0113");
  EXPECT_EQ(r.rc, 1);
  const auto l = lines(r.out);
  ASSERT_EQ(l.size(), 4u) << r.out;
  EXPECT_EQ(l[0], "OFPT_ECHO_REQUEST (xid=0x1): 0 bytes of payload");
  EXPECT_EQ(l[1], "OFPT_BARRIER_REPLY (xid=0x2):");
  EXPECT_EQ(l[2], "error: OFPET_BAD_REQUEST/OFPBRC_BAD_LEN (2 bytes)");
  EXPECT_EQ(l[3], "00000000  01 13                                           |..              |");
}

TEST_F(Ofprint, LengthBelowEightEndsTheStream) {
  const Proc r = ofprint_args("--json 0100000400000001 0100000800000002");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, "{\"error\":{\"type\":\"OFPET_BAD_REQUEST\",\"code\":\"OFPBRC_BAD_LEN\"}}\n");
  const Proc t = ofprint_args("0100000800000001 0100000400000002");
  EXPECT_EQ(t.rc, 1);
  EXPECT_EQ(t.out,
            "OFPT_HELLO (xid=0x1):\n"
            "error: OFPET_BAD_REQUEST/OFPBRC_BAD_LEN (a length field below 8 ends the stream)\n");
}

TEST_F(Ofprint, UsageErrorsExit2) {
  EXPECT_EQ(ofprint_args("--bogus").rc, 2);
  EXPECT_EQ(ofprint_args("zz").rc, 2);
  EXPECT_EQ(ofprint_args("010").rc, 2);
  EXPECT_EQ(run("printf '' | " + ofprint()).rc, 2);
  EXPECT_EQ(ofprint_args("--pcap /nonexistent/file.pcap").rc, 2);
  EXPECT_EQ(ofprint_args("--pcap " + data("ofprint_ovs.pcap") + " 0100000800000001").rc, 2);
  EXPECT_EQ(ofprint_args("--port 6653 0100000800000001").rc, 2);
  EXPECT_EQ(ofprint_args("--pcap " + data("ofprint_ovs.pcap") + " --port 0").rc, 2);
  const Proc help = ofprint_args("--help");
  EXPECT_EQ(help.rc, 0);
  EXPECT_NE(help.out.find("--pcap"), std::string::npos);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
}

// What ofprint prints for a real OVS conversation. The message types agree
// with tshark's OpenFlow dissector (see OvsCaptureAgreesWithTshark).
TEST_F(Ofprint, OvsCapture) {
  const Proc r = ofprint_args("--pcap " + data("ofprint_ovs.pcap"));
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out,
            "127.0.0.1:6653 > 127.0.0.1:34446: OFPT_HELLO (xid=0x1):\n"
            "127.0.0.1:34446 > 127.0.0.1:6653: OFPT_HELLO (xid=0x1):\n"
            "127.0.0.1:34446 > 127.0.0.1:6653: OFPT_ECHO_REQUEST (xid=0x0): 0 bytes of payload\n"
            "127.0.0.1:6653 > 127.0.0.1:34446: OFPT_FEATURES_REQUEST (xid=0x2):\n"
            "127.0.0.1:6653 > 127.0.0.1:34446: OFPT_SET_CONFIG (xid=0x3): frags=normal miss_send_len=128\n"
            "127.0.0.1:6653 > 127.0.0.1:34446: OFPT_ECHO_REPLY (xid=0x0): 0 bytes of payload\n"
            "127.0.0.1:34456 > 127.0.0.1:6653: OFPT_HELLO (xid=0x1):\n"
            "127.0.0.1:6653 > 127.0.0.1:34456: OFPT_HELLO (xid=0x4):\n"
            "127.0.0.1:6653 > 127.0.0.1:34456: OFPT_FEATURES_REQUEST (xid=0x5):\n"
            "127.0.0.1:6653 > 127.0.0.1:34456: OFPT_SET_CONFIG (xid=0x6): frags=normal miss_send_len=128\n"
            "127.0.0.1:34456 > 127.0.0.1:6653: OFPST_DESC request (xid=0x2):\n"
            "127.0.0.1:34466 > 127.0.0.1:6653: OFPT_HELLO (xid=0x1):\n"
            "127.0.0.1:6653 > 127.0.0.1:34466: OFPT_HELLO (xid=0x7):\n"
            "127.0.0.1:6653 > 127.0.0.1:34466: OFPT_FEATURES_REQUEST (xid=0x8):\n"
            "127.0.0.1:6653 > 127.0.0.1:34466: OFPT_SET_CONFIG (xid=0x9): frags=normal miss_send_len=128\n"
            "127.0.0.1:34466 > 127.0.0.1:6653: OFPT_VENDOR (xid=0x2): vendor=0x00002320 8 bytes of data\n"
            "00000000  00 00 00 0c 00 00 00 02-                        |........        |\n"
            "127.0.0.1:34466 > 127.0.0.1:6653: OFPT_BARRIER_REQUEST (xid=0x3):\n"
            "127.0.0.1:6653 > 127.0.0.1:34470: OFPT_HELLO (xid=0xa):\n"
            "127.0.0.1:34470 > 127.0.0.1:6653: OFPT_HELLO (xid=0x1):\n"
            "127.0.0.1:6653 > 127.0.0.1:34470: OFPT_FEATURES_REQUEST (xid=0xb):\n"
            "127.0.0.1:34470 > 127.0.0.1:6653: OFPST_PORT request (xid=0x2): port_no=ANY\n"
            "127.0.0.1:6653 > 127.0.0.1:34470: OFPT_SET_CONFIG (xid=0xc): frags=normal miss_send_len=128\n");
}

TEST_F(Ofprint, OvsCaptureAsJsonRoundTrips) {
  const Proc r = ofprint_args("--json --pcap " + data("ofprint_ovs.pcap"));
  EXPECT_EQ(r.rc, 0);
  const auto l = lines(r.out);
  ASSERT_EQ(l.size(), 22u);
  for (const std::string& line : l) {
    Json j = Json::parse(line);
    EXPECT_TRUE(j.contains("conn")) << line;
    j.erase("conn");
    auto m = message_from_json(j);
    ASSERT_TRUE(m.has_value()) << line << ": " << m.error();
    EXPECT_EQ(to_json(*m), j);
  }
}

TEST_F(Ofprint, OvsCaptureAgreesWithTshark) {
  if (run("tshark --version >/dev/null").rc != 0) GTEST_SKIP() << "tshark not installed";
  const Proc t =
      run("tshark -r " + data("ofprint_ovs.pcap") + " -Y openflow_v1 -T fields -e openflow_1_0.type");
  const Proc o = ofprint_args("--json --pcap " + data("ofprint_ovs.pcap"));
  std::vector<std::string> tshark_types = lines(t.out);
  std::vector<std::string> our_types;
  for (const std::string& line : lines(o.out)) {
    const Json j = Json::parse(line);
    our_types.push_back(
        std::to_string(static_cast<int>(*of::msg_type_from_name(j["type"].get<std::string>()))));
  }
  // tshark prints one line per frame, types of coalesced messages comma-separated.
  std::vector<std::string> flat;
  for (const std::string& l : tshark_types) {
    std::istringstream in(l);
    for (std::string t; std::getline(in, t, ',');) flat.push_back(t);
  }
  EXPECT_EQ(flat, our_types);
}

TEST_F(Ofprint, ReassemblesOutOfOrderRetransmittedAndOverlappingSegments) {
  const Proc r = ofprint_args("--pcap " + data("ofprint_reassembly.pcap"));
  EXPECT_EQ(r.rc, 1);  // the capture holds two bad messages
  EXPECT_EQ(
      r.out,
      "10.0.0.2:6653 > 10.0.0.1:40000: OFPT_HELLO (xid=0x2):\n"
      "10.0.0.2:6653 > 10.0.0.1:40000: OFPT_FEATURES_REQUEST (xid=0x3):\n"
      "10.0.0.1:40000 > 10.0.0.2:6653: OFPT_HELLO (xid=0x1):\n"
      "10.0.0.2:6653 > 10.0.0.1:40000: OFPT_FLOW_MOD (xid=0x4): ADD in_port=1 idle:10 send_flow_rem "
      "actions=output:2\n"
      "10.0.0.2:6653 > 10.0.0.1:40000: error: OFPET_BAD_REQUEST/OFPBRC_BAD_LEN (OFPT_FEATURES_REQUEST "
      "xid=0x5 "
      "length=12, 12 bytes)\n"
      "00000000  01 05 00 0c 00 00 00 05-00 00 00 00             |............    |\n"
      "10.0.0.2:6653 > 10.0.0.1:40000: error: OFPET_BAD_REQUEST/OFPBRC_BAD_VERSION (OFPT_BARRIER_REQUEST "
      "xid=0x6 "
      "length=8, 8 bytes)\n"
      "00000000  02 12 00 08 00 00 00 06-                        |........        |\n"
      "10.0.0.1:40000 > 10.0.0.2:6653: OFPT_FEATURES_REPLY (xid=0x3): dpid:0000000000000001\n"
      "n_tables:1, n_buffers:256\n"
      "capabilities: FLOW_STATS TABLE_STATS PORT_STATS ARP_MATCH_IP\n"
      "actions: OUTPUT SET_VLAN_VID SET_VLAN_PCP STRIP_VLAN SET_DL_SRC SET_DL_DST SET_NW_SRC SET_NW_DST "
      "SET_NW_TOS SET_TP_SRC SET_TP_DST ENQUEUE\n"
      " 1(eth1): addr:0a:00:00:00:00:01\n"
      "     config:     0\n"
      "     state:      0\n"
      "     current:    1GB-FD COPPER\n"
      "     supported:  1GB-FD COPPER\n"
      "10.0.0.1:40000 > 10.0.0.2:6653: OFPT_PACKET_IN (xid=0x0): total_len=60 in_port=1 (via no_match) "
      "data_len=14 buffer=0x00000100\n"
      "arp,in_port=1,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=0a:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,"
      "arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_op=0,nw_tos=0,tp_src=0,tp_dst=0 (truncated)\n"
      "[2001:db8::1]:40002 > [2001:db8::2]:6633: OFPT_HELLO (xid=0x1):\n"
      "[2001:db8::1]:40002 > [2001:db8::2]:6633: OFPT_ECHO_REQUEST (xid=0x7): 4 bytes of payload\n"
      "00000000  61 62 63 64                                     |abcd            |\n");
}

TEST_F(Ofprint, PortOptionSelectsConnections) {
  const Proc r = ofprint_args("--pcap " + data("ofprint_reassembly.pcap") + " --port 6633 --json");
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(
      r.out,
      "{\"type\":\"HELLO\",\"xid\":1,\"msg\":{\"body\":\"\"},\"conn\":\"[2001:db8::1]:40002 > "
      "[2001:db8::2]:6633\"}\n"
      "{\"type\":\"ECHO_REQUEST\",\"xid\":7,\"msg\":{\"data\":\"61626364\"},\"conn\":\"[2001:db8::1]:40002 > "
      "[2001:db8::2]:6633\"}\n");
  const Proc none = ofprint_args("--pcap " + data("ofprint_reassembly.pcap") + " --port 9999");
  EXPECT_EQ(none.rc, 0);
  EXPECT_EQ(none.out, "");
}

}  // namespace
}  // namespace ofkit::text
