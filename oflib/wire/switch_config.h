#pragma once
// OFPT_GET_CONFIG_REQUEST, OFPT_GET_CONFIG_REPLY and OFPT_SET_CONFIG
// (struct ofp_switch_config: header, flags, miss_send_len).

#include <cstdint>
#include <span>

#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kSwitchConfigLen = 12;  // sizeof(struct ofp_switch_config)

struct GetConfigRequest {
  friend bool operator==(const GetConfigRequest&, const GetConfigRequest&) = default;
};
struct GetConfigReply {
  uint16_t flags = config_flags::kFragNormal;  // OFPC_FRAG_*
  uint16_t miss_send_len = kDefaultMissSendLen;
  friend bool operator==(const GetConfigReply&, const GetConfigReply&) = default;
};
struct SetConfig {
  uint16_t flags = config_flags::kFragNormal;
  uint16_t miss_send_len = kDefaultMissSendLen;
  friend bool operator==(const SetConfig&, const SetConfig&) = default;
};

size_t wire_len(const GetConfigRequest& m);
size_t wire_len(const GetConfigReply& m);
size_t wire_len(const SetConfig& m);
void encode_to(const GetConfigRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const GetConfigReply& m, uint32_t xid, uint8_t* out);
void encode_to(const SetConfig& m, uint32_t xid, uint8_t* out);
Result<GetConfigRequest> decode_get_config_request(std::span<const uint8_t> msg);
Result<GetConfigReply> decode_get_config_reply(std::span<const uint8_t> msg);
// Flags are kept as sent (a switch ignores bits it does not know).
Result<SetConfig> decode_set_config(std::span<const uint8_t> msg);

}  // namespace ofkit::of
