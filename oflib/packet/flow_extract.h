#pragma once
// OpenFlow 1.0 flow-key extraction: the datapath's per-packet parser.
//
// extract_flow_key() fills every FlowKey field from a frame exactly as the
// OF1.0 spec (section 3.4, "Flow Matching") and Open vSwitch's OF1.0 mode do:
//   - in_port as given; dl_src/dl_dst from the MAC header.
//   - dl_vlan/dl_vlan_pcp from the OUTER 802.1Q (0x8100), 802.1ad (0x88a8) or
//     old QinQ (0x9100) tag; untagged frames get dl_vlan 0xffff
//     (OFP_VLAN_NONE), pcp 0. Inner tags (QinQ) are skipped.
//   - dl_type is the EtherType after the tags. 802.3 frames (type < 0x600)
//     get 0x05ff (OFP_DL_TYPE_NOT_ETH_TYPE) unless they are LLC/SNAP with OUI
//     00-00-00 and a SNAP type >= 0x600, which becomes dl_type (as OVS does)
//     and is parsed further.
//   - IPv4: nw_tos = TOS & 0xfc (DSCP bits), nw_proto, nw_src, nw_dst;
//     TCP/UDP ports in tp_src/tp_dst; ICMP type/code in tp_src/tp_dst.
//     Non-first fragments (offset != 0) carry no L4 fields.
//   - ARP (Ethernet/IPv4 format): opcode low 8 bits in nw_proto, SPA/TPA in
//     nw_src/nw_dst.
//   - IPv6 and everything else: only L2 fields (OF1.0 has no IPv6 match).
//   - A field the capture does not contain in full is zero: L4 ports need the
//     whole fixed L4 header (TCP 20, UDP 8, ICMP 8 bytes, as OVS); L3 fields
//     need the 20-byte IPv4 header or the 28-byte ARP body. The L4 header is
//     looked for within min(captured, IPv4 total length).
// All fields are host order; padding is zero, so keys compare and hash as
// five 64-bit words. No allocation, no exceptions, never reads past `len`.

#include <cstddef>
#include <cstdint>

#include "oflib/packet/flow_key.h"

namespace ofkit {

enum class KeyStatus : uint8_t {
  kOk = 0,     // every field the frame's protocols define was present
  kTruncated,  // the capture ended inside a header; missing fields are zero (forward as usual)
  kMalformed,  // shorter than a MAC header, or an IPv4 header that contradicts itself
               // (version != 4, IHL < 5, total length < IHL): count and drop
};

KeyStatus extract_flow_key(const uint8_t* frame, size_t len, uint16_t in_port, FlowKey* out);

inline constexpr size_t kFlowKeyBatch = 32;

// Extracts n <= 32 keys, prefetching the frames first. Returns a bit mask with
// bit i set when frame i is kMalformed (the caller counts and drops those).
// If `status` is not null it receives each frame's KeyStatus.
uint32_t extract_flow_keys(const uint8_t* const frames[], const uint16_t lens[], const uint16_t in_ports[],
                           size_t n, FlowKey out[], KeyStatus status[] = nullptr);

}  // namespace ofkit
