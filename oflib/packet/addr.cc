#include "oflib/packet/addr.h"

#include <charconv>

namespace ofkit {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<MacAddr> MacAddr::parse(std::string_view s) {
  if (s.size() != 17) return std::nullopt;
  MacAddr m;
  const char sep = s[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  for (int i = 0; i < 6; ++i) {
    const int hi = hex_digit(s[i * 3]);
    const int lo = hex_digit(s[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && s[i * 3 + 2] != sep) return std::nullopt;
    m.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return m;
}

std::string MacAddr::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(17, ':');
  for (int i = 0; i < 6; ++i) {
    out[i * 3] = kHex[bytes[i] >> 4];
    out[i * 3 + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

std::optional<Ipv4Addr> Ipv4Addr::parse(std::string_view s) {
  uint32_t v = 0;
  const char* p = s.data();
  const char* end = s.data() + s.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    if (*p == '0' && p + 1 != end && p[1] >= '0' && p[1] <= '9') return std::nullopt;  // no leading zeros
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255) return std::nullopt;
    v = (v << 8) | octet;
    p = next;
  }
  if (p != end) return std::nullopt;
  return Ipv4Addr{v};
}

std::string Ipv4Addr::to_string() const {
  return std::to_string(value >> 24) + '.' + std::to_string((value >> 16) & 255) + '.' +
         std::to_string((value >> 8) & 255) + '.' + std::to_string(value & 255);
}

}  // namespace ofkit
