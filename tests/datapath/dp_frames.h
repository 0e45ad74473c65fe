#pragma once
// Frame builders and a Datapath fixture for the datapath tests. Checksums in
// built frames come from oflib's checksum functions; the golden action tests
// use hand-written bytes instead.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "datapath/datapath.h"
#include "datapath/ports/memory_port.h"
#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"
#include "oflib/packet/flow_extract.h"

namespace ofkit::dp::testing {

using Bytes = std::vector<uint8_t>;

inline MacAddr mac(uint64_t v) { return MacAddr::from_u64(v); }

// Ethernet + IPv4 + UDP (proto 17) or TCP (proto 6) with valid checksums.
inline Bytes ipv4_frame(uint64_t src_mac, uint64_t dst_mac, uint32_t src_ip, uint32_t dst_ip, uint8_t proto,
                        uint16_t sport, uint16_t dport, size_t payload = 6) {
  const size_t l4len = (proto == 6 ? 20 : 8) + payload;
  Bytes f(14 + 20 + l4len, 0);
  const MacAddr d = mac(dst_mac), s = mac(src_mac);
  std::copy(d.bytes.begin(), d.bytes.end(), f.begin());
  std::copy(s.bytes.begin(), s.bytes.end(), f.begin() + 6);
  store_be16(&f[12], 0x0800);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  store_be16(ip + 2, static_cast<uint16_t>(20 + l4len));
  ip[8] = 64;
  ip[9] = proto;
  store_be32(ip + 12, src_ip);
  store_be32(ip + 16, dst_ip);
  store_be16(ip + 10, ipv4_header_checksum(ip, 20));
  uint8_t* l4 = ip + 20;
  store_be16(l4, sport);
  store_be16(l4 + 2, dport);
  for (size_t i = 0; i < payload; ++i) l4[l4len - payload + i] = static_cast<uint8_t>(i + 1);
  if (proto == 6) {
    l4[12] = 0x50;
    store_be16(l4 + 16, tcp_checksum_ipv4(src_ip, dst_ip, l4, l4len));
  } else {
    store_be16(l4 + 4, static_cast<uint16_t>(l4len));
    store_be16(l4 + 6, udp_checksum_ipv4(src_ip, dst_ip, l4, l4len));
  }
  return f;
}

inline Bytes udp_frame(uint64_t src_mac, uint64_t dst_mac, uint32_t src_ip = 0x0a000001,
                       uint32_t dst_ip = 0x0a000002, uint16_t sport = 1000, uint16_t dport = 2000) {
  return ipv4_frame(src_mac, dst_mac, src_ip, dst_ip, 17, sport, dport);
}

// A Datapath with n memory ports, one worker, a fake clock and an event log.
class DatapathFixture : public ::testing::Test {
 protected:
  void make(size_t n_ports = 3, size_t capacity = 1024, unsigned workers = 1) {
    DatapathConfig cfg;
    cfg.datapath_id = 0x1234;
    cfg.workers = workers;
    cfg.flow_capacity = capacity;
    cfg.clock = &clock;
    cfg.miss_rate_pps = miss_rate;
    cfg.miss_burst = miss_burst;
    cfg.local_port = local_spec;
    cfg.control_packet_in_queue = control_queue;
    for (size_t i = 0; i < n_ports; ++i) cfg.ports.push_back("mem:p" + std::to_string(i + 1));
    std::string err;
    dp = Datapath::create(cfg, &err);
    ASSERT_TRUE(dp) << err;
    dp->set_event_handler([this](Event&& e) { events.push_back(std::move(e)); });
  }
  void SetUp() override { make(); }
  // Set before make() (SetUp made a default one).
  std::string local_spec = "sink:";
  uint32_t miss_rate = 0;
  uint32_t miss_burst = 1000;
  size_t control_queue = 1024;

  MemoryPort& port(uint16_t n) { return *as_memory_port(dp->port(n)); }
  void inject(uint16_t port_no, Bytes frame) { port(port_no).inject(std::move(frame)); }
  // Runs the workers until the injected frames are processed.
  void run() {
    for (int i = 0; i < 4; ++i) dp->run_once();
  }
  template <typename T>
  std::vector<T> take_events() {
    std::vector<T> out;
    std::vector<Event> rest;
    for (auto& e : events) {
      if (auto* v = std::get_if<T>(&e))
        out.push_back(std::move(*v));
      else
        rest.push_back(std::move(e));
    }
    events = std::move(rest);
    return out;
  }

  static of::Match match_all() { return of::Match{}; }
  static FlowModRequest add(const of::Match& m, uint16_t priority, of::ActionList actions) {
    FlowModRequest r;
    r.command = of::FlowModCommand::kAdd;
    r.match = m;
    r.priority = priority;
    r.actions = std::move(actions);
    return r;
  }
  static of::Action out(uint16_t port, uint16_t max_len = 0) { return of::ActionOutput{port, max_len}; }
  std::vector<FlowStatsEntry> flows() { return dp->flow_stats(FlowStatsRequest{}); }

  FakeClock clock;
  std::unique_ptr<Datapath> dp;
  std::vector<Event> events;
};

// Match on fields given by wildcard bits cleared; nw prefix fully exact unless set.
inline of::Match make_match(uint32_t wildcards, const FlowKey& key) {
  of::Match m;
  m.wildcards = wildcards;
  m.key = key;
  return m;
}

}  // namespace ofkit::dp::testing
