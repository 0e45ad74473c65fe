// In-process PacketIn dispatch on one shard, no sockets: bytes of PACKET_IN
// messages go through the connection's receive path (framing, validation,
// rate limiter, event dispatch) into l2_learning, whose FLOW_MODs are
// encoded into the batched output and "written" to a null transport.
//
//   build-ctl-rel/bench/controller_dispatch_bench --benchmark_min_time=2
//
// items_per_second is PacketIn events per second on one thread.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstring>

#include "controller/apps/builtin.h"
#include "controller/cli.h"
#include "controller/connection.h"
#include "controller/shard.h"
#include "oflib/wire/message.h"

namespace ofkit::ctl {
namespace {

// Feeds prepared bytes; swallows writes.
class MemoryTransport : public Transport {
 public:
  MemoryTransport() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~MemoryTransport() override { ::close(fd_); }
  void feed(const std::vector<uint8_t>& b) { pending_ = &b; }
  int fd() const override { return fd_; }
  ssize_t read_into(std::vector<uint8_t>& buf, size_t) override {
    if (!pending_) return kWouldBlock;
    buf.insert(buf.end(), pending_->begin(), pending_->end());
    const ssize_t n = static_cast<ssize_t>(pending_->size());
    pending_ = nullptr;
    return n;
  }
  ssize_t write(const uint8_t*, size_t n) override {
    written_ += n;
    return static_cast<ssize_t>(n);
  }
  bool can_block_writes() const override { return false; }
  void close() override {}
  std::string peer() const override { return "memory"; }
  uint64_t written_ = 0;

 private:
  int fd_;
  const std::vector<uint8_t>* pending_ = nullptr;
};

std::vector<uint8_t> packet_in(uint16_t in_port, uint64_t src, uint64_t dst, uint32_t buffer_id) {
  of::PacketIn pi;
  pi.buffer_id = buffer_id;
  pi.in_port = in_port;
  pi.data.assign(60, 0);
  const MacAddr d = MacAddr::from_u64(dst), s = MacAddr::from_u64(src);
  std::memcpy(pi.data.data(), d.bytes.data(), 6);
  std::memcpy(pi.data.data() + 6, s.bytes.data(), 6);
  pi.data[12] = 0x08;  // IPv4/UDP
  uint8_t* ip = pi.data.data() + 14;
  ip[0] = 0x45, ip[3] = 46, ip[8] = 64, ip[9] = 17, ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
  pi.total_len = 60;
  return of::encode_message(pi, 0);
}

void BM_PacketInToL2Learning(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  apply_log_levels({"warn"}, nullptr);
  static AppCatalog catalog = [] {
    AppCatalog c;
    register_builtin_apps(c);
    return c;
  }();
  RuntimeConfig cfg;
  cfg.packet_in_rate = 0;  // unlimited
  Shard shard(nullptr, 0, cfg);
  const AppInfo* l2 = catalog.find("l2_learning");
  OptionSet opts;
  l2->declare_options(opts);
  std::map<std::string, OptionValue> values;
  std::string err;
  opts.parse("l2_learning", {}, &values, &err);
  shard.add_app(*l2, OptionValues(values));
  shard.start_apps();

  auto transport_owned = std::make_unique<MemoryTransport>();
  MemoryTransport* transport = transport_owned.get();
  auto conn_owned = std::make_unique<Connection>(1, std::move(transport_owned));
  Connection* conn = conn_owned.get();
  shard.adopt(std::move(conn_owned), true);

  // Handshake: HELLO, FEATURES_REPLY.
  std::vector<uint8_t> hs = of::encode_message(of::Hello{}, 1);
  of::FeaturesReply fr;
  fr.datapath_id = 1;
  auto frb = of::encode_message(fr, 2);
  hs.insert(hs.end(), frb.begin(), frb.end());
  transport->feed(hs);
  conn->on_io(EPOLLIN);
  conn->flush();

  constexpr int kMacs = 1000;
  constexpr int kPorts = 16;
  auto mac = [](int i) { return 0x020000000000ULL + static_cast<uint64_t>(i); };
  auto port_of = [](int i) { return static_cast<uint16_t>(1 + i % kPorts); };
  // Learn every MAC once.
  std::vector<uint8_t> learn;
  for (int i = 0; i < kMacs; ++i) {
    auto m = packet_in(port_of(i), mac(i), 0xffffffffffffULL, static_cast<uint32_t>(i));
    learn.insert(learn.end(), m.begin(), m.end());
  }
  transport->feed(learn);
  conn->on_io(EPOLLIN);
  conn->flush();
  // The measured batch: i -> i+1 (known, different ports): one FLOW_MOD each.
  std::vector<uint8_t> batch;
  constexpr int kBatch = 2048;
  for (int k = 0; k < kBatch; ++k) {
    const int i = k % kMacs;
    auto m = packet_in(port_of(i), mac(i), mac((i + 1) % kMacs), static_cast<uint32_t>(k));
    batch.insert(batch.end(), m.begin(), m.end());
  }
  const uint64_t before = conn->counters().msgs_out;
  for (auto _ : state) {
    transport->feed(batch);
    conn->on_io(EPOLLIN);
    conn->flush();
  }
  const uint64_t out = conn->counters().msgs_out - before;
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["flow_mods_per_packet_in"] =
      static_cast<double>(out) / static_cast<double>(state.iterations() * kBatch);
  shard.stop_apps();
  shard.close_all("done");
}
BENCHMARK(BM_PacketInToL2Learning)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ofkit::ctl
BENCHMARK_MAIN();
