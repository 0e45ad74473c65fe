#pragma once
// OFPT_PORT_STATUS (struct ofp_port_status: reason, 7 pad, ofp_phy_port = 64
// bytes) and OFPT_PORT_MOD (struct ofp_port_mod = 32 bytes).

#include <cstdint>
#include <span>

#include "oflib/packet/addr.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/features.h"

namespace ofkit::of {

inline constexpr size_t kPortStatusLen = 64;  // sizeof(struct ofp_port_status)
inline constexpr size_t kPortModLen = 32;     // sizeof(struct ofp_port_mod)

struct PortStatus {
  PortReason reason = PortReason::kAdd;  // kept as sent
  PhyPort desc;
  friend bool operator==(const PortStatus&, const PortStatus&) = default;
};

struct PortMod {
  uint16_t port_no = 0;
  MacAddr hw_addr;         // must equal the port's address (else OFPPMFC_BAD_HW_ADDR, switch side)
  uint32_t config = 0;     // OFPPC_* values
  uint32_t mask = 0;       // which config bits to change
  uint32_t advertise = 0;  // OFPPF_*; 0 leaves advertisement unchanged
  friend bool operator==(const PortMod&, const PortMod&) = default;
};

size_t wire_len(const PortStatus& m);
size_t wire_len(const PortMod& m);
void encode_to(const PortStatus& m, uint32_t xid, uint8_t* out);
void encode_to(const PortMod& m, uint32_t xid, uint8_t* out);
Result<PortStatus> decode_port_status(std::span<const uint8_t> msg);
// port_no 0 or above OFPP_MAX other than OFPP_LOCAL -> OFPPMFC_BAD_PORT.
Result<PortMod> decode_port_mod(std::span<const uint8_t> msg);

}  // namespace ofkit::of
