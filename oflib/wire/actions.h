#pragma once
// Encoding, decoding and validation of OpenFlow 1.0 action lists
// (struct ofp_action_*; the value types are in action.h).
//
// Validation is what an OF1.0 switch checks before accepting a FLOW_MOD or
// PACKET_OUT, in this order for each action:
//   len < 8, len % 8 != 0, len past the end of the list  -> OFPBAC_BAD_LEN
//   unknown type                                         -> OFPBAC_BAD_TYPE
//   len different from the type's size                   -> OFPBAC_BAD_LEN
//   OUTPUT to 0, to OFPP_NONE, or above OFPP_MAX to a
//     number that is not a reserved port                 -> OFPBAC_BAD_OUT_PORT
//   ENQUEUE to a port that is not 1..OFPP_MAX, IN_PORT
//     or LOCAL                                           -> OFPBAC_BAD_OUT_PORT
//   ENQUEUE to queue OFPQ_ALL                            -> OFPBAC_BAD_QUEUE
//   SET_VLAN_VID > 0xfff, SET_VLAN_PCP > 7,
//     SET_NW_TOS with ECN bits (tos & 3)                 -> OFPBAC_BAD_ARGUMENT
//   VENDOR: len < 8                                      -> OFPBAC_BAD_LEN
//           unknown vendor (all are, unless accepted)    -> OFPBAC_BAD_VENDOR
//
// The hot path validates once with validate_actions() and then walks the
// bytes with ActionCursor, whose accessors cannot fail.

#include <cstddef>
#include <cstdint>
#include <span>

#include "oflib/common/byte_order.h"
#include "oflib/wire/action.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

// Wire sizes (sizeof(struct ofp_action_*)).
inline constexpr size_t kActionHeaderLen = 8;    // ofp_action_header
inline constexpr size_t kActionOutputLen = 8;    // ofp_action_output
inline constexpr size_t kActionVlanVidLen = 8;   // ofp_action_vlan_vid
inline constexpr size_t kActionVlanPcpLen = 8;   // ofp_action_vlan_pcp
inline constexpr size_t kActionDlAddrLen = 16;   // ofp_action_dl_addr
inline constexpr size_t kActionNwAddrLen = 8;    // ofp_action_nw_addr
inline constexpr size_t kActionNwTosLen = 8;     // ofp_action_nw_tos
inline constexpr size_t kActionTpPortLen = 8;    // ofp_action_tp_port
inline constexpr size_t kActionEnqueueLen = 16;  // ofp_action_enqueue
inline constexpr size_t kActionVendorLen = 8;    // ofp_action_vendor_header (minimum)

struct ActionDecodeOptions {
  // OFPAT_VENDOR actions are rejected with OFPBAC_BAD_VENDOR (ofkit knows no
  // vendor extension) unless this is set, e.g. by a controller or printer
  // that wants to show what a switch reported.
  bool accept_vendor = false;
};

// The wire size of one action / a whole list.
size_t action_wire_len(const Action& a);
size_t actions_wire_len(const ActionList& actions);

// Writes the list at out (actions_wire_len bytes); returns the bytes written.
// Values are written as held (no range checks): validation is the decoder's.
// A vendor body is zero-padded to a multiple of 8.
size_t encode_action(const Action& a, uint8_t* out);
size_t encode_actions(const ActionList& actions, uint8_t* out);

// Checks a whole action list (the bytes of actions only) and returns the
// number of actions, or the first error.
Result<size_t> validate_actions(std::span<const uint8_t> bytes, const ActionDecodeOptions& opts = {});

// Validates and decodes a whole action list.
Result<ActionList> decode_actions(std::span<const uint8_t> bytes, const ActionDecodeOptions& opts = {});

// Walks a list that validate_actions() accepted. Accessors read the current
// action; those for fields the current type lacks return 0.
//   for (ActionCursor c(bytes); !c.done(); c.advance()) switch (c.type()) ...
class ActionCursor {
 public:
  explicit ActionCursor(std::span<const uint8_t> validated)
      : p_(validated.data()), end_(p_ + validated.size()) {}
  bool done() const { return p_ >= end_; }
  void advance() { p_ += len(); }
  ActionType type() const { return static_cast<ActionType>(load_be16(p_)); }
  uint16_t len() const { return load_be16(p_ + 2); }
  const uint8_t* data() const { return p_; }

  // OUTPUT and ENQUEUE port; OUTPUT max_len; ENQUEUE queue_id.
  uint16_t port() const { return load_be16(p_ + 4); }
  uint16_t max_len() const { return load_be16(p_ + 6); }
  uint32_t queue_id() const { return load_be32(p_ + 12); }
  // SET_VLAN_VID, SET_VLAN_PCP, SET_NW_TOS, SET_TP_SRC/DST.
  uint16_t vlan_vid() const { return load_be16(p_ + 4); }
  uint8_t vlan_pcp() const { return p_[4]; }
  uint8_t nw_tos() const { return p_[4]; }
  uint16_t tp_port() const { return load_be16(p_ + 4); }
  // SET_DL_SRC/DST (6 bytes), SET_NW_SRC/DST (host order).
  const uint8_t* dl_addr() const { return p_ + 4; }
  uint32_t nw_addr() const { return load_be32(p_ + 4); }
  // VENDOR.
  uint32_t vendor() const { return load_be32(p_ + 4); }

  // The current action as a value.
  Action value() const;

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace ofkit::of
