// ofbench's pre-built PacketIns and its command line.
#include "bench/ofbench/packet_ins.h"

#include <gtest/gtest.h>

#include <set>

#include "bench/ofbench/options.h"
#include "oflib/wire/message.h"

namespace ofkit::bench {
namespace {

TEST(PacketIns, HostMacsAreUniqueUnicastAndLocal) {
  std::set<uint64_t> seen;
  for (uint32_t sw : {0u, 1u, 255u, 70000u})
    for (uint32_t h : {0u, 1u, 999u, 65535u}) {
      const MacAddr m = host_mac(sw, h);
      EXPECT_FALSE(m.is_multicast());
      EXPECT_EQ(m.bytes[0] & 0x02, 0x02);
      EXPECT_TRUE(seen.insert(m.to_u64()).second);
    }
  EXPECT_EQ(host_mac(1, 2).to_string(), "02:00:00:01:00:02");
}

TEST(PacketIns, TemplatesAreValidPacketInsWithLearnableAddresses) {
  const PacketInTemplates t = build_packet_ins(3, 10, 4, 40);
  ASSERT_EQ(t.count, 40u);
  ASSERT_EQ(t.msg_len, 78u);
  std::set<uint64_t> sources;
  for (size_t i = 0; i < t.count; ++i) {
    std::span<const uint8_t> m(t.at(i), t.msg_len);
    auto decoded = of::decode(m);
    ASSERT_TRUE(decoded.has_value()) << i;
    const auto& pin = std::get<of::PacketIn>(decoded->msg);
    EXPECT_EQ(pin.total_len, 60u);
    EXPECT_EQ(pin.reason, of::PacketInReason::kNoMatch);
    const MacAddr dst = MacAddr::from_bytes(pin.data.data()), src = MacAddr::from_bytes(pin.data.data() + 6);
    const uint32_t s = static_cast<uint32_t>(src.to_u64() & 0xffff),
                   d = static_cast<uint32_t>(dst.to_u64() & 0xffff);
    EXPECT_EQ(src, host_mac(3, s));
    EXPECT_EQ(dst, host_mac(3, d));
    EXPECT_NE(s, d);
    EXPECT_EQ(pin.in_port, host_port(s, 4));
    EXPECT_NE(host_port(d, 4), pin.in_port) << "destination on another port";
    EXPECT_EQ(load_be16(pin.data.data() + 12), 0x0800);
    sources.insert(src.to_u64());
  }
  EXPECT_EQ(sources.size(), 10u);  // every host is a source
}

TEST(PacketIns, DestinationsVaryAcrossRounds) {
  const PacketInTemplates t = build_packet_ins(0, 50, 1, 500);
  std::set<uint64_t> dsts_of_host0;
  for (size_t i = 0; i < t.count; i += 50) dsts_of_host0.insert(load_be32(t.at(i) + 18 + 2));
  EXPECT_GT(dsts_of_host0.size(), 5u);
}

TEST(PacketIns, StampWritesIdEverywhere) {
  const PacketInTemplates t = build_packet_ins(0, 4, 2, 4);
  std::vector<uint8_t> m(t.at(1), t.at(1) + t.msg_len);
  stamp_packet_in(m.data(), 0x01020304);
  EXPECT_EQ(load_be32(&m[4]), 0x01020304u);
  EXPECT_EQ(load_be32(&m[8]), 0x01020304u);
  EXPECT_EQ(frame_tag(std::span<const uint8_t>(m).subspan(18)), 0x01020304u);
  std::vector<uint8_t> other(60, 0);
  EXPECT_EQ(frame_tag(other), std::nullopt);
  EXPECT_EQ(frame_tag(std::span<const uint8_t>(m).subspan(18, 40)), std::nullopt);
}

TEST(Options, ParsesControllerSpec) {
  std::string host, err;
  uint16_t port = 0;
  EXPECT_TRUE(parse_controller("tcp:127.0.0.1:6653", &host, &port, &err));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 6653);
  EXPECT_TRUE(parse_controller("tcp:localhost:1", &host, &port, &err));
  EXPECT_EQ(host, "localhost");
  for (const char* bad : {"127.0.0.1:6653", "tcp:127.0.0.1", "tcp::6653", "tcp:h:0", "tcp:h:70000",
                          "tcp:h:66x", "ptcp:6653", ""})
    EXPECT_FALSE(parse_controller(bad, &host, &port, &err)) << bad;
}

std::variant<Options, int> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ofbench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, DefaultsAndValues) {
  auto r = parse({"--switches=4", "--macs=10", "--loops=3", "--ms-per-loop=100", "--warmup=0", "-T", "9"});
  ASSERT_TRUE(std::holds_alternative<Options>(r));
  const Options& o = std::get<Options>(r);
  EXPECT_EQ(o.switches, 4u);
  EXPECT_EQ(o.macs, 10u);
  EXPECT_EQ(o.loops, 3u);
  EXPECT_EQ(o.threads, 4u);  // at most one per switch
  EXPECT_EQ(o.mode, Mode::kThroughput);
  EXPECT_EQ(o.effective_window(), 1024u);
  auto l = parse({"--mode=latency"});
  ASSERT_TRUE(std::holds_alternative<Options>(l));
  EXPECT_EQ(std::get<Options>(l).effective_window(), 1u);
}

TEST(Options, BadCommandLinesExitWith2) {
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  EXPECT_EQ(std::get<int>(parse({"--switches=0"})), 2);
  EXPECT_EQ(std::get<int>(parse({"--mode=fast"})), 2);
  EXPECT_EQ(std::get<int>(parse({"--controller=6653"})), 2);
  EXPECT_EQ(std::get<int>(parse({"--no-such-option"})), 2);
  EXPECT_EQ(std::get<int>(parse({"--help"})), 0);
  testing::internal::GetCapturedStderr();
  testing::internal::GetCapturedStdout();
}

}  // namespace
}  // namespace ofkit::bench
