#include "oflib/wire/switch_config.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {
namespace {

void encode_config(MsgType t, uint16_t flags, uint16_t miss_send_len, uint32_t xid, uint8_t* out) {
  encode_header(out, t, kSwitchConfigLen, xid);
  store_be16(out + 8, flags);
  store_be16(out + 10, miss_send_len);
}

}  // namespace

size_t wire_len(const GetConfigRequest&) { return kHeaderLen; }
size_t wire_len(const GetConfigReply&) { return kSwitchConfigLen; }
size_t wire_len(const SetConfig&) { return kSwitchConfigLen; }

void encode_to(const GetConfigRequest&, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kGetConfigRequest, kHeaderLen, xid);
}
void encode_to(const GetConfigReply& m, uint32_t xid, uint8_t* out) {
  encode_config(MsgType::kGetConfigReply, m.flags, m.miss_send_len, xid, out);
}
void encode_to(const SetConfig& m, uint32_t xid, uint8_t* out) {
  encode_config(MsgType::kSetConfig, m.flags, m.miss_send_len, xid, out);
}

Result<GetConfigRequest> decode_get_config_request(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kGetConfigRequest); !r) return fail(r.error());
  return GetConfigRequest{};
}
Result<GetConfigReply> decode_get_config_reply(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kGetConfigReply); !r) return fail(r.error());
  return GetConfigReply{load_be16(msg.data() + 8), load_be16(msg.data() + 10)};
}
Result<SetConfig> decode_set_config(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kSetConfig); !r) return fail(r.error());
  return SetConfig{load_be16(msg.data() + 8), load_be16(msg.data() + 10)};
}

}  // namespace ofkit::of
