#pragma once
// Small helpers shared by the forwarding apps (l2_pairs, mac_blocker,
// l3_learning, flow_stats): POX-style matches, the MAC a switch answers
// with, list parsing for options and service requests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "controller/options.h"
#include "oflib/packet/addr.h"
#include "oflib/wire/match.h"

namespace ofkit::ctl::apps {

// The wildcards POX's ofp_match() puts on the wire when only the fields in
// `exact` (OFPFW_* bits) are set: every other one-bit field wildcarded and
// nw_src/nw_dst fully wildcarded with the count 32 (OFPFW_NW_*_ALL), not
// the 63 of OFPFW_ALL. A switch treats both the same; golden tests compare
// against what POX sends.
constexpr uint32_t pox_wildcards_except(uint32_t exact) {
  using namespace of::wildcards;
  constexpr uint32_t kOneBit =
      kInPort | kDlVlan | kDlSrc | kDlDst | kDlType | kNwProto | kTpSrc | kTpDst | kDlVlanPcp | kNwTos;
  return ((kOneBit & ~exact) | kNwSrcAll | kNwDstAll);
}

// A match on the given Ethernet source and/or destination only (zero MAC: not matched).
of::Match mac_match(const MacAddr* dl_src, const MacAddr* dl_dst);

// POX's dpid_to_mac(): the low 48 bits of the datapath id.
inline MacAddr dpid_to_mac(uint64_t dpid) { return MacAddr::from_u64(dpid & 0xffffffffffffULL); }

// An integer option clamped to 0..65535 (timeouts, priorities).
uint16_t u16_option(const OptionValues& o, const std::string& name);

// "00000000000000a1", as the runtime logs datapath ids.
std::string dpid_string(uint64_t dpid);

// Splits "a,b c" on commas and blanks, dropping empty pieces.
std::vector<std::string> split_list(std::string_view s);

// Parses a comma/blank separated MAC list. False with *error naming the
// first bad entry.
bool parse_mac_list(std::string_view s, std::vector<MacAddr>* out, std::string* error);
// The same for dotted-quad IPv4 addresses.
bool parse_ipv4_list(std::string_view s, std::vector<Ipv4Addr>* out, std::string* error);

}  // namespace ofkit::ctl::apps
