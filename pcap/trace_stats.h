#pragma once
// What `ofpcap stats` reports about a trace: totals, the protocol mix, the
// number of distinct OpenFlow 1.0 flow keys and the top talkers. Fed one
// frame at a time, so it works on traces of any length in bounded memory
// (one entry per distinct key and per source MAC).

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "oflib/packet/flow_key.h"
#include "pcap/trace_file.h"

namespace ofkit::pcap {

// "ipv4/tcp", "ipv4/udp", "ipv4/icmp", "ipv4/proto-47", "arp", "ipv6/icmpv6",
// "ipv6/tcp", "lldp", "802.3", "ethertype-0x88e5", ...: the row a frame
// counts in. KEY is its flow key; FRAME is needed only to look past an IPv6
// header (OF1.0 keys carry no IPv6 fields).
std::string protocol_label(const FlowKey& key, std::span<const uint8_t> frame);

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < FlowKey::kWords; ++i) {
      h ^= k.words()[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    }
    return static_cast<size_t>(h);
  }
};

class TraceStats {
 public:
  struct Count {
    uint64_t packets = 0;
    uint64_t bytes = 0;  // on-the-wire lengths
  };
  struct Talker {
    MacAddr mac;
    uint32_t ipv4 = 0;  // last IPv4 source (IPv4 or ARP) seen from this MAC, 0 if none
    Count count;
  };

  void add(const TraceFrame& frame);

  uint64_t packets() const { return total_.packets; }
  uint64_t bytes() const { return total_.bytes; }
  uint64_t captured_bytes() const { return captured_bytes_; }
  uint64_t first_ns() const { return first_ns_; }
  uint64_t duration_ns() const { return total_.packets ? last_ns_ - first_ns_ : 0; }
  uint64_t distinct_flow_keys() const { return keys_.size(); }
  const std::map<std::string, Count>& protocols() const { return protocols_; }
  uint64_t unicast() const { return unicast_; }
  uint64_t multicast() const { return multicast_; }  // excluding broadcast
  uint64_t broadcast() const { return broadcast_; }
  uint64_t vlan_tagged() const { return vlan_tagged_; }
  uint64_t malformed() const { return malformed_; }
  // The N sources sending the most bytes (ties: more packets, then lower MAC).
  std::vector<Talker> top_talkers(size_t n) const;

  // The whole report, as a table for people or as JSON.
  std::string format_text(const std::string& file, size_t top) const;
  nlohmann::json to_json(const std::string& file, size_t top) const;

 private:
  Count total_;
  uint64_t captured_bytes_ = 0;
  uint64_t first_ns_ = 0;
  uint64_t last_ns_ = 0;
  uint64_t unicast_ = 0, multicast_ = 0, broadcast_ = 0, vlan_tagged_ = 0, malformed_ = 0;
  std::map<std::string, Count> protocols_;
  std::unordered_set<FlowKey, FlowKeyHash> keys_;
  std::unordered_map<uint64_t, Talker> talkers_;  // by MAC
};

}  // namespace ofkit::pcap
