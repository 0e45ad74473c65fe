#include "pcap/trace_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "oflib/packet/flow_extract.h"
#include "oflib/packet/ipv6.h"

namespace ofkit::pcap {
namespace {

std::string ipv4_string(uint32_t v) { return Ipv4Addr{v}.to_string(); }

std::string ip_proto_name(uint8_t p) {
  switch (p) {
    case ip_proto::kTcp:
      return "tcp";
    case ip_proto::kUdp:
      return "udp";
    case ip_proto::kIcmp:
      return "icmp";
    case ip_proto::kIcmpv6:
      return "icmpv6";
    default:
      return "proto-" + std::to_string(p);
  }
}

// "2024-01-01 00:00:00.000000 UTC"
std::string utc_time(uint64_t ns) {
  const time_t sec = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm = {};
  gmtime_r(&sec, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{}.{:06d} UTC", buf, (ns % 1000000000ull) / 1000);
}

}  // namespace

std::string protocol_label(const FlowKey& key, std::span<const uint8_t> frame) {
  switch (key.dl_type) {
    case eth_type::kIpv4:
      return "ipv4/" + ip_proto_name(key.nw_proto);
    case eth_type::kArp:
      return "arp";
    case eth_type::kLldp:
      return "lldp";
    case eth_type::kNotEthType:
      return "802.3";
    case eth_type::kIpv6: {
      // Skip the MAC header and any VLAN tags to reach the IPv6 header.
      size_t off = 12;
      while (off + 4 <= frame.size() &&
             eth_type::is_vlan_tpid(static_cast<uint16_t>(frame[off] << 8 | frame[off + 1])))
        off += 4;
      off += 2;
      if (off > frame.size()) return "ipv6";
      const auto ip = Ipv6View::parse(frame.subspan(off));
      if (!ip) return "ipv6";
      const Ipv6Walk walk = walk_ipv6_extensions(*ip);
      if (!walk.ok) return "ipv6";
      return "ipv6/" + ip_proto_name(walk.upper_protocol);
    }
    default:
      return fmt::format("ethertype-0x{:04x}", key.dl_type);
  }
}

void TraceStats::add(const TraceFrame& frame) {
  FlowKey key;
  const KeyStatus st = extract_flow_key(frame.data.data(), frame.data.size(), 0, &key);
  if (total_.packets == 0) first_ns_ = last_ns_ = frame.timestamp_ns;
  first_ns_ = std::min(first_ns_, frame.timestamp_ns);
  last_ns_ = std::max(last_ns_, frame.timestamp_ns);
  const uint64_t wire = std::max<uint64_t>(frame.orig_len, frame.data.size());
  ++total_.packets;
  total_.bytes += wire;
  captured_bytes_ += frame.data.size();
  if (st == KeyStatus::kMalformed && frame.data.size() < 14) {
    ++malformed_;
    auto& c = protocols_["malformed"];
    ++c.packets;
    c.bytes += wire;
    return;
  }
  if (st == KeyStatus::kMalformed) ++malformed_;
  keys_.insert(key);
  auto& c = protocols_[protocol_label(key, frame.data)];
  ++c.packets;
  c.bytes += wire;
  if (key.dl_dst.is_broadcast()) {
    ++broadcast_;
  } else if (key.dl_dst.is_multicast()) {
    ++multicast_;
  } else {
    ++unicast_;
  }
  if (key.dl_vlan != 0xffff) ++vlan_tagged_;
  auto& t = talkers_[key.dl_src.to_u64()];
  t.mac = key.dl_src;
  ++t.count.packets;
  t.count.bytes += wire;
  if ((key.dl_type == eth_type::kIpv4 || key.dl_type == eth_type::kArp) && key.nw_src != 0)
    t.ipv4 = key.nw_src;
}

std::vector<TraceStats::Talker> TraceStats::top_talkers(size_t n) const {
  std::vector<Talker> all;
  all.reserve(talkers_.size());
  for (const auto& [mac, t] : talkers_) all.push_back(t);
  std::sort(all.begin(), all.end(), [](const Talker& a, const Talker& b) {
    if (a.count.bytes != b.count.bytes) return a.count.bytes > b.count.bytes;
    if (a.count.packets != b.count.packets) return a.count.packets > b.count.packets;
    return a.mac < b.mac;
  });
  if (all.size() > n) all.resize(n);
  return all;
}

std::string TraceStats::format_text(const std::string& file, size_t top) const {
  std::string s;
  s += fmt::format("file:       {}\n", file);
  s += fmt::format("packets:    {}\n", packets());
  s += fmt::format("bytes:      {} (captured {})\n", bytes(), captured_bytes());
  s += fmt::format("duration:   {:.6f} s\n", static_cast<double>(duration_ns()) / 1e9);
  if (packets()) s += fmt::format("first:      {}\n", utc_time(first_ns()));
  s += fmt::format("flow keys:  {} distinct (OpenFlow 1.0 12-tuple)\n", distinct_flow_keys());
  s += fmt::format("frames:     {} unicast, {} multicast, {} broadcast, {} VLAN-tagged", unicast(),
                   multicast(), broadcast(), vlan_tagged());
  s += malformed() ? fmt::format(", {} malformed\n", malformed()) : "\n";
  s += "\nprotocol            packets        bytes      %bytes\n";
  std::vector<std::pair<std::string, Count>> rows(protocols_.begin(), protocols_.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.packets > b.second.packets; });
  for (const auto& [name, c] : rows) {
    s += fmt::format("{:<16} {:>10} {:>12} {:>10.1f}%\n", name, c.packets, c.bytes,
                     bytes() ? 100.0 * static_cast<double>(c.bytes) / static_cast<double>(bytes()) : 0.0);
  }
  s += fmt::format(
      "\ntop talkers (by bytes sent)\nsource MAC          IPv4                packets        bytes\n");
  for (const auto& t : top_talkers(top)) {
    s += fmt::format("{:<19} {:<15} {:>11} {:>12}\n", t.mac.to_string(), t.ipv4 ? ipv4_string(t.ipv4) : "-",
                     t.count.packets, t.count.bytes);
  }
  return s;
}

nlohmann::json TraceStats::to_json(const std::string& file, size_t top) const {
  nlohmann::json j;
  j["file"] = file;
  j["packets"] = packets();
  j["bytes"] = bytes();
  j["captured_bytes"] = captured_bytes();
  j["duration_s"] = static_cast<double>(duration_ns()) / 1e9;
  j["first_timestamp_ns"] = first_ns();
  j["distinct_flow_keys"] = distinct_flow_keys();
  j["frames"] = {{"unicast", unicast()},
                 {"multicast", multicast()},
                 {"broadcast", broadcast()},
                 {"vlan_tagged", vlan_tagged()},
                 {"malformed", malformed()}};
  auto& protos = j["protocols"] = nlohmann::json::object();
  for (const auto& [name, c] : protocols_) protos[name] = {{"packets", c.packets}, {"bytes", c.bytes}};
  auto& talkers = j["top_talkers"] = nlohmann::json::array();
  for (const auto& t : top_talkers(top)) {
    talkers.push_back({{"mac", t.mac.to_string()},
                       {"ipv4", t.ipv4 ? nlohmann::json(ipv4_string(t.ipv4)) : nlohmann::json(nullptr)},
                       {"packets", t.count.packets},
                       {"bytes", t.count.bytes}});
  }
  return j;
}

}  // namespace ofkit::pcap
