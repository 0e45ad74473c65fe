#pragma once
// ovs-ofctl's OpenFlow 1.0 flow syntax, parsed and printed.
//
//   priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80,idle_timeout=10,cookie=0x5,
//       actions=mod_vlan_vid:5,output:2
//
// Parsing accepts what `ovs-ofctl -O OpenFlow10 add-flow` accepts for the
// OF1.0 fields: keys separated by commas or white space, `key=value` or
// `key:value`, the ip/tcp/udp/sctp/icmp/arp/rarp/ipv6 shorthands, the OVS
// aliases (eth_src, ip_src, arp_spa, tcp_dst, icmp_type …), reserved port
// names in any case, numbers in decimal or 0x hex. Like ovs-ofctl it masks
// nw_tos to its DSCP bits and dl_vlan to 12 bits; unlike it, a mask OF1.0
// cannot express (a non-CIDR nw_src mask, a masked dl_src) is an error rather
// than a silent switch to Nicira extensions.
//
// Printing follows ovs-ofctl's match_format()/ofpacts_format(): field order
// priority, shorthand, in_port, vlan, dl_src, dl_dst, dl_type, nw_src,
// nw_dst, nw_proto, nw_tos, tp_src, tp_dst; default priority (32768)
// omitted; reserved ports by name (OFPP_NONE prints as ANY, as OVS does).
// A parsed flow printed with format_flow() parses back to the same value.
//
// Errors are strings naming the offending token ("nw_src: 10.0.0.300: invalid
// IPv4 address").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "oflib/wire/action.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/match.h"

namespace ofkit::text {

template <typename T>
using ParseResult = tl::expected<T, std::string>;

// One line of `ovs-ofctl add-flow`/`del-flows`: the fields a FLOW_MOD carries.
struct FlowSpec {
  of::Match match;
  uint16_t priority = of::kDefaultPriority;
  uint8_t table_id = 0xff;  // "table=N"; 0xff = not given (OF1.0 has one table namespace)
  uint16_t idle_timeout = of::kFlowPermanent;
  uint16_t hard_timeout = of::kFlowPermanent;
  uint64_t cookie = 0;
  uint16_t out_port = of::port::kNone;  // "out_port=N" (delete filters)
  uint16_t flags = 0;                   // OFPFF_* (send_flow_rem, check_overlap, emerg)
  of::ActionList actions;               // empty means drop
  friend bool operator==(const FlowSpec&, const FlowSpec&) = default;
};

// --- ports -----------------------------------------------------------------
// "IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "LOCAL", "ANY"
// for the reserved ports, the decimal number otherwise.
std::string format_port(uint16_t port);
// Reserved names in any case (NONE and ANY both mean OFPP_NONE) or a number
// 0..65535 (decimal or 0x hex).
std::optional<uint16_t> parse_port(std::string_view s);

// --- matches ---------------------------------------------------------------
// "tcp,in_port=1,nw_src=10.0.0.0/8"; the empty string is the all-wildcard match.
ParseResult<of::Match> parse_match(std::string_view s);
// Sets one field ("nw_src", "10.0.0.0/8") or applies one shorthand ("tcp",
// empty value) as parse_match() would; used by the JSON form.
ParseResult<void> set_match_field(of::Match& match, std::string_view key, std::string_view value);
// Decimal or 0x-hex number no greater than max.
std::optional<uint64_t> parse_number(std::string_view s, uint64_t max);
// The match as ovs-ofctl prints it, preceded by "priority=N," when priority is
// not the default. An all-wildcard match with the default priority is "".
std::string format_match(const of::Match& match, uint16_t priority = of::kDefaultPriority);

// --- actions ---------------------------------------------------------------
// "mod_vlan_vid:5,output:2"; "drop" and "" are the empty list.
ParseResult<of::ActionList> parse_actions(std::string_view s);
std::string format_action(const of::Action& action);
std::string format_actions(const of::ActionList& actions);  // "drop" when empty

// --- whole flows -----------------------------------------------------------
// A flow line. With require_actions (add-flow) "actions=" must be present;
// without it (del-flows, dump-flows filters) it must not.
ParseResult<FlowSpec> parse_flow(std::string_view s, bool require_actions = true);
// Input syntax that parse_flow() reads back to the same FlowSpec:
// "priority=100,tcp,tp_dst=80,idle_timeout=10,cookie=0x5,actions=output:2".
std::string format_flow(const FlowSpec& flow);
// The body ovs-ofctl ofp-print shows for an OFPT_FLOW_MOD:
// "ADD priority=100,tcp,tp_dst=80 cookie:0x5 idle:10 actions=output:2".
std::string format_flow_mod(of::FlowModCommand command, const FlowSpec& flow,
                            uint32_t buffer_id = of::kNoBuffer);
// "ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT" (or "cmd:N").
std::string flow_mod_command_name(of::FlowModCommand command);

}  // namespace ofkit::text
