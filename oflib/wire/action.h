#pragma once
// OpenFlow 1.0 actions (struct ofp_action_*) as plain values for the control
// path. A flow's action list is std::vector<Action>; the datapath compiles it
// into its own compact form when a flow is installed.

#include <cstdint>
#include <variant>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/wire/constants.h"

namespace ofkit::of {

struct ActionOutput {  // OFPAT_OUTPUT
  uint16_t port = 0;
  uint16_t max_len = 0;  // bytes sent to the controller when port == OFPP_CONTROLLER
  friend bool operator==(const ActionOutput&, const ActionOutput&) = default;
};
struct ActionSetVlanVid {  // OFPAT_SET_VLAN_VID
  uint16_t vlan_vid = 0;   // 12 bits
  friend bool operator==(const ActionSetVlanVid&, const ActionSetVlanVid&) = default;
};
struct ActionSetVlanPcp {  // OFPAT_SET_VLAN_PCP
  uint8_t vlan_pcp = 0;    // 3 bits
  friend bool operator==(const ActionSetVlanPcp&, const ActionSetVlanPcp&) = default;
};
struct ActionStripVlan {  // OFPAT_STRIP_VLAN
  friend bool operator==(const ActionStripVlan&, const ActionStripVlan&) = default;
};
struct ActionSetDlSrc {  // OFPAT_SET_DL_SRC
  MacAddr dl_addr;
  friend bool operator==(const ActionSetDlSrc&, const ActionSetDlSrc&) = default;
};
struct ActionSetDlDst {  // OFPAT_SET_DL_DST
  MacAddr dl_addr;
  friend bool operator==(const ActionSetDlDst&, const ActionSetDlDst&) = default;
};
struct ActionSetNwSrc {  // OFPAT_SET_NW_SRC
  uint32_t nw_addr = 0;  // host order
  friend bool operator==(const ActionSetNwSrc&, const ActionSetNwSrc&) = default;
};
struct ActionSetNwDst {  // OFPAT_SET_NW_DST
  uint32_t nw_addr = 0;
  friend bool operator==(const ActionSetNwDst&, const ActionSetNwDst&) = default;
};
struct ActionSetNwTos {  // OFPAT_SET_NW_TOS
  uint8_t nw_tos = 0;    // DSCP in the upper 6 bits
  friend bool operator==(const ActionSetNwTos&, const ActionSetNwTos&) = default;
};
struct ActionSetTpSrc {  // OFPAT_SET_TP_SRC
  uint16_t tp_port = 0;
  friend bool operator==(const ActionSetTpSrc&, const ActionSetTpSrc&) = default;
};
struct ActionSetTpDst {  // OFPAT_SET_TP_DST
  uint16_t tp_port = 0;
  friend bool operator==(const ActionSetTpDst&, const ActionSetTpDst&) = default;
};
struct ActionEnqueue {  // OFPAT_ENQUEUE
  uint16_t port = 0;
  uint32_t queue_id = 0;
  friend bool operator==(const ActionEnqueue&, const ActionEnqueue&) = default;
};
struct ActionVendor {  // OFPAT_VENDOR
  uint32_t vendor = 0;
  std::vector<uint8_t> body;  // bytes after the 8-byte header; length keeps 8-byte alignment
  friend bool operator==(const ActionVendor&, const ActionVendor&) = default;
};

using Action = std::variant<ActionOutput, ActionSetVlanVid, ActionSetVlanPcp, ActionStripVlan, ActionSetDlSrc,
                            ActionSetDlDst, ActionSetNwSrc, ActionSetNwDst, ActionSetNwTos, ActionSetTpSrc,
                            ActionSetTpDst, ActionEnqueue, ActionVendor>;
using ActionList = std::vector<Action>;

}  // namespace ofkit::of
