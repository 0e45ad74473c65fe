#include "oflib/packet/protocols.h"

namespace ofkit {

std::string_view to_string(Layer l) {
  switch (l) {
    case Layer::kNone:
      return "none";
    case Layer::kEthernet:
      return "ethernet";
    case Layer::kLlc:
      return "llc";
    case Layer::kVlan:
      return "vlan";
    case Layer::kArp:
      return "arp";
    case Layer::kIpv4:
      return "ipv4";
    case Layer::kIpv6:
      return "ipv6";
    case Layer::kIpv6Ext:
      return "ipv6-ext";
    case Layer::kIcmp:
      return "icmp";
    case Layer::kIcmpv6:
      return "icmpv6";
    case Layer::kTcp:
      return "tcp";
    case Layer::kUdp:
      return "udp";
    case Layer::kDhcp:
      return "dhcp";
    case Layer::kDns:
      return "dns";
    case Layer::kLldp:
      return "lldp";
    case Layer::kPayload:
      return "payload";
  }
  return "?";
}

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::kTruncated:
      return "truncated";
    case ParseError::kBadVersion:
      return "bad version";
    case ParseError::kBadHeaderLength:
      return "bad header length";
    case ParseError::kBadTotalLength:
      return "bad total length";
    case ParseError::kBadOption:
      return "bad option";
    case ParseError::kBadFormat:
      return "bad format";
    case ParseError::kTooManyHeaders:
      return "too many headers";
    case ParseError::kBadPointer:
      return "bad compression pointer";
    case ParseError::kBadLabel:
      return "bad label";
    case ParseError::kMissingTlv:
      return "missing mandatory TLV";
  }
  return "?";
}

}  // namespace ofkit
