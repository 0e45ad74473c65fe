#pragma once
// Human-readable OpenFlow 1.0 messages in the spirit of `ovs-ofctl ofp-print`:
// one header line naming the type and xid, then the body.
//
//   OFPT_FLOW_MOD (xid=0x7): ADD priority=100,tcp,tp_dst=80 idle:10 actions=output:2
//   OFPT_PACKET_IN (xid=0x0): total_len=60 in_port=1 (via no_match) data_len=60 buffer=0x00000100
//   tcp,in_port=1,...                          <- the frame's flow key
//   OFPST_FLOW reply (xid=0x2):
//    cookie=0x0, duration=1.5s, table=0, n_packets=3, n_bytes=180, priority=100,tcp actions=output:2
//
// Matches and actions use the flow syntax of flow_syntax.h. Lines after the
// first are separated by '\n'; there is no trailing newline.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "oflib/wire/errors.h"
#include "oflib/wire/message.h"

namespace ofkit::text {

// The whole message, header line first.
std::string format_message(const of::Message& msg, uint32_t xid);
inline std::string format_message(const of::DecodedMessage& m) { return format_message(m.msg, m.header.xid); }

// The first line's prefix: "OFPT_HELLO (xid=0x1):", "OFPST_FLOW request (xid=0x2):".
std::string format_message_header(const of::Message& msg, uint32_t xid);

// "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN".
inline std::string format_error_name(of::Ofperr e) { return std::string(of::ofperr_name(e)); }
// An OFPT_ERROR's (type, code) by name when the spec defines it, else
// "type=0x7,code=0x3" (peers may send values we do not know).
std::string format_error_type_code(uint16_t type, uint16_t code);

// The flow key of an Ethernet frame as an exact match, in_port 0
// ("tcp,in_port=0,dl_vlan=0xffff,...,tp_dst=80").
std::string format_packet(std::span<const uint8_t> frame, uint16_t in_port = 0);

// ovs-ofctl's hex dump: "00000000  01 0e 00 48 ...-... |...H....|" lines.
std::string format_hex_dump(std::span<const uint8_t> bytes);

// Enum names as printed (also used by the JSON form, upper case there).
std::string_view packet_in_reason_name(of::PacketInReason r);        // "no_match", "action"
std::string_view flow_removed_reason_name(of::FlowRemovedReason r);  // "idle", "hard", "delete"
std::string_view port_reason_name(of::PortReason r);                 // "ADD", "DELETE", "MODIFY"

}  // namespace ofkit::text
