#pragma once
// OFPT_FEATURES_REQUEST, OFPT_FEATURES_REPLY (struct ofp_switch_features) and
// the port description struct ofp_phy_port it carries (also used by
// PORT_STATUS).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kPhyPortLen = 48;         // sizeof(struct ofp_phy_port)
inline constexpr size_t kSwitchFeaturesLen = 32;  // sizeof(struct ofp_switch_features)

// struct ofp_phy_port.
struct PhyPort {
  uint16_t port_no = 0;
  MacAddr hw_addr;
  std::string name;     // at most 15 characters are encoded (NUL-terminated in 16 bytes)
  uint32_t config = 0;  // OFPPC_* (port_config::)
  uint32_t state = 0;   // OFPPS_* (port_state::)
  uint32_t curr = 0;    // OFPPF_* (port_features::)
  uint32_t advertised = 0;
  uint32_t supported = 0;
  uint32_t peer = 0;
  friend bool operator==(const PhyPort&, const PhyPort&) = default;
};

void encode_phy_port(const PhyPort& p, uint8_t* out);  // 48 bytes
PhyPort decode_phy_port(const uint8_t* in);            // 48 bytes; name stops at the first NUL

struct FeaturesRequest {
  friend bool operator==(const FeaturesRequest&, const FeaturesRequest&) = default;
};

struct FeaturesReply {
  uint64_t datapath_id = 0;
  uint32_t n_buffers = 0;
  uint8_t n_tables = 0;
  uint32_t capabilities = 0;  // OFPC_* (capability::)
  uint32_t actions = 0;       // bitmap of 1 << OFPAT_* supported
  std::vector<PhyPort> ports;
  friend bool operator==(const FeaturesReply&, const FeaturesReply&) = default;
};

size_t wire_len(const FeaturesRequest& m);
size_t wire_len(const FeaturesReply& m);
void encode_to(const FeaturesRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const FeaturesReply& m, uint32_t xid, uint8_t* out);
Result<FeaturesRequest> decode_features_request(std::span<const uint8_t> msg);
// The port list must be a whole number of 48-byte ports (else OFPBRC_BAD_LEN).
Result<FeaturesReply> decode_features_reply(std::span<const uint8_t> msg);

}  // namespace ofkit::of
