#pragma once
// ParsedPacket: walks a frame layer by layer and lets code navigate it the
// way POX apps do with packet.find('ipv4'):
//
//   ParsedPacket pkt = ParsedPacket::parse(frame);
//   if (auto ip = pkt.find<Ipv4View>()) ... ip->src() ...
//   if (pkt.has(Layer::kTcp)) ...
//   if (!pkt.ok()) log(pkt.error_layer(), pkt.error());   // "tcp: truncated"
//
// The walk: Ethernet -> (VLAN tags) -> LLC/SNAP for 802.3 -> ARP | IPv4 |
// IPv6 (+ extension headers) | LLDP -> ICMP | ICMPv6 | TCP | UDP -> DHCP
// (UDP 67/68) | DNS (UDP 53/5353) -> payload. It stops at the first header
// that is truncated or inconsistent: every layer before it is recorded and
// usable, error_layer() names the one that failed and error() says why.
// Non-first IP fragments end with a payload layer (they carry no L4 header).
// The frame is not copied: keep its bytes alive while using the packet.

#include <array>
#include <optional>
#include <string>

#include "oflib/packet/arp.h"
#include "oflib/packet/dhcp.h"
#include "oflib/packet/dns.h"
#include "oflib/packet/ethernet.h"
#include "oflib/packet/icmp.h"
#include "oflib/packet/ipv4.h"
#include "oflib/packet/ipv6.h"
#include "oflib/packet/lldp.h"
#include "oflib/packet/protocols.h"
#include "oflib/packet/tcp.h"
#include "oflib/packet/udp.h"

namespace ofkit {

struct LayerRef {
  Layer layer = Layer::kNone;
  uint8_t kind = 0;     // kIpv6Ext: the extension header's protocol number; kVlan: 1 for inner tags
  uint16_t offset = 0;  // from the start of the frame
  uint16_t length = 0;  // bytes from offset to the end of this layer's extent (header + payload)
};

class ParsedPacket {
 public:
  static constexpr size_t kMaxLayers = 24;

  static ParsedPacket parse(Bytes frame);

  Bytes frame() const { return frame_; }
  size_t size() const { return n_; }
  const LayerRef& operator[](size_t i) const { return layers_[i]; }
  const LayerRef* begin() const { return layers_.data(); }
  const LayerRef* end() const { return layers_.data() + n_; }

  bool has(Layer l) const { return find_ref(l) != nullptr; }
  // First (outermost) layer of that kind, or null.
  const LayerRef* find_ref(Layer l) const;
  // The bytes of a layer (header and what follows, within its extent).
  Bytes bytes_of(const LayerRef& r) const { return frame_.subspan(r.offset, r.length); }
  // A view of the first layer of V's kind (V::kLayer), e.g. find<TcpView>(),
  // find<DnsMessage>() (decodes it), find<Lldpdu>().
  template <typename V>
  std::optional<V> find() const {
    const LayerRef* r = find_ref(V::kLayer);
    if (!r) return std::nullopt;
    ParseResult<V> v = [&] {
      if constexpr (requires { V::parse(Bytes{}, uint8_t{}); }) {
        return V::parse(bytes_of(*r), r->kind);
      } else {
        return V::parse(bytes_of(*r));
      }
    }();
    if (!v) return std::nullopt;
    return std::move(*v);
  }
  // The innermost protocol layer (not kPayload), e.g. kTcp.
  Layer top() const;
  // Bytes after the last parsed header (application data), may be empty.
  Bytes payload() const { return frame_.subspan(payload_offset_); }

  bool ok() const { return error_layer_ == Layer::kNone; }
  Layer error_layer() const { return error_layer_; }  // kNone when the walk finished
  ParseError error() const { return error_; }
  // "ethernet/vlan/ipv4/tcp", with " (udp: truncated)" appended on error.
  std::string describe() const;

 private:
  void push(Layer l, size_t offset, size_t length, uint8_t kind = 0);
  void fail(Layer l, ParseError e) {
    error_layer_ = l;
    error_ = e;
  }
  void parse_ethertype(uint16_t type, size_t off, Bytes b, int depth);
  void parse_ip_upper(uint8_t proto, size_t off, Bytes b, bool later_fragment);
  void parse_udp_app(const UdpView& udp, size_t off);

  Bytes frame_;
  std::array<LayerRef, kMaxLayers> layers_{};
  uint8_t n_ = 0;
  Layer error_layer_ = Layer::kNone;
  ParseError error_ = ParseError::kTruncated;
  size_t payload_offset_ = 0;
};

}  // namespace ofkit
