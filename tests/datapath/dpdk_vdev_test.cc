// DPDK vdev ports through the whole datapath (its own binary: the EAL can be
// initialised only once per process): net_pcap reading a trace and writing
// what leaves, net_ring looping a packet_out back in, net_null as a sink.
// Runs with --no-huge --no-pci --no-shconf (--in-memory is refused with
// --no-huge by DPDK 22.11: it implies legacy memory); needs root.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "datapath/ports/dpdk.h"
#include "pcap/trace_file.h"
#include "tests/datapath/dp_frames.h"

namespace ofkit::dp {
namespace {

using namespace ofkit::dp::testing;
namespace wc = of::wildcards;

of::Match in_port(uint16_t p) {
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = p;
  return m;
}

TEST(DpdkVdev, PcapRingAndNullPortsForward) {
  if (geteuid() != 0) GTEST_SKIP() << "DPDK EAL needs root";
  char tmpl[] = "/tmp/ofdp-dpdk-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string in = dir + "/in.pcap", out = dir + "/out.pcap";
  std::vector<Bytes> sent;
  {
    std::string err;
    auto w = pcap::TraceWriter::create(in, &err);
    ASSERT_TRUE(w) << err;
    for (int i = 0; i < 20; ++i) {
      sent.push_back(udp_frame(0x1, 0x2, 0x0a000001, 0x0a000002, static_cast<uint16_t>(2000 + i), 53));
      w->write(sent.back(), 1000 * i);
    }
  }
  std::string err;
  ASSERT_TRUE(dpdk_init(
      {"dpdk_vdev_test", "--no-huge", "--no-pci", "--no-shconf", "-m", "512", "-l", "0", "--log-level=error",
       "--vdev=net_pcap0,rx_pcap=" + in + ",tx_pcap=" + out, "--vdev=net_ring0", "--vdev=net_null0"},
      &err))
      << err;
  EXPECT_EQ(dpdk_port_specs().size(), 3u);
  {
    DatapathConfig cfg;
    cfg.ports = {"dpdk:net_pcap0,eof", "dpdk:net_ring0", "dpdk:net_null0"};
    cfg.workers = 1;
    auto dp = Datapath::create(cfg, &err);
    ASSERT_TRUE(dp) << err;
    EXPECT_EQ(dp->features().ports[1].name, "net_ring0");
    auto flow = [&](uint16_t port, of::ActionList actions) {
      FlowModRequest f;
      f.match = in_port(port);
      f.actions = std::move(actions);
      ASSERT_TRUE(dp->flow_mod(f));
    };
    // trace -> rewrite -> back out the pcap port and into the ring; the ring
    // (TX queue i loops to RX queue i) -> the null port; null's own RX -> drop.
    flow(1, {of::ActionSetTpDst{8080}, of::ActionOutput{of::port::kInPort, 0}, of::ActionOutput{2, 0}});
    flow(2, {of::ActionOutput{3, 0}});
    flow(3, {});
    dp->start();
    for (int i = 0; i < 10000 && dp->port_stats(3)[0].tx_packets < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // packet_out from the control thread shares net_pcap0's single TX queue.
    PacketOutRequest po;
    po.actions = {of::ActionOutput{1, 0}};
    po.data = udp_frame(0x7, 0x8);
    ASSERT_TRUE(dp->packet_out(po));
    for (int i = 0; i < 3000 && !dp->port(1)->input_exhausted(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    dp->stop();
    EXPECT_EQ(dp->port_stats(1)[0].rx_packets, 20u);
    EXPECT_EQ(dp->port_stats(1)[0].tx_packets, 21u);
    EXPECT_EQ(dp->port_stats(2)[0].tx_packets, 20u);
    EXPECT_EQ(dp->port_stats(2)[0].rx_packets, 20u) << dp->counters_text();
    EXPECT_EQ(dp->port_stats(3)[0].tx_packets, 20u);
    EXPECT_TRUE(dp->port(1)->input_exhausted());
  }  // closing net_pcap0 writes out.pcap
  std::vector<Bytes> got;
  {
    auto r = pcap::TraceReader::open(out, &err);
    ASSERT_TRUE(r) << err;
    pcap::TraceFrame f;
    while (r->next(&f) == pcap::ReadStatus::kFrame) got.emplace_back(f.data.begin(), f.data.end());
  }
  ASSERT_EQ(got.size(), 21u);
  size_t rewritten = 0;
  for (const Bytes& g : got) {
    for (int i = 0; i < 20; ++i) {
      if (g == udp_frame(0x1, 0x2, 0x0a000001, 0x0a000002, static_cast<uint16_t>(2000 + i), 8080))
        ++rewritten;
    }
  }
  EXPECT_EQ(rewritten, 20u);
  EXPECT_NE(std::find(got.begin(), got.end(), udp_frame(0x7, 0x8)), got.end());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ofkit::dp
