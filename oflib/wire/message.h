#pragma once
// Any OpenFlow 1.0 message as one value: Message is a variant with one
// alternative per OFPT type, in OFPT order, so msg.index() is the type.
//
// decode_message() is strict, and every failure is the error a switch would
// send back (errors.h), checked in this order:
//   fewer than 8 bytes, or length field != bytes present   -> OFPBRC_BAD_LEN
//   version != 0x01 (HELLO: any version >= 1 is accepted)  -> OFPBRC_BAD_VERSION
//   type > 21                                              -> OFPBRC_BAD_TYPE
//   length below the type's minimum, or a fixed-size
//   type with a different length (message_table.h)         -> OFPBRC_BAD_LEN
//   then the family decoder (stats type -> OFPBRC_BAD_STAT, actions ->
//   OFPET_BAD_ACTION, flow_mod command -> OFPFMFC_BAD_COMMAND, ...).
//
// Encoding: encode_message_into() writes into a caller's buffer without
// allocating and returns 0 when the message does not fit (or is longer than
// 65535 bytes); encode_message() returns a new buffer (empty if too long).

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "oflib/wire/actions.h"
#include "oflib/wire/error_msg.h"
#include "oflib/wire/features.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/header.h"
#include "oflib/wire/packet_in.h"
#include "oflib/wire/packet_out.h"
#include "oflib/wire/port.h"
#include "oflib/wire/queue_config.h"
#include "oflib/wire/simple.h"
#include "oflib/wire/stats.h"
#include "oflib/wire/switch_config.h"

namespace ofkit::of {

using Message = std::variant<Hello,                  // 0  OFPT_HELLO
                             ErrorMsg,               // 1  OFPT_ERROR
                             EchoRequest,            // 2  OFPT_ECHO_REQUEST
                             EchoReply,              // 3  OFPT_ECHO_REPLY
                             Vendor,                 // 4  OFPT_VENDOR
                             FeaturesRequest,        // 5  OFPT_FEATURES_REQUEST
                             FeaturesReply,          // 6  OFPT_FEATURES_REPLY
                             GetConfigRequest,       // 7  OFPT_GET_CONFIG_REQUEST
                             GetConfigReply,         // 8  OFPT_GET_CONFIG_REPLY
                             SetConfig,              // 9  OFPT_SET_CONFIG
                             PacketIn,               // 10 OFPT_PACKET_IN
                             FlowRemoved,            // 11 OFPT_FLOW_REMOVED
                             PortStatus,             // 12 OFPT_PORT_STATUS
                             PacketOut,              // 13 OFPT_PACKET_OUT
                             FlowMod,                // 14 OFPT_FLOW_MOD
                             PortMod,                // 15 OFPT_PORT_MOD
                             StatsRequest,           // 16 OFPT_STATS_REQUEST
                             StatsReply,             // 17 OFPT_STATS_REPLY
                             BarrierRequest,         // 18 OFPT_BARRIER_REQUEST
                             BarrierReply,           // 19 OFPT_BARRIER_REPLY
                             QueueGetConfigRequest,  // 20 OFPT_QUEUE_GET_CONFIG_REQUEST
                             QueueGetConfigReply>;   // 21 OFPT_QUEUE_GET_CONFIG_REPLY
static_assert(std::variant_size_v<Message> == kMsgTypeCount);

inline MsgType message_type(const Message& m) { return static_cast<MsgType>(m.index()); }

// Decodes exactly one whole message (msg.size() must equal its length field).
Result<Message> decode_message(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

// The same, with the header (xid) alongside.
struct DecodedMessage {
  Header header;
  Message msg;
};
Result<DecodedMessage> decode(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

// The error a switch answers to a well-formed message it does not act on,
// or nullopt if it should handle it: OFPT_VENDOR and OFPST_VENDOR requests
// -> OFPBRC_BAD_VENDOR (ofkit implements no vendor extension); messages
// only a switch sends (PACKET_IN, FEATURES_REPLY, STATS_REPLY, ...; see
// message_table.h) -> OFPBRC_BAD_TYPE.
std::optional<Ofperr> switch_rejects(const Message& m);

// Encoded length of m, header included (may exceed 65535: then it cannot be sent).
size_t message_wire_len(const Message& m);
size_t encode_message_into(const Message& m, uint32_t xid, std::span<uint8_t> out);
std::vector<uint8_t> encode_message(const Message& m, uint32_t xid);

}  // namespace ofkit::of
