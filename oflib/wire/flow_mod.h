#pragma once
// OFPT_FLOW_MOD (struct ofp_flow_mod, 72 bytes + actions) and
// OFPT_FLOW_REMOVED (struct ofp_flow_removed, 88 bytes).
//
// FLOW_MOD validation: length field == bytes, >= 72, actions as in
// actions.h (the action list is the rest of the message, so a length that
// leaves a partial action is OFPBAC_BAD_LEN); command not one of
// OFPFC_ADD..OFPFC_DELETE_STRICT -> OFPFMFC_BAD_COMMAND. The match is
// returned as sent: normalize_match() (match.h) gives what a switch installs.

#include <cstdint>
#include <span>

#include "oflib/common/byte_order.h"
#include "oflib/wire/action.h"
#include "oflib/wire/actions.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/match.h"

namespace ofkit::of {

inline constexpr size_t kFlowModLen = 72;      // sizeof(struct ofp_flow_mod)
inline constexpr size_t kFlowRemovedLen = 88;  // sizeof(struct ofp_flow_removed)

struct FlowMod {
  Match match;
  uint64_t cookie = 0;
  FlowModCommand command = FlowModCommand::kAdd;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint16_t priority = kDefaultPriority;
  uint32_t buffer_id = kNoBuffer;
  uint16_t out_port = port::kNone;  // DELETE*: only flows with an output to this port
  uint16_t flags = 0;               // OFPFF_* (flow_mod_flags::)
  ActionList actions;
  friend bool operator==(const FlowMod&, const FlowMod&) = default;
};

class FlowModView {
 public:
  static Result<FlowModView> parse(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

  uint32_t xid() const { return load_be32(p_ + 4); }
  Match match() const { return decode_match(p_ + 8); }
  const uint8_t* match_bytes() const { return p_ + 8; }
  uint64_t cookie() const { return load_be64(p_ + 48); }
  FlowModCommand command() const { return static_cast<FlowModCommand>(load_be16(p_ + 56)); }
  uint16_t idle_timeout() const { return load_be16(p_ + 58); }
  uint16_t hard_timeout() const { return load_be16(p_ + 60); }
  uint16_t priority() const { return load_be16(p_ + 62); }
  uint32_t buffer_id() const { return load_be32(p_ + 64); }
  uint16_t out_port() const { return load_be16(p_ + 68); }
  uint16_t flags() const { return load_be16(p_ + 70); }
  std::span<const uint8_t> action_bytes() const { return {p_ + kFlowModLen, len_ - kFlowModLen}; }
  ActionCursor actions() const { return ActionCursor(action_bytes()); }
  size_t action_count() const { return n_actions_; }
  FlowMod value() const;

 private:
  FlowModView(const uint8_t* p, size_t len, size_t n) : p_(p), len_(len), n_actions_(n) {}
  const uint8_t* p_;
  size_t len_;
  size_t n_actions_;
};

struct FlowRemoved {
  Match match;
  uint64_t cookie = 0;
  uint16_t priority = 0;
  FlowRemovedReason reason = FlowRemovedReason::kIdleTimeout;
  uint32_t duration_sec = 0;
  uint32_t duration_nsec = 0;
  uint16_t idle_timeout = 0;
  uint64_t packet_count = 0;
  uint64_t byte_count = 0;
  friend bool operator==(const FlowRemoved&, const FlowRemoved&) = default;
};

size_t wire_len(const FlowMod& m);
void encode_to(const FlowMod& m, uint32_t xid, uint8_t* out);
Result<FlowMod> decode_flow_mod(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

size_t wire_len(const FlowRemoved& m);
void encode_to(const FlowRemoved& m, uint32_t xid, uint8_t* out);
// The reason byte is kept as sent.
Result<FlowRemoved> decode_flow_removed(std::span<const uint8_t> msg);

}  // namespace ofkit::of
