#pragma once
// Internet checksums (RFC 1071) and incremental updates (RFC 1624).
//
// Conventions: every function takes and returns values in HOST order (the
// value you would load_be16() from the checksum field), and a returned
// checksum is ready to store_be16() into the header. csum_partial() returns an
// unfolded 32-bit running sum that can be fed to further csum_* calls; the
// *_checksum() helpers return the final complemented 16-bit value.
//
// The set_* helpers at the end are what the OF1.0 set-field actions
// (OFPAT_SET_NW_SRC/DST, OFPAT_SET_NW_TOS, OFPAT_SET_TP_SRC/DST) need: they
// rewrite one field of an IPv4 packet in place and fix the IPv4 header
// checksum and the TCP/UDP checksum incrementally, without touching the
// payload. A UDP checksum of 0 (none) stays 0. Non-first fragments have no L4
// header and are left alone. All are small inline functions for the datapath.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "oflib/common/byte_order.h"

namespace ofkit {

// Folds a running sum to 16 bits (end-around carry), not complemented.
constexpr uint16_t csum_fold(uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// Ones-complement sum of `len` bytes read as big-endian 16-bit words (an odd
// last byte is padded with zero), added to `sum`. Returns a folded sum
// (<= 0xffff) in host order.
inline uint32_t csum_partial(const uint8_t* data, size_t len, uint32_t sum = 0) {
  // Sum native 32-bit words into 64 bits; the ones-complement sum is byte
  // order independent (RFC 1071 section 2(B)), so swap once at the end.
  uint64_t acc = 0;
  while (len >= 16) {
    uint32_t w[4];
    std::memcpy(w, data, 16);
    acc += uint64_t{w[0]} + w[1] + w[2] + w[3];
    data += 16;
    len -= 16;
  }
  while (len >= 4) {
    uint32_t w;
    std::memcpy(&w, data, 4);
    acc += w;
    data += 4;
    len -= 4;
  }
  if (len >= 2) {
    uint16_t w;
    std::memcpy(&w, data, 2);
    acc += w;
    data += 2;
    len -= 2;
  }
  if (len) {
    const uint8_t tail[2] = {*data, 0};
    uint16_t w;
    std::memcpy(&w, tail, 2);
    acc += w;
  }
  const uint16_t native = csum_fold(acc);
  return csum_fold(uint64_t{sum} + be16_to_host(native));
}

// Adds host-order 16/32-bit values to a running sum.
constexpr uint32_t csum_add16(uint32_t sum, uint16_t v) { return csum_fold(uint64_t{sum} + v); }
constexpr uint32_t csum_add32(uint32_t sum, uint32_t v) {
  return csum_fold(uint64_t{sum} + (v >> 16) + (v & 0xffff));
}

// The checksum to store: complement of the folded sum.
constexpr uint16_t csum_finish(uint32_t sum) { return static_cast<uint16_t>(~csum_fold(sum)); }

// Checksum of a whole buffer (e.g. an ICMP message with its checksum field
// zeroed). Over a buffer that includes a correct checksum field it returns 0.
inline uint16_t inet_checksum(const uint8_t* data, size_t len) {
  return csum_finish(csum_partial(data, len));
}

// IPv4 header checksum over `header_len` bytes, treating the checksum field
// (bytes 10-11) as zero whatever it holds.
inline uint16_t ipv4_header_checksum(const uint8_t* ip, size_t header_len) {
  uint32_t sum = csum_partial(ip, 10);
  return csum_finish(csum_partial(ip + 12, header_len - 12, sum));
}
// True when the stored header checksum is right.
inline bool ipv4_header_checksum_ok(const uint8_t* ip, size_t header_len) {
  return inet_checksum(ip, header_len) == 0;
}

// Pseudo-header sums (RFC 793/768 for IPv4, RFC 8200 section 8.1 for IPv6).
constexpr uint32_t ipv4_pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len) {
  return csum_fold(uint64_t{src >> 16} + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + l4_len);
}
inline uint32_t ipv6_pseudo_sum(const uint8_t* src16, const uint8_t* dst16, uint32_t l4_len,
                                uint8_t next_header) {
  uint32_t sum = csum_partial(src16, 16);
  sum = csum_partial(dst16, 16, sum);
  return csum_add16(csum_add32(sum, l4_len), next_header);
}

// TCP/UDP/ICMPv6 checksum of an L4 segment whose own checksum field (at
// `csum_offset`: TCP 16, UDP 6, ICMPv6 2) is treated as zero. For UDP a
// result of 0 is sent as 0xffff (RFC 768); use udp_checksum_* for that.
inline uint16_t l4_checksum(uint32_t pseudo_sum, const uint8_t* l4, size_t len, size_t csum_offset) {
  uint32_t sum = csum_partial(l4, csum_offset, pseudo_sum);
  return csum_finish(csum_partial(l4 + csum_offset + 2, len - csum_offset - 2, sum));
}
inline uint16_t tcp_checksum_ipv4(uint32_t src, uint32_t dst, const uint8_t* tcp, size_t len) {
  return l4_checksum(ipv4_pseudo_sum(src, dst, 6, static_cast<uint16_t>(len)), tcp, len, 16);
}
inline uint16_t udp_checksum_ipv4(uint32_t src, uint32_t dst, const uint8_t* udp, size_t len) {
  const uint16_t c = l4_checksum(ipv4_pseudo_sum(src, dst, 17, static_cast<uint16_t>(len)), udp, len, 6);
  return c == 0 ? 0xffff : c;
}
inline uint16_t tcp_checksum_ipv6(const uint8_t* src16, const uint8_t* dst16, const uint8_t* tcp,
                                  size_t len) {
  return l4_checksum(ipv6_pseudo_sum(src16, dst16, static_cast<uint32_t>(len), 6), tcp, len, 16);
}
inline uint16_t udp_checksum_ipv6(const uint8_t* src16, const uint8_t* dst16, const uint8_t* udp,
                                  size_t len) {
  const uint16_t c = l4_checksum(ipv6_pseudo_sum(src16, dst16, static_cast<uint32_t>(len), 17), udp, len, 6);
  return c == 0 ? 0xffff : c;
}
inline uint16_t icmpv6_checksum(const uint8_t* src16, const uint8_t* dst16, const uint8_t* icmp, size_t len) {
  return l4_checksum(ipv6_pseudo_sum(src16, dst16, static_cast<uint32_t>(len), 58), icmp, len, 2);
}
// ICMP (v4) has no pseudo-header: checksum of the message, field at offset 2.
inline uint16_t icmp_checksum(const uint8_t* icmp, size_t len) { return l4_checksum(0, icmp, len, 2); }

// RFC 1624 equation 3: HC' = ~(~HC + ~m + m'), for a 16-bit field that
// changed from `old_v` to `new_v`.
constexpr uint16_t csum_update16(uint16_t hc, uint16_t old_v, uint16_t new_v) {
  const uint64_t sum = uint64_t{static_cast<uint16_t>(~hc)} + static_cast<uint16_t>(~old_v) + new_v;
  return static_cast<uint16_t>(~csum_fold(sum));
}
constexpr uint16_t csum_update32(uint16_t hc, uint32_t old_v, uint32_t new_v) {
  const uint64_t sum = uint64_t{static_cast<uint16_t>(~hc)} + static_cast<uint16_t>(~(old_v >> 16)) +
                       static_cast<uint16_t>(~old_v & 0xffff) + (new_v >> 16) + (new_v & 0xffff);
  return static_cast<uint16_t>(~csum_fold(sum));
}

// ---- in-place set-field helpers for an IPv4 packet -------------------------
// `ip` points at the IPv4 header, `len` is the number of bytes available from
// there (captured bytes, may exceed the IP total length). Each returns false
// and changes nothing when the header it needs is not all there.

namespace detail {
// Where the L4 checksum field lives, or nullptr when there is none to fix:
// not TCP/UDP, non-first fragment, header not captured, or UDP checksum 0.
inline uint8_t* ipv4_l4_csum_field(uint8_t* ip, size_t len, bool* is_udp) {
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  if ((load_be16(ip + 6) & 0x1fff) != 0) return nullptr;  // non-first fragment
  const uint8_t proto = ip[9];
  if (proto == 6 && len >= ihl + 18) {
    *is_udp = false;
    return ip + ihl + 16;
  }
  if (proto == 17 && len >= ihl + 8) {
    *is_udp = true;
    uint8_t* f = ip + ihl + 6;
    return load_be16(f) == 0 ? nullptr : f;  // no checksum stays no checksum
  }
  return nullptr;
}
inline bool ipv4_header_present(const uint8_t* ip, size_t len) {
  return len >= 20 && (ip[0] >> 4) == 4 && (ip[0] & 0x0f) >= 5 && len >= size_t{ip[0] & 0x0fu} * 4;
}
}  // namespace detail

// OFPAT_SET_NW_SRC / OFPAT_SET_NW_DST: `addr` in host order.
inline bool set_ipv4_addr(uint8_t* ip, size_t len, bool src, uint32_t addr) {
  if (!detail::ipv4_header_present(ip, len)) return false;
  uint8_t* field = ip + (src ? 12 : 16);
  const uint32_t old_v = load_be32(field);
  if (old_v == addr) return true;
  store_be32(field, addr);
  store_be16(ip + 10, csum_update32(load_be16(ip + 10), old_v, addr));
  bool is_udp = false;
  if (uint8_t* l4c = detail::ipv4_l4_csum_field(ip, len, &is_udp)) {
    uint16_t c = csum_update32(load_be16(l4c), old_v, addr);
    if (is_udp && c == 0) c = 0xffff;
    store_be16(l4c, c);
  }
  return true;
}

// OFPAT_SET_NW_TOS: sets the DSCP bits (tos & 0xfc), keeps the two ECN bits.
inline bool set_ipv4_tos(uint8_t* ip, size_t len, uint8_t tos) {
  if (!detail::ipv4_header_present(ip, len)) return false;
  const uint16_t old_w = load_be16(ip);  // version/IHL + TOS
  ip[1] = static_cast<uint8_t>((ip[1] & 0x03) | (tos & 0xfc));
  store_be16(ip + 10, csum_update16(load_be16(ip + 10), old_w, load_be16(ip)));
  return true;
}

// OFPAT_SET_TP_SRC / OFPAT_SET_TP_DST on TCP or UDP (ports in host order).
// Returns false when the packet is not a first-fragment TCP/UDP packet with
// its ports captured.
inline bool set_l4_port(uint8_t* ip, size_t len, bool src, uint16_t port) {
  if (!detail::ipv4_header_present(ip, len)) return false;
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  if ((load_be16(ip + 6) & 0x1fff) != 0 || (ip[9] != 6 && ip[9] != 17) || len < ihl + 4) return false;
  uint8_t* field = ip + ihl + (src ? 0 : 2);
  const uint16_t old_v = load_be16(field);
  store_be16(field, port);
  bool is_udp = false;
  if (uint8_t* l4c = detail::ipv4_l4_csum_field(ip, len, &is_udp)) {
    uint16_t c = csum_update16(load_be16(l4c), old_v, port);
    if (is_udp && c == 0) c = 0xffff;
    store_be16(l4c, c);
  }
  return true;
}

}  // namespace ofkit
