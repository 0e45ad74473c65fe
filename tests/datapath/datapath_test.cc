// PacketIn buffering (ids, release, expiry, BUFFER_UNKNOWN), packet_out,
// port_mod and port config bits, rate limits, malformed frames, features and
// stats, and workers end to end: memory ports and trace-file ports with
// running worker threads, frames in -> frames out.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "datapath/packet_buffer.h"
#include "pcap/trace_file.h"
#include "tests/datapath/dp_frames.h"

namespace ofkit::dp {
namespace {

using namespace ofkit::dp::testing;
namespace wc = of::wildcards;

// ---- PacketBufferPool ---------------------------------------------------------

TEST(PacketBuffers, StoreTakeOnce) {
  PacketBufferPool pool(4, 1000);
  const Bytes a = {1, 2, 3};
  const uint32_t id = pool.store(a, 7, 0);
  ASSERT_NE(id, of::kNoBuffer);
  EXPECT_EQ(pool.in_use(), 1u);
  auto b = pool.take(id, 10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->data, a);
  EXPECT_EQ(b->in_port, 7);
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_FALSE(pool.take(id, 10));  // released on use
  EXPECT_FALSE(pool.take(of::kNoBuffer, 10));
  EXPECT_FALSE(pool.take(12345, 10));
}

TEST(PacketBuffers, IdsDifferOnReuseOfASlot) {
  PacketBufferPool pool(2, 1000);
  const uint32_t a = pool.store(Bytes{1}, 1, 0);
  ASSERT_TRUE(pool.take(a, 0));
  const uint32_t b = pool.store(Bytes{2}, 1, 0);
  const uint32_t c = pool.store(Bytes{3}, 1, 0);  // the slot of a again
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(b, c);
  EXPECT_FALSE(pool.take(a, 0));  // stale id for a reused slot
  EXPECT_EQ(pool.take(c, 0)->data, Bytes{3});
  EXPECT_EQ(pool.take(b, 0)->data, Bytes{2});
}

TEST(PacketBuffers, FullPoolGivesNoBufferUntilExpiry) {
  PacketBufferPool pool(2, 1000);
  const uint32_t a = pool.store(Bytes{1}, 1, 0);
  pool.store(Bytes{2}, 1, 0);
  EXPECT_EQ(pool.store(Bytes{3}, 1, 500), of::kNoBuffer);
  // Expired buffers are reused, and their old ids are unknown.
  const uint32_t d = pool.store(Bytes{4}, 1, 1000);
  EXPECT_NE(d, of::kNoBuffer);
  EXPECT_FALSE(pool.take(a, 1000));
}

TEST(PacketBuffers, ExpiredBufferIsUnknown) {
  PacketBufferPool pool(4, 1000);
  const uint32_t a = pool.store(Bytes{1}, 1, 0);
  EXPECT_FALSE(pool.take(a, 1000));
  const uint32_t b = pool.store(Bytes{1}, 1, 0);
  pool.expire(5000);
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_FALSE(pool.take(b, 5000));
}

TEST(PacketBuffers, NeverIssuesNoBuffer) {
  PacketBufferPool pool(1, 1);
  for (uint32_t i = 0; i < 100000; ++i) {
    const uint32_t id = pool.store(Bytes{1}, 1, i * 10);
    ASSERT_NE(id, of::kNoBuffer);
    ASSERT_TRUE(pool.take(id, i * 10));
  }
}

// ---- the facade -----------------------------------------------------------------

class DatapathTest : public DatapathFixture {};

TEST_F(DatapathTest, FeaturesDescribePortsAndCapabilities) {
  const Features f = dp->features();
  EXPECT_EQ(f.datapath_id, 0x1234u);
  EXPECT_EQ(f.n_tables, 1);
  EXPECT_EQ(f.n_buffers, 256u);
  ASSERT_EQ(f.ports.size(), 4u);  // three ports and OFPP_LOCAL
  EXPECT_EQ(f.ports[0].port_no, 1);
  EXPECT_EQ(f.ports[0].name, "p1");
  EXPECT_EQ(f.ports[3].port_no, of::port::kLocal);
  EXPECT_EQ(f.ports[3].name, "ofdp0");
  EXPECT_EQ(f.ports[1].hw_addr, mac(0x020000000002));
  EXPECT_TRUE(f.capabilities & of::capability::kFlowStats);
  EXPECT_TRUE(f.capabilities & of::capability::kArpMatchIp);
  EXPECT_FALSE(f.capabilities & of::capability::kIpReasm);
  EXPECT_EQ(f.actions, 0xfffu);  // OUTPUT .. ENQUEUE
}

TEST_F(DatapathTest, PacketOutWithDataAndTable) {
  const Bytes frame = udp_frame(0x1, 0x2);
  PacketOutRequest po;
  po.in_port = 1;
  po.actions = {out(of::port::kFlood)};
  po.data = frame;
  ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(port(2).take_tx(), std::vector<Bytes>{frame});
  EXPECT_EQ(port(3).take_tx(), std::vector<Bytes>{frame});
  EXPECT_TRUE(port(1).take_tx().empty());
  // OFPP_TABLE runs the flow table (and counts into the flow).
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  ASSERT_TRUE(dp->flow_mod(add(m, 10, {out(3)})));
  po.actions = {out(of::port::kTable)};
  ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(port(3).take_tx(), std::vector<Bytes>{frame});
  EXPECT_EQ(flows()[0].packet_count, 1u);
  // A TABLE miss becomes a PacketIn.
  po.in_port = 2;
  ASSERT_TRUE(dp->packet_out(po));
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].in_port, 2);
  EXPECT_EQ(pins[0].reason, of::PacketInReason::kNoMatch);
}

TEST_F(DatapathTest, PacketOutWithBufferIdReleasesTheBuffer) {
  const Bytes frame = udp_frame(0x1, 0x2);
  inject(1, frame);
  run();
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  PacketOutRequest po;
  po.buffer_id = pins[0].buffer_id;
  po.in_port = 1;
  po.actions = {out(2)};
  ASSERT_TRUE(dp->packet_out(po));
  EXPECT_EQ(port(2).take_tx(), std::vector<Bytes>{frame});
  auto again = dp->packet_out(po);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), of::Ofperr::kBadRequestBufferUnknown);
  // Bad actions are refused before anything is sent.
  po.buffer_id = of::kNoBuffer;
  po.actions = {out(77)};
  EXPECT_EQ(dp->packet_out(po).error(), of::Ofperr::kBadActionBadOutPort);
}

TEST_F(DatapathTest, BufferedPacketExpires) {
  inject(1, udp_frame(0x1, 0x2));
  run();
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  clock.advance_sec(6);  // default buffer timeout is 5 s
  dp->expire_flows();
  PacketOutRequest po;
  po.buffer_id = pins[0].buffer_id;
  po.actions = {out(2)};
  EXPECT_EQ(dp->packet_out(po).error(), of::Ofperr::kBadRequestBufferUnknown);
}

TEST_F(DatapathTest, ControllerActionSendsPacketInWithMaxLen) {
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(of::port::kController, 16)})));
  const Bytes frame = udp_frame(0x1, 0x2);
  inject(1, frame);
  run();
  dp->poll_control(8);
  auto pins = take_events<PacketInEvent>();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].reason, of::PacketInReason::kAction);
  EXPECT_EQ(pins[0].data, Bytes(frame.begin(), frame.begin() + 16));
  EXPECT_EQ(pins[0].total_len, frame.size());
  EXPECT_NE(pins[0].buffer_id, of::kNoBuffer);
}

TEST_F(DatapathTest, PortModChangesConfigAndReportsPortStatus) {
  PortModRequest pm;
  pm.port_no = 2;
  pm.hw_addr = dp->features().ports[1].hw_addr;
  pm.config = of::port_config::kNoFwd;
  pm.mask = of::port_config::kNoFwd;
  ASSERT_TRUE(dp->port_mod(pm));
  auto ps = take_events<PortStatusEvent>();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].reason, of::PortReason::kModify);
  EXPECT_EQ(ps[0].desc.port_no, 2);
  EXPECT_EQ(ps[0].desc.config, of::port_config::kNoFwd);
  EXPECT_EQ(dp->features().ports[1].config, of::port_config::kNoFwd);
  ASSERT_TRUE(dp->port_mod(pm));  // no change: no PORT_STATUS
  EXPECT_TRUE(take_events<PortStatusEvent>().empty());
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(2), out(3)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 0u);
  EXPECT_EQ(port(3).tx_count(), 1u);
  // Errors.
  pm.port_no = 9;
  EXPECT_EQ(dp->port_mod(pm).error(), of::Ofperr::kPortModFailedBadPort);
  pm.port_no = 2;
  pm.hw_addr = mac(0xdead);
  EXPECT_EQ(dp->port_mod(pm).error(), of::Ofperr::kPortModFailedBadHwAddr);
}

TEST_F(DatapathTest, NoRecvAndNoPacketInPorts) {
  auto set = [&](uint16_t p, uint32_t bits) {
    PortModRequest pm;
    pm.port_no = p;
    pm.hw_addr = dp->features().ports[p - 1].hw_addr;
    pm.config = bits;
    pm.mask = of::port_config::kAll;
    ASSERT_TRUE(dp->port_mod(pm));
  };
  set(1, of::port_config::kNoRecv);
  set(2, of::port_config::kNoPacketIn);
  of::Match to2;
  to2.wildcards = wc::kAll & ~wc::kDlDst;
  to2.key.dl_dst = mac(0x2);
  ASSERT_TRUE(dp->flow_mod(add(to2, 1, {out(3)})));
  inject(1, udp_frame(0x1, 0x2));  // dropped on receive
  inject(2, udp_frame(0x1, 0x9));  // a miss, but no PacketIn from port 2
  run();
  EXPECT_EQ(port(3).tx_count(), 0u);
  dp->poll_control(8);
  EXPECT_TRUE(take_events<PacketInEvent>().empty());
  EXPECT_EQ(dp->port_stats(1)[0].rx_dropped, 1u);
  EXPECT_GE(dp->counters().drops_port_config, 2u);
}

TEST_F(DatapathTest, MalformedFramesAreCountedAndDropped) {
  inject(1, Bytes{1, 2, 3});  // shorter than a MAC header
  inject(1, udp_frame(0x1, 0x2));
  run();
  dp->poll_control(8);
  EXPECT_EQ(take_events<PacketInEvent>().size(), 1u);
  EXPECT_EQ(dp->counters().drops_malformed, 1u);
  EXPECT_EQ(dp->port_stats(1)[0].rx_errors, 1u);
  EXPECT_EQ(dp->port_stats(1)[0].rx_packets, 2u);
}

TEST_F(DatapathTest, MissesAreRateLimitedPerPort) {
  DatapathConfig cfg;
  cfg.clock = &clock;
  cfg.ports = {"mem:a", "mem:b"};
  cfg.miss_rate_pps = 10;
  cfg.miss_burst = 5;
  std::string err;
  dp = Datapath::create(cfg, &err);
  ASSERT_TRUE(dp) << err;
  dp->set_event_handler([this](Event&& e) { events.push_back(std::move(e)); });
  for (int i = 0; i < 20; ++i) inject(1, udp_frame(0x1, 0x2));
  for (int i = 0; i < 3; ++i) inject(2, udp_frame(0x1, 0x2));
  run();
  dp->poll_control(100);
  EXPECT_EQ(take_events<PacketInEvent>().size(), 5u + 3u);  // port 1's burst of 5, all of port 2
  EXPECT_EQ(dp->counters().packet_ins_rate_limited, 15u);
  clock.advance_sec(1);  // 10 more tokens (capped at the burst of 5)
  for (int i = 0; i < 20; ++i) inject(1, udp_frame(0x1, 0x2));
  run();
  dp->poll_control(100);
  EXPECT_EQ(take_events<PacketInEvent>().size(), 5u);
}

TEST_F(DatapathTest, PacketInRingCapacityIsConfigurable) {
  for (const size_t ring : {size_t{16}, size_t{64}}) {
    DatapathConfig cfg;
    cfg.clock = &clock;
    cfg.ports = {"mem:a"};
    cfg.miss_rate_pps = 0;  // unlimited: only the ring bounds what is queued
    cfg.packet_in_ring = ring;
    std::string err;
    dp = Datapath::create(cfg, &err);
    ASSERT_TRUE(dp) << err;
    dp->set_event_handler([this](Event&& e) { events.push_back(std::move(e)); });
    for (int i = 0; i < 40; ++i) inject(1, udp_frame(0x1, static_cast<uint64_t>(0x100 + i)));
    run();  // the agent does not drain in between: the ring holds what it can
    dp->poll_control(1000);
    const size_t queued = std::min<size_t>(ring, 40);
    EXPECT_EQ(take_events<PacketInEvent>().size(), queued) << ring;
    EXPECT_EQ(dp->counters().drops_ring_full, 40 - queued) << ring;
    EXPECT_EQ(dp->counters().packet_ins_rate_limited, 0u);
  }
  DatapathConfig bad;
  bad.ports = {"mem:a"};
  std::string err;
  for (const size_t ring : {size_t{0}, size_t{1000}, size_t{1} << 20}) {
    bad.packet_in_ring = ring;
    EXPECT_FALSE(Datapath::create(bad, &err)) << ring;
  }
}

// A worker thread that queues a PacketIn while the agent is idle calls the
// wake-up hook (ofdp: the event loop's eventfd), so the agent need not poll.
TEST_F(DatapathTest, WorkerWakesAnIdleAgentForAPacketIn) {
  std::mutex mu;
  std::condition_variable cv;
  int wakes = 0;
  dp->set_packet_in_wakeup([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++wakes;
    cv.notify_all();
  });
  EXPECT_EQ(dp->poll_control(8), 0u);  // every ring empty: the agent is idle now
  dp->start();
  inject(1, udp_frame(0x1, 0x2));
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return wakes > 0; }));
  }
  // Woken, the agent finds the PacketIn in the ring at its first look.
  EXPECT_EQ(dp->poll_control(8), 1u);
  dp->stop();
  auto pis = take_events<PacketInEvent>();
  ASSERT_EQ(pis.size(), 1u);
  EXPECT_EQ(pis[0].in_port, 1);
  EXPECT_EQ(pis[0].reason, of::PacketInReason::kNoMatch);
  EXPECT_EQ(wakes, 1);  // one wake for the burst, none while the agent was not idle
}

TEST_F(DatapathTest, PortAndQueueStats) {
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(2)})));
  inject(1, udp_frame(0x1, 0x2));
  inject(1, udp_frame(0x1, 0x2));
  run();
  const size_t len = udp_frame(0x1, 0x2).size();
  auto ps = dp->port_stats(of::port::kNone);
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[3].port_no, of::port::kLocal);
  EXPECT_EQ(ps[0].rx_packets, 2u);
  EXPECT_EQ(ps[0].rx_bytes, 2 * len);
  EXPECT_EQ(ps[1].tx_packets, 2u);
  EXPECT_EQ(ps[1].tx_bytes, 2 * len);
  EXPECT_EQ(ps[1].collisions, ~uint64_t{0});
  EXPECT_TRUE(dp->port_stats(7).empty());
  auto qs = dp->queue_stats(2, 0);
  ASSERT_TRUE(qs);
  ASSERT_EQ(qs->size(), 1u);
  EXPECT_EQ((*qs)[0].tx_packets, 2u);
  EXPECT_EQ(dp->queue_stats(of::port::kAll, of::kAllQueues)->size(), 4u);
  EXPECT_EQ(dp->queue_stats(9, 0).error(), of::Ofperr::kQueueOpFailedBadPort);
  EXPECT_EQ(dp->queue_stats(2, 3).error(), of::Ofperr::kQueueOpFailedBadQueue);
  EXPECT_EQ(dp->desc_stats().dp_desc, "ofdp");
  EXPECT_NE(dp->counters_text().find("port 2 (p2): rx=0 rx_bytes=0 tx=2"), std::string::npos);
  EXPECT_NE(dp->dump_flows_text().find("n_packets=2"), std::string::npos);
}

TEST_F(DatapathTest, FragDropConfigDropsFragments) {
  dp->set_config(SwitchConfig{of::config_flags::kFragDrop, 128});
  EXPECT_EQ(dp->get_config().flags, of::config_flags::kFragDrop);
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(2)})));
  Bytes frag = udp_frame(0x1, 0x2);
  frag[14 + 6] = 0x20;  // MF
  inject(1, frag);
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count(), 1u);
}

TEST_F(DatapathTest, BadConfigurationsAreRefused) {
  DatapathConfig cfg;
  std::string err;
  cfg.ports = {"bogus"};
  EXPECT_FALSE(Datapath::create(cfg, &err));
  EXPECT_NE(err.find("bogus"), std::string::npos);
  cfg.ports = {"file:/nonexistent/in.pcap"};
  EXPECT_FALSE(Datapath::create(cfg, &err));
  cfg.ports = {"mem:x"};
  cfg.workers = 0;
  EXPECT_FALSE(Datapath::create(cfg, &err));
}

// ---- workers end to end ---------------------------------------------------------

TEST_F(DatapathTest, WorkerThreadsForwardAndAnswerBarriers) {
  make(3, 1024, /*workers=*/2);
  ASSERT_TRUE(dp->flow_mod(add(match_all(), 1, {out(of::port::kFlood)})));
  dp->start();
  const uint64_t e = dp->barrier_epoch();
  for (int i = 0; i < 2000 && !dp->epoch_reached(e); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(dp->epoch_reached(e));
  for (int i = 0; i < 100; ++i) inject(static_cast<uint16_t>(1 + i % 3), udp_frame(0x1, 0x2));
  for (int i = 0; i < 5000 && port(1).tx_count() + port(2).tx_count() + port(3).tx_count() < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  dp->stop();
  EXPECT_EQ(port(1).tx_count() + port(2).tx_count() + port(3).tx_count(), 200u);
  EXPECT_EQ(dp->counters().rx_packets, 100u);
  EXPECT_EQ(flows()[0].packet_count, 100u);
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ofdp-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<Bytes> read_trace(const std::string& path) {
  std::string err;
  auto r = pcap::TraceReader::open(path, &err);
  EXPECT_TRUE(r) << err;
  std::vector<Bytes> out;
  pcap::TraceFrame f;
  while (r && r->next(&f) == pcap::ReadStatus::kFrame) out.emplace_back(f.data.begin(), f.data.end());
  return out;
}

TEST(FilePorts, TraceInTraceOutThroughWorkers) {
  TempDir dir;
  std::vector<Bytes> sent;
  {
    std::string err;
    auto w = pcap::TraceWriter::create(dir.file("in.pcap"), &err);
    ASSERT_TRUE(w) << err;
    for (int i = 0; i < 50; ++i) {
      sent.push_back(udp_frame(0x1, 0x2, 0x0a000001, 0x0a000002, static_cast<uint16_t>(1000 + i), 80));
      w->write(sent.back(), 1000 * i);
    }
  }
  DatapathConfig cfg;
  cfg.ports = {"file:" + dir.file("in.pcap"), "file:,out=" + dir.file("out.pcap")};
  cfg.workers = 1;
  std::string err;
  auto dp = Datapath::create(cfg, &err);
  ASSERT_TRUE(dp) << err;
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  FlowModRequest fm;
  fm.match = m;
  fm.actions = {of::ActionSetTpDst{8080}, of::ActionOutput{2, 0}};
  ASSERT_TRUE(dp->flow_mod(fm));
  dp->start();
  for (int i = 0; i < 5000 && !dp->inputs_exhausted(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(dp->inputs_exhausted());
  dp->stop();
  const auto outs = read_trace(dir.file("out.pcap"));
  ASSERT_EQ(outs.size(), sent.size());
  for (size_t i = 0; i < outs.size(); ++i) {
    EXPECT_EQ(outs[i], udp_frame(0x1, 0x2, 0x0a000001, 0x0a000002, static_cast<uint16_t>(1000 + i), 8080))
        << i;
  }
}

}  // namespace
}  // namespace ofkit::dp
