#include "oflib/packet/addr.h"

#include <bit>
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

namespace {

// Parses "h16(:h16)*" with an optional trailing dotted IPv4, appending 16-bit
// groups to out. Returns false on any syntax error or overflow past 8 groups.
bool parse_groups(std::string_view s, uint16_t* out, int* n) {
  *n = 0;
  if (s.empty()) return true;
  size_t pos = 0;
  while (true) {
    size_t colon = s.find(':', pos);
    std::string_view part =
        s.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
      auto v4 = Ipv4Addr::parse(part);
      if (!v4 || *n > 6) return false;
      out[(*n)++] = static_cast<uint16_t>(v4->value >> 16);
      out[(*n)++] = static_cast<uint16_t>(v4->value & 0xffff);
      return true;
    }
    if (part.empty() || part.size() > 4 || *n >= 8) return false;
    unsigned v = 0;
    for (char c : part) {
      const int d = hex_digit(c);
      if (d < 0) return false;
      v = v << 4 | static_cast<unsigned>(d);
    }
    out[(*n)++] = static_cast<uint16_t>(v);
    if (colon == std::string_view::npos) return true;
    pos = colon + 1;
  }
}

std::optional<int> parse_prefix_len(std::string_view s, int max) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int v = 0;
  auto [next, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || next != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  return v;
}

}  // namespace

std::optional<Ipv6Addr> Ipv6Addr::parse(std::string_view s) {
  uint16_t head[8], tail[8];
  int nh = 0, nt = 0;
  const size_t dc = s.find("::");
  if (dc == std::string_view::npos) {
    if (!parse_groups(s, head, &nh) || nh != 8) return std::nullopt;
  } else {
    if (s.find("::", dc + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_groups(s.substr(0, dc), head, &nh) || !parse_groups(s.substr(dc + 2), tail, &nt))
      return std::nullopt;
    if (nh + nt > 7) return std::nullopt;
    // A dotted IPv4 may only end the address.
    if (s.substr(0, dc).find('.') != std::string_view::npos) return std::nullopt;
  }
  Ipv6Addr a;
  for (int i = 0; i < nh; ++i) {
    a.bytes[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    a.bytes[2 * i + 1] = static_cast<uint8_t>(head[i]);
  }
  for (int i = 0; i < nt; ++i) {
    const int g = 8 - nt + i;
    a.bytes[2 * g] = static_cast<uint8_t>(tail[i] >> 8);
    a.bytes[2 * g + 1] = static_cast<uint8_t>(tail[i]);
  }
  return a;
}

std::string Ipv6Addr::to_string() const {
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  // IPv4-mapped (::ffff:0:0/96): RFC 5952 section 5.
  if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
    return "::ffff:" + Ipv4Addr{uint32_t{g[6]} << 16 | g[7]}.to_string();
  }
  int best = -1, best_len = 1;  // runs of length >= 2 only
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(39);
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int d = (g[i] >> shift) & 15;
      if (d || started || shift == 0) {
        out += kHex[d];
        started = true;
      }
    }
  }
  return out;
}

int ipv4_mask_prefix_len(uint32_t mask) {
  const int len = std::popcount(mask);
  return ipv4_prefix_mask(len) == mask ? len : -1;
}

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view s) {
  const size_t slash = s.find('/');
  auto a = Ipv4Addr::parse(s.substr(0, slash));
  if (!a) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv4Prefix{*a, 32};
  std::string_view rest = s.substr(slash + 1);
  int len;
  if (rest.find('.') != std::string_view::npos) {
    auto m = Ipv4Addr::parse(rest);
    if (!m) return std::nullopt;
    len = ipv4_mask_prefix_len(m->value);
    if (len < 0) return std::nullopt;
  } else {
    auto l = parse_prefix_len(rest, 32);
    if (!l) return std::nullopt;
    len = *l;
  }
  return make(*a, len);
}

std::string Ipv4Prefix::to_string() const {
  return len == 32 ? addr.to_string() : addr.to_string() + '/' + std::to_string(len);
}

Ipv6Prefix Ipv6Prefix::make(const Ipv6Addr& a, int len) {
  Ipv6Prefix p{a, len < 0 ? 0 : len > 128 ? 128 : len};
  const Ipv6Addr m = p.netmask();
  for (int i = 0; i < 16; ++i) p.addr.bytes[i] &= m.bytes[i];
  return p;
}

std::optional<Ipv6Prefix> Ipv6Prefix::parse(std::string_view s) {
  const size_t slash = s.find('/');
  auto a = Ipv6Addr::parse(s.substr(0, slash));
  if (!a) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv6Prefix{*a, 128};
  auto l = parse_prefix_len(s.substr(slash + 1), 128);
  if (!l) return std::nullopt;
  return make(*a, *l);
}

std::string Ipv6Prefix::to_string() const {
  return len == 128 ? addr.to_string() : addr.to_string() + '/' + std::to_string(len);
}

Ipv6Addr Ipv6Prefix::netmask() const {
  Ipv6Addr m;
  for (int i = 0; i < 16; ++i) {
    const int bits = len - 8 * i;
    m.bytes[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
  }
  return m;
}

bool Ipv6Prefix::contains(const Ipv6Addr& a) const {
  const Ipv6Addr m = netmask();
  for (int i = 0; i < 16; ++i)
    if ((a.bytes[i] & m.bytes[i]) != addr.bytes[i]) return false;
  return true;
}

}  // namespace ofkit
