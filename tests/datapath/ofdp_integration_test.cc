// ofdp as a process: malformed OpenFlow on the management listener,
// controller channels (tcp, unix, reconnect with back-off), --exit-on-eof
// waiting for the controller's answers, fail-mode standalone, the in-process
// controller and ofctl-run l2_learning replaying a trace, the control
// socket, signals and the command line's exit codes.
#include <gtest/gtest.h>

#include <thread>

#include "oflib/packet/builder.h"
#include "tests/datapath/ofdp_harness.h"
#include "tests/datapath/ofdp_peer.h"

namespace ofkit::dp {
namespace {

using testing::OfdpProcess;
using testing::OfPeer;
using testing::PeerListener;
using testing::TempDir;

std::vector<uint8_t> eth_frame(uint64_t src, uint64_t dst, uint8_t tag, size_t len = 64) {
  std::vector<uint8_t> f(len, tag);
  const MacAddr d = MacAddr::from_u64(dst), s = MacAddr::from_u64(src);
  std::copy(d.bytes.begin(), d.bytes.end(), f.begin());
  std::copy(s.bytes.begin(), s.bytes.end(), f.begin() + 6);
  store_be16(&f[12], 0x88b5);
  return f;
}

std::string build_dir() {
  const char* b = std::getenv("OFKIT_BUILD_DIR");
  return b ? b : ".";
}

class OfdpIntegration : public ::testing::Test {
 protected:
  std::string in(int port) const { return dir_ / ("in" + std::to_string(port) + ".pcap"); }
  std::string out(int port) const { return dir_ / ("out" + std::to_string(port) + ".pcap"); }
  std::vector<std::string> file_ports(int n, int with_input = 1) const {
    std::vector<std::string> v;
    for (int p = 1; p <= n; ++p)
      v.push_back("--port=file:" + (p <= with_input ? in(p) : std::string()) + ",out=" + out(p));
    return v;
  }
  void start(std::vector<std::string> args) {
    args.push_back("--control-socket=" + (dir_ / "ctl.sock"));
    ofdp_ = std::make_unique<OfdpProcess>(args, dir_ / "ofdp.log");
  }
  std::string ctl(const std::string& cmd) {
    std::string answer;
    EXPECT_TRUE(testing::ctl_request(dir_ / "ctl.sock", cmd, &answer)) << ofdp_->log();
    return answer;
  }
  // Opens a management connection to ofdp's ptcp listener and says HELLO.
  std::unique_ptr<OfPeer> manage() {
    const int port = testing::listen_port_from_show(ctl("show"));
    EXPECT_GT(port, 0);
    auto peer = OfPeer::connect_tcp(port);
    EXPECT_TRUE(peer);
    if (!peer) return nullptr;
    auto hello = peer->recv();
    EXPECT_TRUE(hello && hello->header.type == of::MsgType::kHello && hello->header.version == 1);
    peer->send(of::Hello{}, 1);
    return peer;
  }
  // Acts as the controller's side of the handshake; returns after the
  // FEATURES_REPLY and the echo that follows it were answered.
  void handshake(OfPeer& c) {
    auto hello = c.recv();
    ASSERT_TRUE(hello) << ofdp_->log();
    EXPECT_EQ(hello->header.type, of::MsgType::kHello);
    c.send(of::Hello{}, 1);
    c.send(of::FeaturesRequest{}, 2);
    auto fr = c.recv_type(of::MsgType::kFeaturesReply);
    ASSERT_TRUE(fr) << ofdp_->log();
    EXPECT_EQ(fr->header.xid, 2u);
    auto echo = c.recv_type(of::MsgType::kEchoRequest);
    ASSERT_TRUE(echo);
    c.send(of::EchoReply{}, echo->header.xid);
  }

  TempDir dir_;
  std::unique_ptr<OfdpProcess> ofdp_;
};

void expect_error(OfPeer& p, of::Ofperr err, uint32_t xid, const std::vector<uint8_t>& offending) {
  auto m = p.recv_type(of::MsgType::kError);
  ASSERT_TRUE(m) << "no error for " << of::ofperr_name(err);
  EXPECT_EQ(m->header.xid, xid);
  const auto& e = std::get<of::ErrorMsg>(m->msg);
  EXPECT_EQ(e.type, of::ofperr_type(err)) << of::ofperr_name(err);
  EXPECT_EQ(e.code, of::ofperr_code(err)) << of::ofperr_name(err);
  const size_t n = std::min<size_t>(offending.size(), 64);
  EXPECT_EQ(e.data, std::vector<uint8_t>(offending.begin(), offending.begin() + static_cast<ptrdiff_t>(n)));
}

TEST_F(OfdpIntegration, MalformedOpenFlowDrawsTheRightErrorAndForwardingGoesOn) {
  const auto f1 = eth_frame(0x01, 0x02, 0xa1), f2 = eth_frame(0x01, 0x02, 0xa2);
  ASSERT_TRUE(testing::write_trace(in(1), {f1, f2}));
  auto args = file_ports(2);
  args.insert(args.end(), {"--listen=ptcp:0:127.0.0.1", "--paused", "--exit-on-eof"});
  start(args);
  auto p = manage();
  ASSERT_TRUE(p);

  of::FlowMod fm;
  fm.match.wildcards = of::wildcards::kAll & ~of::wildcards::kInPort;
  fm.match.key.in_port = 1;
  fm.actions = {of::ActionOutput{2, 0}};
  // An action of length 12 (not a multiple of 8).
  auto bad_action = of::encode_message(fm, 10);
  bad_action[of::kFlowModLen + 3] = 12;
  bad_action.insert(bad_action.end(), {0, 0, 0, 0});
  store_be16(&bad_action[2], static_cast<uint16_t>(bad_action.size()));
  p->send_raw(bad_action);
  expect_error(*p, of::Ofperr::kBadActionBadLen, 10, bad_action);
  // An unknown command.
  auto bad_cmd = of::encode_message(fm, 11);
  store_be16(&bad_cmd[56], 9);
  p->send_raw(bad_cmd);
  expect_error(*p, of::Ofperr::kFlowModFailedBadCommand, 11, bad_cmd);
  // Output to a port that does not exist.
  of::FlowMod bad_port = fm;
  bad_port.actions = {of::ActionOutput{77, 0}};
  const auto bp = of::encode_message(bad_port, 12);
  p->send_raw(bp);
  expect_error(*p, of::Ofperr::kBadActionBadOutPort, 12, bp);
  // Unknown message type, wrong version, wrong fixed length, unknown stats type, vendor.
  const std::vector<uint8_t> bad_type = {0x01, 0x63, 0x00, 0x08, 0, 0, 0, 13};
  p->send_raw(bad_type);
  expect_error(*p, of::Ofperr::kBadRequestBadType, 13, bad_type);
  auto v3 = of::encode_message(of::EchoRequest{}, 14);
  v3[0] = 0x03;
  p->send_raw(v3);
  expect_error(*p, of::Ofperr::kBadRequestBadVersion, 14, v3);
  const std::vector<uint8_t> long_barrier = {0x01, 18, 0x00, 0x0c, 0, 0, 0, 15, 1, 2, 3, 4};
  p->send_raw(long_barrier);
  expect_error(*p, of::Ofperr::kBadRequestBadLen, 15, long_barrier);
  const std::vector<uint8_t> bad_stat = {0x01, 16, 0x00, 0x0c, 0, 0, 0, 16, 0x00, 0x09, 0, 0};
  p->send_raw(bad_stat);
  expect_error(*p, of::Ofperr::kBadRequestBadStat, 16, bad_stat);
  const auto vendor = of::encode_message(of::Vendor{0x00002320, {1, 2, 3, 4}}, 17);
  p->send_raw(vendor);
  expect_error(*p, of::Ofperr::kBadRequestBadVendor, 17, vendor);

  // The same connection still works: install a flow, barrier, echo.
  p->send(fm, 20);
  p->send(of::BarrierRequest{}, 21);
  auto br = p->recv_type(of::MsgType::kBarrierReply);
  ASSERT_TRUE(br) << ofdp_->log();
  EXPECT_EQ(br->header.xid, 21u);
  p->send(of::EchoRequest{{7}}, 22);
  auto er = p->recv_type(of::MsgType::kEchoReply);
  ASSERT_TRUE(er);
  EXPECT_EQ(er->header.xid, 22u);

  // A length field below 8 cannot be resynchronised: BAD_LEN, then the connection closes.
  p->send_raw(std::vector<uint8_t>{0x01, 2, 0x00, 0x04, 0, 0, 0, 23});
  auto e = p->recv_type(of::MsgType::kError);
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<of::ErrorMsg>(e->msg).code, of::ofperr_code(of::Ofperr::kBadRequestBadLen));
  EXPECT_TRUE(p->closed_by_peer());

  // Forwarding goes on with the flow installed through that connection.
  ctl("resume");
  EXPECT_EQ(ofdp_->wait_exit(20), 0) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(2)), (std::vector<std::vector<uint8_t>>{f1, f2}));
}

TEST_F(OfdpIntegration, TcpControllerHandshakeAndReconnectWithBackoff) {
  auto listener = PeerListener::tcp();
  ASSERT_TRUE(listener);
  auto args = file_ports(2, 0);
  args.insert(args.end(), {"--controller=tcp:127.0.0.1:" + std::to_string(listener->port()),
                           "--max-backoff=0.5", "--datapath-id=0x1234"});
  start(args);
  {
    auto c = listener->accept_peer();
    ASSERT_TRUE(c) << ofdp_->log();
    auto hello = c->recv();
    ASSERT_TRUE(hello);
    c->send(of::Hello{}, 1);
    c->send(of::FeaturesRequest{}, 2);
    auto fr = c->recv_type(of::MsgType::kFeaturesReply);
    ASSERT_TRUE(fr);
    EXPECT_EQ(std::get<of::FeaturesReply>(fr->msg).datapath_id, 0x1234u);
    const auto& ports = std::get<of::FeaturesReply>(fr->msg).ports;
    ASSERT_EQ(ports.size(), 3u);
    EXPECT_EQ(ports[2].port_no, of::port::kLocal);
    EXPECT_NE(ctl("show").find("tcp:127.0.0.1:" + std::to_string(listener->port()) + ": connected"),
              std::string::npos);
  }  // the controller goes away
  // ofdp comes back (back-off starts at 0.5 s here).
  auto c2 = listener->accept_peer(10000);
  ASSERT_TRUE(c2) << ofdp_->log();
  auto hello = c2->recv();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->header.type, of::MsgType::kHello);
  c2->send(of::Hello{}, 1);
  // ECHO both ways on the controller channel.
  c2->send(of::EchoRequest{{1, 2}}, 9);
  auto er = c2->recv_type(of::MsgType::kEchoReply);
  ASSERT_TRUE(er);
  EXPECT_EQ(er->header.xid, 9u);
  ofdp_->signal(SIGTERM);
  EXPECT_EQ(ofdp_->wait_exit(10), 0) << ofdp_->log();
  EXPECT_NE(ofdp_->log().find("retrying in"), std::string::npos);
}

TEST_F(OfdpIntegration, EchoKeepaliveProbesAndDropsASilentController) {
  auto listener = PeerListener::unix_socket(dir_ / "controller.sock");
  ASSERT_TRUE(listener);
  auto args = file_ports(1, 0);
  args.insert(args.end(), {"--controller=unix:" + (dir_ / "controller.sock"), "--probe-interval=0.3",
                           "--max-backoff=0.2"});
  start(args);
  auto c = listener->accept_peer();
  ASSERT_TRUE(c) << ofdp_->log();
  ASSERT_TRUE(c->recv());
  c->send(of::Hello{}, 1);
  auto probe = c->recv(5000);  // idle: ofdp probes with ECHO_REQUEST
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->header.type, of::MsgType::kEchoRequest);
  // Never answer: ofdp hangs up after another interval and reconnects.
  EXPECT_TRUE(c->closed_by_peer(5000));
  auto again = listener->accept_peer(10000);
  EXPECT_TRUE(again) << ofdp_->log();
  EXPECT_NE(ofdp_->log().find("inactivity probe"), std::string::npos);
}

TEST_F(OfdpIntegration, ExitOnEofWaitsForTheControllersAnswers) {
  std::vector<std::vector<uint8_t>> frames;
  for (uint8_t i = 0; i < 8; ++i) frames.push_back(eth_frame(0x01, 0x10 + i, i));
  ASSERT_TRUE(testing::write_trace(in(1), frames));
  auto listener = PeerListener::tcp();
  ASSERT_TRUE(listener);
  auto args = file_ports(2);
  args.insert(args.end(),
              {"--controller=tcp:127.0.0.1:" + std::to_string(listener->port()), "--exit-on-eof"});
  start(args);
  auto c = listener->accept_peer();
  ASSERT_TRUE(c) << ofdp_->log();
  handshake(*c);
  // A slow controller: every PACKET_IN is answered with a PACKET_OUT of its
  // buffer to port 2 after a pause; ofdp must not exit before all are applied.
  int packet_ins = 0;
  for (;;) {
    auto m = c->recv(10000);
    if (!m) break;  // ofdp closed the connection on exit
    if (m->header.type == of::MsgType::kPacketIn) {
      ++packet_ins;
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      const auto& pi = std::get<of::PacketIn>(m->msg);
      of::PacketOut po;
      po.buffer_id = pi.buffer_id;
      po.in_port = pi.in_port;
      po.actions = {of::ActionOutput{2, 0}};
      if (pi.buffer_id == of::kNoBuffer) po.data = pi.data;
      c->send(po, m->header.xid);
    } else if (m->header.type == of::MsgType::kEchoRequest) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      c->send(of::EchoReply{std::get<of::EchoRequest>(m->msg).data}, m->header.xid);
    }
  }
  EXPECT_EQ(packet_ins, 8);
  EXPECT_EQ(ofdp_->wait_exit(10), 0) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(2)), frames);
}

TEST_F(OfdpIntegration, StandaloneFailModeActsAsLearningSwitch) {
  const auto a = eth_frame(0x0a, 0x0b, 1), b = eth_frame(0x0a, 0x0c, 2);
  ASSERT_TRUE(testing::write_trace(in(1), {a, b}));
  auto args = file_ports(3);
  args.insert(args.end(), {"--fail-mode=standalone", "--exit-on-eof"});
  start(args);
  EXPECT_EQ(ofdp_->wait_exit(20), 0) << ofdp_->log();
  // Unknown destinations are flooded.
  EXPECT_EQ(testing::read_trace(out(2)), (std::vector<std::vector<uint8_t>>{a, b}));
  EXPECT_EQ(testing::read_trace(out(3)), (std::vector<std::vector<uint8_t>>{a, b}));
  EXPECT_TRUE(testing::read_trace(out(1)).empty());
}

TEST_F(OfdpIntegration, SecureFailModeDropsMisses) {
  ASSERT_TRUE(testing::write_trace(in(1), {eth_frame(0x0a, 0x0b, 1)}));
  auto args = file_ports(2);
  args.insert(args.end(), {"--exit-on-eof"});
  start(args);
  EXPECT_EQ(ofdp_->wait_exit(20), 0) << ofdp_->log();
  EXPECT_TRUE(testing::read_trace(out(2)).empty());
  EXPECT_NE(ofdp_->log().find("packet_ins_dropped_disconnected 1"), std::string::npos) << ofdp_->log();
}

// Two hosts on ports 1 and 2 talking through l2_learning: A's first frame
// is flooded, B's answers reach port 1, and A's later frames go to port 2.
std::vector<std::vector<uint8_t>> host_a_frames() {
  return {eth_frame(0x0a, 0xffffffffffffull, 1), eth_frame(0x0a, 0x0b, 2), eth_frame(0x0a, 0x0b, 3)};
}
std::vector<std::vector<uint8_t>> host_b_frames() {
  return {eth_frame(0x0b, 0x0a, 4), eth_frame(0x0b, 0x0a, 5)};
}

TEST_F(OfdpIntegration, LocalL2LearningReplaysATrace) {
  ASSERT_TRUE(testing::write_trace(in(1), host_a_frames()));
  ASSERT_TRUE(testing::write_trace(in(2), host_b_frames()));
  auto args = file_ports(3, 2);
  args.insert(args.end(), {"--controller=local", "--app=l2_learning", "--exit-on-eof"});
  start(args);
  EXPECT_EQ(ofdp_->wait_exit(20), 0) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(1)), host_b_frames()) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(2)), host_a_frames()) << ofdp_->log();
  // Only the broadcast (and frames to a not-yet-learnt destination) reach port 3.
  const auto o3 = testing::read_trace(out(3));
  ASSERT_FALSE(o3.empty());
  EXPECT_EQ(o3[0], host_a_frames()[0]);
}

TEST_F(OfdpIntegration, OfctlRunL2LearningOverUnixReplaysATrace) {
  const std::string ofctl_run = build_dir() + "/controller/ofctl-run";
  if (access(ofctl_run.c_str(), X_OK) != 0) GTEST_SKIP() << "ofctl-run not built";
  ASSERT_TRUE(testing::write_trace(in(1), host_a_frames()));
  ASSERT_TRUE(testing::write_trace(in(2), host_b_frames()));
  const std::string sock = dir_ / "ofctl.sock";
  // ofctl-run as a child, killed when the test ends.
  pid_t ctl_pid = fork();
  if (ctl_pid == 0) {
    const int fd = open((dir_ / "ofctl-run.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(ofctl_run.c_str(), ofctl_run.c_str(), ("--listen=punix:" + sock).c_str(), "--threads=1",
          "l2_learning", static_cast<char*>(nullptr));
    _exit(127);
  }
  auto args = file_ports(3, 2);
  args.insert(args.end(), {"--controller=unix:" + sock, "--max-backoff=0.2", "--exit-on-eof"});
  start(args);
  const int rc = ofdp_->wait_exit(25);
  kill(ctl_pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(ctl_pid, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(ctl_pid, SIGKILL);
  waitpid(ctl_pid, &status, 0);
  ASSERT_EQ(rc, 0) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(1)), host_b_frames()) << ofdp_->log();
  EXPECT_EQ(testing::read_trace(out(2)), host_a_frames()) << ofdp_->log();
}

TEST_F(OfdpIntegration, ControlSocketSignalsAndCountersAtExit) {
  auto args = file_ports(2, 0);
  args.insert(args.end(), {"--listen=ptcp:0:127.0.0.1"});
  start(args);
  const std::string show = ctl("show");
  EXPECT_NE(show.find("datapath_id:"), std::string::npos) << show;
  EXPECT_NE(show.find("1(file1)"), std::string::npos) << show;
  std::string out;
  EXPECT_EQ(
      testing::run_command({testing::ofdp_binary(), "--ctl=" + (dir_ / "ctl.sock"), "dump-flows"}, &out), 0);
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--ctl=" + (dir_ / "ctl.sock"), "stats"}, &out), 0);
  EXPECT_NE(out.find("agent:"), std::string::npos) << out;
  EXPECT_NE(out.find("port 1"), std::string::npos) << out;
  EXPECT_EQ(
      testing::run_command({testing::ofdp_binary(), "--ctl=" + (dir_ / "ctl.sock"), "frobnicate"}, &out), 1);
  EXPECT_NE(out.find("error: unknown command"), std::string::npos) << out;
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--ctl=" + (dir_ / "nope.sock"), "show"}, &out), 1);

  ofdp_->signal(SIGUSR1);
  for (int i = 0; i < 250 && ofdp_->log().find("agent: messages_rx") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE(ofdp_->log().find("agent: messages_rx"), std::string::npos);
  ofdp_->signal(SIGTERM);
  EXPECT_EQ(ofdp_->wait_exit(10), 0);
  const std::string log = ofdp_->log();
  const size_t first = log.find("agent: messages_rx");
  EXPECT_NE(log.find("agent: messages_rx", first + 1), std::string::npos) << "no counters at exit:\n" << log;
  EXPECT_NE(access((dir_ / "ctl.sock").c_str(), F_OK), 0);  // removed on exit
}

TEST_F(OfdpIntegration, CommandLineExitCodes) {
  std::string out;
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--help"}, &out), 0);
  EXPECT_NE(out.find("--controller"), std::string::npos);
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--port=file:x.pcap", "--bogus"}, &out), 2);
  EXPECT_NE(out.find("--bogus"), std::string::npos) << out;
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--port=file:x.pcap", "--controller=ssl:1"}, &out),
            2);
  EXPECT_EQ(testing::run_command({testing::ofdp_binary()}, &out), 2);
  EXPECT_NE(out.find("no ports"), std::string::npos) << out;
  // A port that cannot be opened is a start-up failure (1), named in the message.
  EXPECT_EQ(testing::run_command({testing::ofdp_binary(), "--port=file:/nonexistent/in.pcap"}, &out), 1);
  EXPECT_NE(out.find("/nonexistent/in.pcap"), std::string::npos) << out;
}

}  // namespace
}  // namespace ofkit::dp
