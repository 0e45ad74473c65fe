#pragma once
// OFPT_QUEUE_GET_CONFIG_REQUEST (struct ofp_queue_get_config_request: port,
// 2 pad = 12 bytes) and OFPT_QUEUE_GET_CONFIG_REPLY (struct
// ofp_queue_get_config_reply: port, 6 pad, then struct ofp_packet_queue
// entries, each with struct ofp_queue_prop_* properties).
//
// Validation: each queue's len >= 8, a multiple of 8, inside the message;
// each property's len >= 8 and inside its queue; OFPQT_NONE is 8 bytes,
// OFPQT_MIN_RATE 16, anything else -> OFPBRC_BAD_LEN / OFPBRC_BAD_TYPE.
// A request for port 0 or above OFPP_MAX (the spec asks for a physical
// port) -> OFPQOFC_BAD_PORT.

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kQueueGetConfigRequestLen = 12;  // sizeof(struct ofp_queue_get_config_request)
inline constexpr size_t kQueueGetConfigReplyLen = 16;    // sizeof(struct ofp_queue_get_config_reply)
inline constexpr size_t kPacketQueueLen = 8;             // sizeof(struct ofp_packet_queue)
inline constexpr size_t kQueuePropHeaderLen = 8;         // sizeof(struct ofp_queue_prop_header)
inline constexpr size_t kQueuePropMinRateLen = 16;       // sizeof(struct ofp_queue_prop_min_rate)

struct QueuePropNone {  // OFPQT_NONE
  friend bool operator==(const QueuePropNone&, const QueuePropNone&) = default;
};
struct QueuePropMinRate {         // OFPQT_MIN_RATE
  uint16_t rate = kMinRateUncfg;  // in 1/10 of a percent; > 1000 means disabled
  friend bool operator==(const QueuePropMinRate&, const QueuePropMinRate&) = default;
};
using QueueProp = std::variant<QueuePropNone, QueuePropMinRate>;

struct PacketQueue {  // struct ofp_packet_queue
  uint32_t queue_id = 0;
  std::vector<QueueProp> properties;
  friend bool operator==(const PacketQueue&, const PacketQueue&) = default;
};

struct QueueGetConfigRequest {
  uint16_t port = 0;
  friend bool operator==(const QueueGetConfigRequest&, const QueueGetConfigRequest&) = default;
};
struct QueueGetConfigReply {
  uint16_t port = 0;
  std::vector<PacketQueue> queues;
  friend bool operator==(const QueueGetConfigReply&, const QueueGetConfigReply&) = default;
};

size_t wire_len(const QueueGetConfigRequest& m);
size_t wire_len(const QueueGetConfigReply& m);
void encode_to(const QueueGetConfigRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const QueueGetConfigReply& m, uint32_t xid, uint8_t* out);
Result<QueueGetConfigRequest> decode_queue_get_config_request(std::span<const uint8_t> msg);
Result<QueueGetConfigReply> decode_queue_get_config_reply(std::span<const uint8_t> msg);

}  // namespace ofkit::of
