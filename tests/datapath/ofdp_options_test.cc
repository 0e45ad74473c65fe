// ofdp's command line and config file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "datapath/options.h"

namespace ofkit::dp {
namespace {

ParseOutcome parse(std::vector<std::string> words, OfdpOptions* o) {
  words.insert(words.begin(), "ofdp");
  return parse_ofdp_options(words, o);
}

TEST(OfdpOptions, FilePortsAndDefaults) {
  OfdpOptions o;
  auto r = parse({"--port=file:in.pcap,out=out.pcap", "--listen=ptcp:6634"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  ASSERT_EQ(o.ports.size(), 1u);
  EXPECT_EQ(o.ports[0], "file:in.pcap,out=out.pcap");
  EXPECT_FALSE(o.eal_devices);
  EXPECT_TRUE(o.controllers.empty());
  ASSERT_EQ(o.listens.size(), 1u);
  EXPECT_EQ(o.listens[0].port, 6634);
  EXPECT_EQ(o.fail_mode, FailMode::kSecure);
  EXPECT_EQ(o.workers, 1u);
  EXPECT_EQ(o.miss_send_len, 128);
  EXPECT_EQ(o.packet_in_rate, 10000u);
  EXPECT_EQ(o.packet_in_ring, 1024u);
  EXPECT_FALSE(o.exit_on_eof);
  EXPECT_FALSE(o.datapath_id);
}

TEST(OfdpOptions, PacketInRateAndRing) {
  OfdpOptions o;
  auto r = parse({"--port=file:a.pcap", "--packet-in-rate=0", "--packet-in-ring=4096"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(o.packet_in_rate, 0u);  // unlimited
  EXPECT_EQ(o.packet_in_ring, 4096u);
  r = parse({"--port=file:a.pcap", "--packet-in-rate=250000"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(o.packet_in_rate, 250000u);
}

TEST(OfdpOptions, LocalPort) {
  OfdpOptions o;
  ASSERT_EQ(parse({"--port=file:in.pcap"}, &o).status, ParseStatus::kRun);
  EXPECT_EQ(o.local_port, "sink:");
  EXPECT_EQ(o.local_port_name, "ofdp0");
  ASSERT_EQ(
      parse({"--port=file:in.pcap", "--local-port=file:,out=local.pcap", "--local-port-name=br0"}, &o).status,
      ParseStatus::kRun);
  EXPECT_EQ(o.local_port, "file:,out=local.pcap");
  EXPECT_EQ(o.local_port_name, "br0");
  ASSERT_EQ(parse({"--port=file:in.pcap", "--local-port=none"}, &o).status, ParseStatus::kRun);
  EXPECT_EQ(o.local_port, "");
  EXPECT_EQ(parse({"--port=file:in.pcap", "--local-port-name=a-name-far-too-long"}, &o).status,
            ParseStatus::kError);
}

TEST(OfdpOptions, EveryOption) {
  OfdpOptions o;
  auto r = parse({"--port", "pcap:eth0", "--port=file:a.pcap", "--datapath-id=0x1f",
                  "--controller=tcp:127.0.0.1:6653", "--controller=unix:/tmp/c.sock",
                  "--listen=ptcp:0:127.0.0.1", "--listen=punix:/tmp/m.sock", "--fail-mode=standalone",
                  "--workers=2", "--miss-send-len=256", "--flow-capacity=1000", "--exit-on-eof",
                  "--control-socket=/tmp/ofdp.ctl", "--probe-interval=0.5", "--max-backoff=2", "--log=debug"},
                 &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(o.ports.size(), 2u);
  EXPECT_EQ(*o.datapath_id, 0x1fu);
  ASSERT_EQ(o.controllers.size(), 2u);
  EXPECT_EQ(o.controllers[0].kind, Target::Kind::kTcp);
  EXPECT_EQ(o.controllers[1].kind, Target::Kind::kUnix);
  EXPECT_EQ(o.listens.size(), 2u);
  EXPECT_EQ(o.fail_mode, FailMode::kStandalone);
  EXPECT_EQ(o.workers, 2u);
  EXPECT_EQ(o.miss_send_len, 256);
  EXPECT_EQ(o.flow_capacity, 1000u);
  EXPECT_TRUE(o.exit_on_eof);
  EXPECT_EQ(o.control_socket, "/tmp/ofdp.ctl");
  EXPECT_EQ(o.probe_interval, Duration(500));
  EXPECT_EQ(o.max_backoff, Duration(2000));
  EXPECT_EQ(o.log_level, "debug");
}

TEST(OfdpOptions, EalShortAndFullForms) {
  OfdpOptions o;
  auto r = parse({"--vdev=net_pcap0,rx_pcap=a.pcap,tx_pcap=b.pcap", "--listen=ptcp:6634"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_TRUE(o.eal_devices);
  EXPECT_NE(std::find(o.eal_args.begin(), o.eal_args.end(), "--no-huge"), o.eal_args.end());
  EXPECT_EQ(o.listens.size(), 1u);

  OfdpOptions f;
  r = parse({"-l", "0-1", "--no-huge", "--vdev=net_ring0", "--", "--controller=tcp:127.0.0.1:6653"}, &f);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_TRUE(f.eal_devices);
  EXPECT_EQ(f.eal_args, (std::vector<std::string>{"ofdp", "-l", "0-1", "--no-huge", "--vdev=net_ring0"}));
  EXPECT_EQ(f.controllers.size(), 1u);
}

TEST(OfdpOptions, LocalControllerWithAppOptions) {
  OfdpOptions o;
  auto r = parse({"--port=file:a.pcap", "--controller=local", "--app=l2_learning", "--idle-timeout=5",
                  "--hold-down", "--workers=2", "--app", "topology", "--x=1"},
                 &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_TRUE(o.has_local_controller());
  EXPECT_EQ(o.app_args, (std::vector<std::string>{"l2_learning", "--idle-timeout=5", "--hold-down",
                                                  "topology", "--x=1"}));
  EXPECT_EQ(o.workers, 2u);  // an ofdp option ends the app's words
}

TEST(OfdpOptions, BadArgumentsAreErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--port=file:a.pcap", "--controller=ssl:x"},
      {"--port=file:a.pcap", "--listen=tcp:1:2"},
      {"--port=file:a.pcap", "--fail-mode=open"},
      {"--port=file:a.pcap", "--workers=0"},
      {"--port=file:a.pcap", "--workers=abc"},
      {"--port=file:a.pcap", "--miss-send-len=70000"},
      {"--port=file:a.pcap", "--datapath-id=0xzz"},
      {"--port=file:a.pcap", "--no-such-option"},
      {"--port=file:a.pcap", "stray"},
      {"--port=file:a.pcap", "--controller=local"},
      {"--port=file:a.pcap", "--app=l2_learning"},
      {"--port=file:a.pcap", "--controller=none", "--controller=tcp:1.2.3.4"},
      {"--port=file:a.pcap", "--config=/nonexistent/ofdp.toml"},
      {"--port=file:a.pcap", "--log=loud"},
      {"--port=file:a.pcap", "--paused"},
      {"--port=file:a.pcap", "--packet-in-rate=-1"},
      {"--port=file:a.pcap", "--packet-in-rate=fast"},
      {"--port=file:a.pcap", "--packet-in-ring=1000"},
      {"--port=file:a.pcap", "--packet-in-ring=8"},
      {"--port=file:a.pcap", "--packet-in-ring=131072"},
      {"--ctl=/tmp/x"},
      {},
  };
  for (const auto& words : bad) {
    OfdpOptions o;
    auto r = parse(words, &o);
    EXPECT_EQ(r.status, ParseStatus::kError) << (words.empty() ? "" : words.back());
    EXPECT_FALSE(r.message.empty());
  }
}

TEST(OfdpOptions, Help) {
  OfdpOptions o;
  auto r = parse({"--help"}, &o);
  EXPECT_EQ(r.status, ParseStatus::kHelp);
  EXPECT_NE(r.message.find("--controller"), std::string::npos);
  EXPECT_NE(r.message.find("--exit-on-eof"), std::string::npos);
  EXPECT_NE(r.message.find("--packet-in-rate"), std::string::npos);
  EXPECT_NE(r.message.find("--packet-in-ring"), std::string::npos);
}

TEST(OfdpOptions, CtlClientMode) {
  OfdpOptions o;
  auto r = parse({"--ctl=/tmp/ofdp.ctl", "dump-flows"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(o.ctl_path, "/tmp/ofdp.ctl");
  EXPECT_EQ(o.ctl_command, (std::vector<std::string>{"dump-flows"}));
}

TEST(OfdpOptions, DatapathIdForms) {
  EXPECT_EQ(parse_datapath_id("0x1f"), 0x1fu);
  EXPECT_EQ(parse_datapath_id("00000000000000ff"), 0xffu);
  EXPECT_EQ(parse_datapath_id("42"), 42u);
  EXPECT_EQ(parse_datapath_id("0xffffffffffffffff"), 0xffffffffffffffffull);
  EXPECT_FALSE(parse_datapath_id(""));
  EXPECT_FALSE(parse_datapath_id("0x"));
  EXPECT_FALSE(parse_datapath_id("0x1ffffffffffffffff"));
  EXPECT_FALSE(parse_datapath_id("12a"));
}

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ofdp_options_testXXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  std::string path_;
};

TEST_F(ConfigFile, ValuesAndCommandLineOverrides) {
  write(R"(# ofdp test config
datapath-id = "0x0000000000000abc"
port = ["file:in.pcap,out=out.pcap"]
controller = "tcp:127.0.0.1:6653"
listen = ["ptcp:6634", "punix:/tmp/ofdp.mgmt"]
fail-mode = "standalone"
workers = 2
miss-send-len = 64
flow-capacity = 500
packet-in-rate = 0
packet-in-ring = 2048
exit-on-eof = true
paused = true
control-socket = "/tmp/ofdp.ctl"
probe-interval = 2.5
max-backoff = 4
)");
  OfdpOptions o;
  auto r = parse({"--config=" + path_, "--workers=3", "--controller=unix:/tmp/c"}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(*o.datapath_id, 0xabcu);
  EXPECT_EQ(o.ports, (std::vector<std::string>{"file:in.pcap,out=out.pcap"}));
  ASSERT_EQ(o.controllers.size(), 1u);
  EXPECT_EQ(o.controllers[0].kind, Target::Kind::kUnix);  // the command line replaces the list
  EXPECT_EQ(o.listens.size(), 2u);
  EXPECT_EQ(o.fail_mode, FailMode::kStandalone);
  EXPECT_EQ(o.workers, 3u);
  EXPECT_EQ(o.miss_send_len, 64);
  EXPECT_EQ(o.flow_capacity, 500u);
  EXPECT_EQ(o.packet_in_rate, 0u);
  EXPECT_EQ(o.packet_in_ring, 2048u);
  EXPECT_TRUE(o.exit_on_eof);
  EXPECT_TRUE(o.paused);
  EXPECT_EQ(o.probe_interval, Duration(2500));
  EXPECT_EQ(o.max_backoff, Duration(4000));
}

TEST_F(ConfigFile, LocalAppAndEal) {
  write(R"(controller = "local"
app = ["l2_learning", "--idle-timeout=3"]
eal = ["--vdev=net_pcap0,rx_pcap=a.pcap,tx_pcap=b.pcap"]
)");
  OfdpOptions o;
  auto r = parse({"--config", path_}, &o);
  ASSERT_EQ(r.status, ParseStatus::kRun) << r.message;
  EXPECT_EQ(o.app_args, (std::vector<std::string>{"l2_learning", "--idle-timeout=3"}));
  EXPECT_TRUE(o.eal_devices);
}

TEST_F(ConfigFile, Errors) {
  write("workers = \"two\"\nport = \"file:a\"\n");
  OfdpOptions o;
  auto r = parse({"--config=" + path_}, &o);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_NE(r.message.find("workers"), std::string::npos);
  write("colour = 1\n");
  r = parse({"--config=" + path_, "--port=file:a"}, &o);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_NE(r.message.find("unknown key 'colour'"), std::string::npos);
  write("port = [\n");
  r = parse({"--config=" + path_}, &o);
  EXPECT_EQ(r.status, ParseStatus::kError);
  EXPECT_NE(r.message.find(path_), std::string::npos);
}

}  // namespace
}  // namespace ofkit::dp

namespace ofkit::dp {
namespace {

// Every example in configs/ is a valid configuration.
TEST(OfdpOptions, ExampleConfigsParse) {
  const char* src = std::getenv("OFKIT_SOURCE_DIR");
  if (!src) GTEST_SKIP() << "OFKIT_SOURCE_DIR not set";
  for (const char* name : {"ofdp.toml", "ofdp-ovs-ofctl.toml", "ofdp-tcp-controller.toml"}) {
    OfdpOptions o;
    const std::string path = std::string(src) + "/configs/" + name;
    auto r = parse_ofdp_options({"ofdp", "--config=" + path}, &o);
    EXPECT_EQ(r.status, ParseStatus::kRun) << path << ": " << r.message;
    EXPECT_FALSE(o.ports.empty()) << path;
  }
}

}  // namespace
}  // namespace ofkit::dp
