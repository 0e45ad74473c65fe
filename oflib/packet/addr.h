#pragma once
// Link and network addresses as people write them: "00:1b:21:3a:4f:01",
// "10.0.0.1", "10.0.0.0/8", "10.0.0.0/255.0.0.0", "2001:db8::1", "2001:db8::/32".

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace ofkit {

struct MacAddr {
  std::array<uint8_t, 6> bytes{};

  static constexpr MacAddr broadcast() { return MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  static MacAddr from_bytes(const uint8_t* p) {
    MacAddr m;
    std::memcpy(m.bytes.data(), p, 6);
    return m;
  }
  static constexpr MacAddr from_u64(uint64_t v) {
    MacAddr m;
    for (int i = 5; i >= 0; --i, v >>= 8) m.bytes[i] = static_cast<uint8_t>(v);
    return m;
  }
  // Accepts "aa:bb:cc:dd:ee:ff" and "aa-bb-cc-dd-ee-ff" (case-insensitive).
  static std::optional<MacAddr> parse(std::string_view s);

  constexpr uint64_t to_u64() const {
    uint64_t v = 0;
    for (uint8_t b : bytes) v = (v << 8) | b;
    return v;
  }
  constexpr bool is_zero() const { return to_u64() == 0; }
  constexpr bool is_broadcast() const { return to_u64() == 0xffffffffffffULL; }
  constexpr bool is_multicast() const { return bytes[0] & 1; }  // includes broadcast
  std::string to_string() const;                                // "aa:bb:cc:dd:ee:ff"

  friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;
};
static_assert(sizeof(MacAddr) == 6 && alignof(MacAddr) == 1);

// An IPv4 address in host byte order (10.0.0.1 is 0x0a000001).
struct Ipv4Addr {
  uint32_t value = 0;

  static std::optional<Ipv4Addr> parse(std::string_view s);  // dotted quad
  std::string to_string() const;
  friend constexpr auto operator<=>(const Ipv4Addr&, const Ipv4Addr&) = default;
};

// Network mask of a prefix length 0..32 in host order (24 -> 0xffffff00).
constexpr uint32_t ipv4_prefix_mask(int prefix_len) {
  return prefix_len <= 0 ? 0u : prefix_len >= 32 ? 0xffffffffu : ~((1u << (32 - prefix_len)) - 1);
}

// An IPv6 address, bytes in network order.
struct Ipv6Addr {
  std::array<uint8_t, 16> bytes{};

  static Ipv6Addr from_bytes(const uint8_t* p) {
    Ipv6Addr a;
    std::memcpy(a.bytes.data(), p, 16);
    return a;
  }
  // Every RFC 4291 section 2.2 form: full, "::"-compressed, embedded IPv4
  // ("::ffff:10.0.0.1"); hex digits in either case.
  static std::optional<Ipv6Addr> parse(std::string_view s);
  // RFC 5952: lowercase, no leading zeros, the longest run (first on a tie)
  // of two or more zero groups as "::", IPv4-mapped as "::ffff:a.b.c.d".
  std::string to_string() const;
  bool is_zero() const {
    for (uint8_t b : bytes)
      if (b) return false;
    return true;
  }
  bool is_multicast() const { return bytes[0] == 0xff; }
  friend constexpr auto operator<=>(const Ipv6Addr&, const Ipv6Addr&) = default;
};

// An IPv4 network: address (host bits cleared) and prefix length 0..32.
struct Ipv4Prefix {
  Ipv4Addr addr;
  int len = 32;

  static Ipv4Prefix make(Ipv4Addr a, int len) {
    return Ipv4Prefix{Ipv4Addr{a.value & ipv4_prefix_mask(len)}, len};
  }
  // "10.0.0.0/8", "10.0.0.0/255.0.0.0" (contiguous masks only) or a bare
  // address (/32). Host bits are cleared: "10.1.2.3/8" is 10.0.0.0/8.
  static std::optional<Ipv4Prefix> parse(std::string_view s);
  std::string to_string() const;  // "10.0.0.0/8"; a /32 prints as the bare address
  uint32_t netmask() const { return ipv4_prefix_mask(len); }
  Ipv4Addr netmask_addr() const { return Ipv4Addr{netmask()}; }
  bool contains(Ipv4Addr a) const { return (a.value & netmask()) == addr.value; }
  bool contains(const Ipv4Prefix& p) const { return p.len >= len && contains(p.addr); }
  friend constexpr auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;
};

// Prefix length of a contiguous netmask (0xffffff00 -> 24), or -1.
int ipv4_mask_prefix_len(uint32_t mask);

// An IPv6 network: address (host bits cleared) and prefix length 0..128.
struct Ipv6Prefix {
  Ipv6Addr addr;
  int len = 128;

  static Ipv6Prefix make(const Ipv6Addr& a, int len);
  static std::optional<Ipv6Prefix> parse(std::string_view s);  // "2001:db8::/32" or a bare address
  std::string to_string() const;                               // a /128 prints as the bare address
  Ipv6Addr netmask() const;
  bool contains(const Ipv6Addr& a) const;
  friend constexpr auto operator<=>(const Ipv6Prefix&, const Ipv6Prefix&) = default;
};

}  // namespace ofkit
