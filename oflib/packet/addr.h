#pragma once
// Link and network addresses as people write them: "00:1b:21:3a:4f:01",
// "10.0.0.1", "10.0.0.0/8", "2001:db8::1".

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
  std::string to_string() const;  // "aa:bb:cc:dd:ee:ff"

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

}  // namespace ofkit
