#include "oflib/text/flow_syntax.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>

#include "oflib/packet/addr.h"

namespace ofkit::text {
namespace {

namespace wc = of::wildcards;

constexpr std::string_view kDelims = ", \t\r\n";

constexpr uint16_t kEthIp = 0x0800;
constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthRarp = 0x8035;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoSctp = 132;

struct PortName {
  std::string_view name;
  uint16_t port;
};
// Printed names first: OFPP_NONE prints as "ANY" (as OVS does), parses from both.
constexpr std::array<PortName, 9> kPortNames{{
    {"IN_PORT", of::port::kInPort},
    {"TABLE", of::port::kTable},
    {"NORMAL", of::port::kNormal},
    {"FLOOD", of::port::kFlood},
    {"ALL", of::port::kAll},
    {"CONTROLLER", of::port::kController},
    {"LOCAL", of::port::kLocal},
    {"ANY", of::port::kNone},
    {"NONE", of::port::kNone},
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Decimal or 0x-prefixed hex, at most max.
std::optional<uint64_t> parse_uint(std::string_view s, uint64_t max) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

std::string err(std::string_view key, std::string_view value, std::string_view why) {
  if (value.empty()) return fmt::format("{}: {}", key, why);
  return fmt::format("{}: {}: {}", key, value, why);
}

struct KeyValue {
  std::string_view key;
  std::string_view value;
};

// Splits the next "key", "key=value", "key:value" or "key(value)" off *s, as
// ovs-ofctl's ofputil_parse_key_value() does: delimiters are commas and white
// space, parentheses nest. Returns false at the end of input.
ParseResult<bool> next_key_value(std::string_view* s, KeyValue* kv) {
  const size_t start = s->find_first_not_of(kDelims);
  if (start == std::string_view::npos) {
    *s = {};
    return false;
  }
  s->remove_prefix(start);
  const size_t key_end = std::min(s->find_first_of(":=(, \t\r\n)"), s->size());
  kv->key = s->substr(0, key_end);
  kv->value = {};
  if (key_end == s->size()) {
    *s = {};
  } else if ((*s)[key_end] == ')') {
    return tl::unexpected(fmt::format("{}: unexpected ')'", *s));
  } else if ((*s)[key_end] == '(') {
    int depth = 1;
    size_t i = key_end + 1;
    for (; i < s->size() && depth > 0; ++i) {
      if ((*s)[i] == '(') ++depth;
      if ((*s)[i] == ')') --depth;
    }
    if (depth != 0) return tl::unexpected(fmt::format("{}: unbalanced parentheses", *s));
    kv->value = s->substr(key_end + 1, i - key_end - 2);
    s->remove_prefix(i);
  } else if ((*s)[key_end] == ':' || (*s)[key_end] == '=') {
    size_t i = key_end + 1;
    int depth = 0;
    for (; i < s->size(); ++i) {
      const char c = (*s)[i];
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0) return tl::unexpected(fmt::format("{}: unexpected ')'", *s));
      if (depth == 0 && kDelims.find(c) != std::string_view::npos) break;
    }
    if (depth != 0) return tl::unexpected(fmt::format("{}: unbalanced parentheses", *s));
    kv->value = s->substr(key_end + 1, i - key_end - 1);
    s->remove_prefix(i);
  } else {
    s->remove_prefix(key_end);  // a delimiter follows a bare key
  }
  if (kv->key.empty()) return tl::unexpected(fmt::format("missing key before '{}'", kv->value));
  return true;
}

// --- match fields ------------------------------------------------------------

enum class Field {
  kInPort,
  kDlVlan,
  kDlVlanPcp,
  kDlSrc,
  kDlDst,
  kDlType,
  kNwSrc,
  kNwDst,
  kNwProto,
  kNwTos,
  kTpSrc,
  kTpDst,
  kVlanTci,
};
struct FieldName {
  std::string_view name;
  Field field;
};
// ovs-ofctl's OF1.0 field names and their aliases (OXM-style names, ARP and
// ICMP views of the nw_*/tp_* fields).
constexpr FieldName kFieldNames[] = {
    {"in_port", Field::kInPort},   {"dl_vlan", Field::kDlVlan},   {"dl_vlan_pcp", Field::kDlVlanPcp},
    {"dl_src", Field::kDlSrc},     {"eth_src", Field::kDlSrc},    {"dl_dst", Field::kDlDst},
    {"eth_dst", Field::kDlDst},    {"dl_type", Field::kDlType},   {"eth_type", Field::kDlType},
    {"nw_src", Field::kNwSrc},     {"ip_src", Field::kNwSrc},     {"arp_spa", Field::kNwSrc},
    {"nw_dst", Field::kNwDst},     {"ip_dst", Field::kNwDst},     {"arp_tpa", Field::kNwDst},
    {"nw_proto", Field::kNwProto}, {"ip_proto", Field::kNwProto}, {"arp_op", Field::kNwProto},
    {"nw_tos", Field::kNwTos},     {"tp_src", Field::kTpSrc},     {"tcp_src", Field::kTpSrc},
    {"udp_src", Field::kTpSrc},    {"sctp_src", Field::kTpSrc},   {"icmp_type", Field::kTpSrc},
    {"tp_dst", Field::kTpDst},     {"tcp_dst", Field::kTpDst},    {"udp_dst", Field::kTpDst},
    {"sctp_dst", Field::kTpDst},   {"icmp_code", Field::kTpDst},  {"vlan_tci", Field::kVlanTci},
};

struct Shorthand {
  std::string_view name;
  uint16_t dl_type;
  int nw_proto;  // -1: none
};
constexpr Shorthand kShorthands[] = {
    {"ip", kEthIp, -1},         {"ipv4", kEthIp, -1},         {"tcp", kEthIp, kProtoTcp},
    {"udp", kEthIp, kProtoUdp}, {"sctp", kEthIp, kProtoSctp}, {"icmp", kEthIp, kProtoIcmp},
    {"arp", kEthArp, -1},       {"rarp", kEthRarp, -1},       {"ipv6", kEthIpv6, -1},
};

// "10.0.0.0/8", "10.0.0.0/255.0.0.0", "10.0.0.1". Sets the value (masked) and
// the wildcard-bit count.
ParseResult<std::pair<uint32_t, int>> parse_ipv4_prefix(std::string_view key, std::string_view value) {
  const size_t slash = value.find('/');
  const auto addr = Ipv4Addr::parse(value.substr(0, slash));
  if (!addr) return tl::unexpected(err(key, value, "invalid IPv4 address"));
  int prefix = 32;
  if (slash != std::string_view::npos) {
    const std::string_view m = value.substr(slash + 1);
    if (m.find('.') != std::string_view::npos) {
      const auto mask = Ipv4Addr::parse(m);
      if (!mask) return tl::unexpected(err(key, value, "invalid IPv4 mask"));
      const uint32_t inv = ~mask->value;
      if ((inv & (inv + 1)) != 0)
        return tl::unexpected(err(key, value, "OpenFlow 1.0 can only match a CIDR prefix"));
      prefix = 32 - std::popcount(inv);
    } else {
      const auto len = parse_uint(m, 1000);
      if (!len || *len > 32) return tl::unexpected(err(key, value, "prefix length must be 0..32"));
      prefix = static_cast<int>(*len);
    }
  }
  return std::pair{addr->value & ipv4_prefix_mask(prefix), 32 - prefix};
}

ParseResult<void> set_field(of::Match* m, Field f, std::string_view key, std::string_view value) {
  FlowKey& k = m->key;
  if (value.empty()) return tl::unexpected(err(key, "", "missing value"));
  auto number = [&](uint64_t max) -> ParseResult<uint64_t> {
    if (auto v = parse_uint(value, max)) return *v;
    return tl::unexpected(err(key, value, fmt::format("expected a number 0..{}", max)));
  };
  auto mac = [&]() -> ParseResult<MacAddr> {
    if (value.find('/') != std::string_view::npos)
      return tl::unexpected(err(key, value, "OpenFlow 1.0 cannot mask an Ethernet address"));
    if (auto a = MacAddr::parse(value)) return *a;
    return tl::unexpected(err(key, value, "invalid Ethernet address"));
  };
  switch (f) {
    case Field::kInPort: {
      const auto p = parse_port(value);
      if (!p) return tl::unexpected(err(key, value, "invalid port"));
      k.in_port = *p;
      m->wildcards &= ~wc::kInPort;
      return {};
    }
    case Field::kDlVlan: {
      auto v = number(0xffff);
      if (!v) return tl::unexpected(v.error());
      // ovs-ofctl keeps 12 bits, except 0xffff (OFP_VLAN_NONE: untagged).
      k.dl_vlan = *v == of::kVlanNone ? of::kVlanNone : static_cast<uint16_t>(*v & 0xfff);
      m->wildcards &= ~wc::kDlVlan;
      return {};
    }
    case Field::kVlanTci: {
      auto v = number(0xffff);
      if (!v) return tl::unexpected(v.error());
      if (*v != 0)
        return tl::unexpected(err(key, value, "OpenFlow 1.0 can only match vlan_tci=0 (untagged)"));
      k.dl_vlan = of::kVlanNone;
      m->wildcards &= ~wc::kDlVlan;
      return {};
    }
    case Field::kDlVlanPcp: {
      auto v = number(7);
      if (!v) return tl::unexpected(v.error());
      k.dl_vlan_pcp = static_cast<uint8_t>(*v);
      m->wildcards &= ~wc::kDlVlanPcp;
      return {};
    }
    case Field::kDlSrc:
    case Field::kDlDst: {
      auto a = mac();
      if (!a) return tl::unexpected(a.error());
      (f == Field::kDlSrc ? k.dl_src : k.dl_dst) = *a;
      m->wildcards &= ~(f == Field::kDlSrc ? wc::kDlSrc : wc::kDlDst);
      return {};
    }
    case Field::kDlType: {
      auto v = number(0xffff);
      if (!v) return tl::unexpected(v.error());
      k.dl_type = static_cast<uint16_t>(*v);
      m->wildcards &= ~wc::kDlType;
      return {};
    }
    case Field::kNwSrc:
    case Field::kNwDst: {
      auto p = parse_ipv4_prefix(key, value);
      if (!p) return tl::unexpected(p.error());
      const bool src = f == Field::kNwSrc;
      (src ? k.nw_src : k.nw_dst) = p->first;
      const uint32_t mask = src ? wc::kNwSrcMask : wc::kNwDstMask;
      const int shift = src ? wc::kNwSrcShift : wc::kNwDstShift;
      // A /0 prefix sets every bit of the field, as OFPFW_ALL does, so that
      // "ip,nw_src=x/0" equals "ip".
      const uint32_t bits = p->second >= 32 ? mask : static_cast<uint32_t>(p->second) << shift;
      m->wildcards = (m->wildcards & ~mask) | bits;
      return {};
    }
    case Field::kNwProto: {
      auto v = number(0xff);
      if (!v) return tl::unexpected(v.error());
      k.nw_proto = static_cast<uint8_t>(*v);
      m->wildcards &= ~wc::kNwProto;
      return {};
    }
    case Field::kNwTos: {
      auto v = number(0xff);
      if (!v) return tl::unexpected(v.error());
      k.nw_tos = static_cast<uint8_t>(*v & 0xfc);  // DSCP bits only, as ovs-ofctl
      m->wildcards &= ~wc::kNwTos;
      return {};
    }
    case Field::kTpSrc:
    case Field::kTpDst: {
      const bool icmp = key.starts_with("icmp");
      auto v = number(icmp ? 0xff : 0xffff);
      if (!v) return tl::unexpected(v.error());
      (f == Field::kTpSrc ? k.tp_src : k.tp_dst) = static_cast<uint16_t>(*v);
      m->wildcards &= ~(f == Field::kTpSrc ? wc::kTpSrc : wc::kTpDst);
      return {};
    }
  }
  return {};
}

// Applies one key of a match or flow line. Flow-level keys go to *flow when
// it is not null.
ParseResult<void> apply_key(const KeyValue& kv, of::Match* m, FlowSpec* flow) {
  for (const Shorthand& s : kShorthands) {
    if (kv.key == s.name) {
      if (!kv.value.empty()) return tl::unexpected(err(kv.key, kv.value, "takes no value"));
      m->key.dl_type = s.dl_type;
      m->wildcards &= ~wc::kDlType;
      if (s.nw_proto >= 0) {
        m->key.nw_proto = static_cast<uint8_t>(s.nw_proto);
        m->wildcards &= ~wc::kNwProto;
      }
      return {};
    }
  }
  for (const FieldName& f : kFieldNames) {
    if (kv.key == f.name) return set_field(m, f.field, kv.key, kv.value);
  }
  if (flow != nullptr) {
    auto number = [&](uint64_t max) -> ParseResult<uint64_t> {
      if (kv.value.empty()) return tl::unexpected(err(kv.key, "", "missing value"));
      if (auto v = parse_uint(kv.value, max)) return *v;
      return tl::unexpected(err(kv.key, kv.value, fmt::format("expected a number 0..{}", max)));
    };
    auto flag = [&](uint16_t bit) -> ParseResult<void> {
      if (!kv.value.empty()) return tl::unexpected(err(kv.key, kv.value, "takes no value"));
      flow->flags |= bit;
      return {};
    };
    if (kv.key == "priority") {
      auto v = number(0xffff);
      if (!v) return tl::unexpected(v.error());
      flow->priority = static_cast<uint16_t>(*v);
      return {};
    }
    if (kv.key == "table") {
      auto v = number(0xff);
      if (!v) return tl::unexpected(v.error());
      flow->table_id = static_cast<uint8_t>(*v);
      return {};
    }
    if (kv.key == "idle_timeout" || kv.key == "hard_timeout") {
      auto v = number(0xffff);
      if (!v) return tl::unexpected(v.error());
      (kv.key == "idle_timeout" ? flow->idle_timeout : flow->hard_timeout) = static_cast<uint16_t>(*v);
      return {};
    }
    if (kv.key == "cookie") {
      auto v = number(UINT64_MAX);
      if (!v) return tl::unexpected(v.error());
      flow->cookie = *v;
      return {};
    }
    if (kv.key == "out_port") {
      const auto p = parse_port(kv.value);
      if (!p) return tl::unexpected(err(kv.key, kv.value, "invalid port"));
      flow->out_port = *p;
      return {};
    }
    if (kv.key == "send_flow_rem") return flag(of::flow_mod_flags::kSendFlowRem);
    if (kv.key == "check_overlap") return flag(of::flow_mod_flags::kCheckOverlap);
    if (kv.key == "emerg") return flag(of::flow_mod_flags::kEmerg);
  } else if (kv.key == "priority" || kv.key == "table" || kv.key == "idle_timeout" ||
             kv.key == "hard_timeout" || kv.key == "cookie" || kv.key == "out_port") {
    return tl::unexpected(fmt::format("{}: not a match field", kv.key));
  }
  return tl::unexpected(fmt::format("unknown keyword {}", kv.key));
}

ParseResult<void> parse_fields(std::string_view s, of::Match* m, FlowSpec* flow) {
  KeyValue kv;
  for (;;) {
    auto more = next_key_value(&s, &kv);
    if (!more) return tl::unexpected(more.error());
    if (!*more) return {};
    if (auto r = apply_key(kv, m, flow); !r) return r;
  }
}

// --- actions -----------------------------------------------------------------

ParseResult<uint16_t> output_port(std::string_view key, std::string_view value) {
  const auto p = parse_port(value);
  if (!p) return tl::unexpected(err(key, value, "invalid port"));
  if (*p == of::port::kNone) return tl::unexpected(err(key, value, "cannot output to port NONE"));
  return *p;
}

ParseResult<of::Action> parse_action(const KeyValue& kv) {
  const std::string_view key = kv.key;
  const std::string_view value = kv.value;
  auto number = [&](uint64_t max) -> ParseResult<uint64_t> {
    if (value.empty()) return tl::unexpected(err(key, "", "missing value"));
    if (auto v = parse_uint(value, max)) return *v;
    return tl::unexpected(err(key, value, fmt::format("expected a number 0..{}", max)));
  };
  auto mac = [&]() -> ParseResult<MacAddr> {
    if (auto a = MacAddr::parse(value)) return *a;
    return tl::unexpected(err(key, value, "invalid Ethernet address"));
  };
  auto ip = [&]() -> ParseResult<uint32_t> {
    if (auto a = Ipv4Addr::parse(value)) return a->value;
    return tl::unexpected(err(key, value, "invalid IPv4 address"));
  };
  auto no_value = [&]() -> ParseResult<void> {
    if (!value.empty()) return tl::unexpected(err(key, value, "takes no value"));
    return {};
  };

  if (key == "output") {
    if (value.empty()) return tl::unexpected(err(key, "", "missing port"));
    auto p = output_port(key, value);
    if (!p) return tl::unexpected(p.error());
    return of::ActionOutput{*p, static_cast<uint16_t>(*p == of::port::kController ? 0xffff : 0)};
  }
  if (iequals(key, "controller")) {
    uint16_t max_len = 0xffff;
    if (!value.empty()) {
      std::string_view v = value;
      if (v.starts_with("max_len=")) v.remove_prefix(8);
      const auto n = parse_uint(v, 0xffff);
      if (!n) return tl::unexpected(err(key, value, "expected max_len 0..65535"));
      max_len = static_cast<uint16_t>(*n);
    }
    return of::ActionOutput{of::port::kController, max_len};
  }
  if (key == "enqueue") {
    size_t sep = value.find(':');
    if (sep == std::string_view::npos) sep = value.find(',');
    if (sep == std::string_view::npos) return tl::unexpected(err(key, value, "expected PORT:QUEUE"));
    auto p = output_port(key, value.substr(0, sep));
    if (!p) return tl::unexpected(p.error());
    const auto q = parse_uint(value.substr(sep + 1), 0xffffffff);
    if (!q) return tl::unexpected(err(key, value, "invalid queue id"));
    return of::ActionEnqueue{*p, static_cast<uint32_t>(*q)};
  }
  if (key == "mod_vlan_vid") {
    auto v = number(0xfff);
    if (!v) return tl::unexpected(err(key, value, "not a valid VLAN VID (0..4095)"));
    return of::ActionSetVlanVid{static_cast<uint16_t>(*v)};
  }
  if (key == "mod_vlan_pcp") {
    auto v = number(7);
    if (!v) return tl::unexpected(err(key, value, "not a valid VLAN PCP (0..7)"));
    return of::ActionSetVlanPcp{static_cast<uint8_t>(*v)};
  }
  if (key == "strip_vlan" || key == "pop_vlan") {
    if (auto r = no_value(); !r) return tl::unexpected(r.error());
    return of::ActionStripVlan{};
  }
  if (key == "mod_dl_src" || key == "mod_dl_dst") {
    auto a = mac();
    if (!a) return tl::unexpected(a.error());
    if (key == "mod_dl_src") return of::ActionSetDlSrc{*a};
    return of::ActionSetDlDst{*a};
  }
  if (key == "mod_nw_src" || key == "mod_nw_dst") {
    auto a = ip();
    if (!a) return tl::unexpected(a.error());
    if (key == "mod_nw_src") return of::ActionSetNwSrc{*a};
    return of::ActionSetNwDst{*a};
  }
  if (key == "mod_nw_tos") {
    auto v = number(0xff);
    if (!v || (*v & 3) != 0) return tl::unexpected(err(key, value, "not a valid TOS (DSCP bits only)"));
    return of::ActionSetNwTos{static_cast<uint8_t>(*v)};
  }
  if (key == "mod_tp_src" || key == "mod_tp_dst") {
    auto v = number(0xffff);
    if (!v) return tl::unexpected(v.error());
    if (key == "mod_tp_src") return of::ActionSetTpSrc{static_cast<uint16_t>(*v)};
    return of::ActionSetTpDst{static_cast<uint16_t>(*v)};
  }
  if (key == "vendor") {
    // ofkit's own spelling (ovs-ofctl has none): vendor:0xVENDOR[:HEXBODY].
    const size_t sep = value.find(':');
    const auto id = parse_uint(value.substr(0, sep), 0xffffffff);
    if (!id) return tl::unexpected(err(key, value, "expected VENDOR[:HEX]"));
    of::ActionVendor a{static_cast<uint32_t>(*id), {}};
    if (sep != std::string_view::npos) {
      const std::string_view hex = value.substr(sep + 1);
      if (hex.size() % 16 != 0) return tl::unexpected(err(key, value, "body must be a multiple of 8 bytes"));
      for (size_t i = 0; i < hex.size(); i += 2) {
        uint8_t byte = 0;
        auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
        if (ec != std::errc() || p != hex.data() + i + 2)
          return tl::unexpected(err(key, value, "invalid hex body"));
        a.body.push_back(byte);
      }
    }
    return a;
  }
  // A bare port: "2", "FLOOD", "in_port", "local" …
  if (value.empty()) {
    if (const auto p = parse_port(key)) {
      if (*p == of::port::kNone) return tl::unexpected(err(key, "", "cannot output to port NONE"));
      return of::ActionOutput{*p, static_cast<uint16_t>(*p == of::port::kController ? 0xffff : 0)};
    }
  }
  return tl::unexpected(fmt::format("unknown action {}", key));
}

// --- printing ----------------------------------------------------------------

void put_ipv4(std::string* out, std::string_view name, uint32_t value, int wild_bits) {
  if (wild_bits >= 32) return;
  *out += fmt::format("{}={}", name, Ipv4Addr{value}.to_string());
  if (wild_bits > 0) *out += fmt::format("/{}", 32 - wild_bits);
  *out += ',';
}

}  // namespace

std::string format_port(uint16_t port) {
  for (const PortName& n : kPortNames) {
    if (n.port == port) return std::string(n.name);
  }
  return std::to_string(port);
}

std::optional<uint16_t> parse_port(std::string_view s) {
  for (const PortName& n : kPortNames) {
    if (iequals(s, n.name)) return n.port;
  }
  if (auto v = parse_uint(s, 0xffff)) return static_cast<uint16_t>(*v);
  return std::nullopt;
}

ParseResult<void> set_match_field(of::Match& match, std::string_view key, std::string_view value) {
  return apply_key(KeyValue{key, value}, &match, nullptr);
}

std::optional<uint64_t> parse_number(std::string_view s, uint64_t max) { return parse_uint(s, max); }

ParseResult<of::Match> parse_match(std::string_view s) {
  of::Match m;
  if (auto r = parse_fields(s, &m, nullptr); !r) return tl::unexpected(r.error());
  return m;
}

std::string format_match(const of::Match& m, uint16_t priority) {
  const uint32_t w = m.wildcards;
  const FlowKey& k = m.key;
  std::string out;
  if (priority != of::kDefaultPriority) out += fmt::format("priority={},", priority);

  const bool has_type = !(w & wc::kDlType);
  const bool has_proto = !(w & wc::kNwProto);
  const bool is_ip = has_type && k.dl_type == kEthIp;
  const bool is_arp = has_type && (k.dl_type == kEthArp || k.dl_type == kEthRarp);
  const bool is_icmp = is_ip && has_proto && k.nw_proto == kProtoIcmp;
  bool type_done = false;
  bool proto_done = false;
  if (is_ip) {
    type_done = true;
    if (has_proto && k.nw_proto == kProtoIcmp) {
      out += "icmp,";
      proto_done = true;
    } else if (has_proto && k.nw_proto == kProtoTcp) {
      out += "tcp,";
      proto_done = true;
    } else if (has_proto && k.nw_proto == kProtoUdp) {
      out += "udp,";
      proto_done = true;
    } else if (has_proto && k.nw_proto == kProtoSctp) {
      out += "sctp,";
      proto_done = true;
    } else {
      out += "ip,";
    }
  } else if (has_type && k.dl_type == kEthArp) {
    out += "arp,";
    type_done = true;
  } else if (has_type && k.dl_type == kEthRarp) {
    out += "rarp,";
    type_done = true;
  } else if (has_type && k.dl_type == kEthIpv6) {
    out += "ipv6,";
    type_done = true;
  }

  if (!(w & wc::kInPort)) out += fmt::format("in_port={},", format_port(k.in_port));
  const bool has_vlan = !(w & wc::kDlVlan);
  const bool has_pcp = !(w & wc::kDlVlanPcp);
  if (has_vlan && k.dl_vlan == of::kVlanNone && !has_pcp) {
    out += "vlan_tci=0x0000,";  // untagged frames, as OVS prints OFP_VLAN_NONE
  } else {
    if (has_vlan) {
      out +=
          k.dl_vlan == of::kVlanNone ? std::string("dl_vlan=0xffff,") : fmt::format("dl_vlan={},", k.dl_vlan);
    }
    if (has_pcp) out += fmt::format("dl_vlan_pcp={},", k.dl_vlan_pcp);
  }
  if (!(w & wc::kDlSrc)) out += fmt::format("dl_src={},", k.dl_src.to_string());
  if (!(w & wc::kDlDst)) out += fmt::format("dl_dst={},", k.dl_dst.to_string());
  if (has_type && !type_done) out += fmt::format("dl_type=0x{:04x},", k.dl_type);
  put_ipv4(&out, is_arp ? "arp_spa" : "nw_src", k.nw_src, m.nw_src_wild_bits());
  put_ipv4(&out, is_arp ? "arp_tpa" : "nw_dst", k.nw_dst, m.nw_dst_wild_bits());
  if (has_proto && !proto_done) out += fmt::format("{}={},", is_arp ? "arp_op" : "nw_proto", k.nw_proto);
  if (!(w & wc::kNwTos)) out += fmt::format("nw_tos={},", k.nw_tos);
  // ICMP type and code are 8 bits; a wider value (never on the wire) keeps the tp_* name.
  if (!(w & wc::kTpSrc))
    out += fmt::format("{}={},", is_icmp && k.tp_src <= 0xff ? "icmp_type" : "tp_src", k.tp_src);
  if (!(w & wc::kTpDst))
    out += fmt::format("{}={},", is_icmp && k.tp_dst <= 0xff ? "icmp_code" : "tp_dst", k.tp_dst);
  if (!out.empty()) out.pop_back();
  return out;
}

ParseResult<of::ActionList> parse_actions(std::string_view s) {
  of::ActionList actions;
  KeyValue kv;
  bool drop = false;
  for (;;) {
    auto more = next_key_value(&s, &kv);
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
    if (kv.key == "drop") {
      if (!kv.value.empty()) return tl::unexpected(err(kv.key, kv.value, "takes no value"));
      drop = true;
      continue;
    }
    auto a = parse_action(kv);
    if (!a) return tl::unexpected(a.error());
    actions.push_back(std::move(*a));
  }
  if (drop && !actions.empty())
    return tl::unexpected(std::string("drop must not be accompanied by any other action"));
  return actions;
}

std::string format_action(const of::Action& action) {
  struct Visitor {
    std::string operator()(const of::ActionOutput& a) const {
      if (a.port == of::port::kController) return fmt::format("CONTROLLER:{}", a.max_len);
      if (a.port > of::port::kMax && a.port != of::port::kNone) return format_port(a.port);
      return "output:" + format_port(a.port);
    }
    std::string operator()(const of::ActionSetVlanVid& a) const {
      return fmt::format("mod_vlan_vid:{}", a.vlan_vid);
    }
    std::string operator()(const of::ActionSetVlanPcp& a) const {
      return fmt::format("mod_vlan_pcp:{}", a.vlan_pcp);
    }
    std::string operator()(const of::ActionStripVlan&) const { return "strip_vlan"; }
    std::string operator()(const of::ActionSetDlSrc& a) const {
      return "mod_dl_src:" + a.dl_addr.to_string();
    }
    std::string operator()(const of::ActionSetDlDst& a) const {
      return "mod_dl_dst:" + a.dl_addr.to_string();
    }
    std::string operator()(const of::ActionSetNwSrc& a) const {
      return "mod_nw_src:" + Ipv4Addr{a.nw_addr}.to_string();
    }
    std::string operator()(const of::ActionSetNwDst& a) const {
      return "mod_nw_dst:" + Ipv4Addr{a.nw_addr}.to_string();
    }
    std::string operator()(const of::ActionSetNwTos& a) const {
      return fmt::format("mod_nw_tos:{}", a.nw_tos);
    }
    std::string operator()(const of::ActionSetTpSrc& a) const {
      return fmt::format("mod_tp_src:{}", a.tp_port);
    }
    std::string operator()(const of::ActionSetTpDst& a) const {
      return fmt::format("mod_tp_dst:{}", a.tp_port);
    }
    std::string operator()(const of::ActionEnqueue& a) const {
      return fmt::format("enqueue:{}:{}", format_port(a.port), a.queue_id);
    }
    std::string operator()(const of::ActionVendor& a) const {
      std::string out = fmt::format("vendor:{:#x}", a.vendor);
      if (!a.body.empty()) {
        out += ':';
        for (uint8_t b : a.body) out += fmt::format("{:02x}", b);
      }
      return out;
    }
  };
  return std::visit(Visitor{}, action);
}

std::string format_actions(const of::ActionList& actions) {
  if (actions.empty()) return "drop";
  std::string out;
  for (const of::Action& a : actions) {
    if (!out.empty()) out += ',';
    out += format_action(a);
  }
  return out;
}

ParseResult<FlowSpec> parse_flow(std::string_view s, bool require_actions) {
  // Split at "actions=" (or "action=") that starts a token, as ovs-ofctl does:
  // everything after it is the action list.
  size_t pos = 0;
  size_t act = std::string_view::npos;
  size_t act_len = 0;
  while ((pos = s.find("action", pos)) != std::string_view::npos) {
    const bool at_token = pos == 0 || kDelims.find(s[pos - 1]) != std::string_view::npos;
    std::string_view rest = s.substr(pos + 6);
    size_t len = 6;
    if (rest.starts_with("s")) {
      rest.remove_prefix(1);
      ++len;
    }
    if (at_token && (rest.starts_with("=") || rest.starts_with(":"))) {
      act = pos;
      act_len = len + 1;
      break;
    }
    pos += 6;
  }
  FlowSpec flow;
  if (act == std::string_view::npos) {
    if (require_actions) return tl::unexpected(std::string("must specify an action (actions=...)"));
  } else if (!require_actions) {
    return tl::unexpected(std::string("actions are not allowed here"));
  }
  const std::string_view match_part = s.substr(0, act);
  if (auto r = parse_fields(match_part, &flow.match, &flow); !r) return tl::unexpected(r.error());
  if (act != std::string_view::npos) {
    auto actions = parse_actions(s.substr(act + act_len));
    if (!actions) return tl::unexpected("actions: " + actions.error());
    flow.actions = std::move(*actions);
  }
  return flow;
}

std::string format_flow(const FlowSpec& flow) {
  std::string out = format_match(flow.match, flow.priority);
  auto add = [&out](std::string_view item) {
    if (!out.empty()) out += ',';
    out += item;
  };
  if (flow.table_id != 0xff) add(fmt::format("table={}", flow.table_id));
  if (flow.idle_timeout != 0) add(fmt::format("idle_timeout={}", flow.idle_timeout));
  if (flow.hard_timeout != 0) add(fmt::format("hard_timeout={}", flow.hard_timeout));
  if (flow.cookie != 0) add(fmt::format("cookie={:#x}", flow.cookie));
  if (flow.out_port != of::port::kNone) add("out_port=" + format_port(flow.out_port));
  if (flow.flags & of::flow_mod_flags::kSendFlowRem) add("send_flow_rem");
  if (flow.flags & of::flow_mod_flags::kCheckOverlap) add("check_overlap");
  if (flow.flags & of::flow_mod_flags::kEmerg) add("emerg");
  add("actions=" + format_actions(flow.actions));
  return out;
}

std::string flow_mod_command_name(of::FlowModCommand command) {
  switch (command) {
    case of::FlowModCommand::kAdd:
      return "ADD";
    case of::FlowModCommand::kModify:
      return "MOD";
    case of::FlowModCommand::kModifyStrict:
      return "MOD_STRICT";
    case of::FlowModCommand::kDelete:
      return "DEL";
    case of::FlowModCommand::kDeleteStrict:
      return "DEL_STRICT";
  }
  return fmt::format("cmd:{}", static_cast<unsigned>(command));
}

std::string format_flow_mod(of::FlowModCommand command, const FlowSpec& flow, uint32_t buffer_id) {
  // Mirrors ovs-ofctl's ofputil_flow_mod_format() for OpenFlow 1.0.
  std::string out = flow_mod_command_name(command);
  if (flow.table_id != 0 && flow.table_id != 0xff) out += fmt::format(" table:{}", flow.table_id);
  out += ' ';
  out += format_match(flow.match, flow.priority);
  if (out.back() != ' ') out += ' ';
  if (flow.cookie != 0 && flow.cookie != UINT64_MAX) out += fmt::format("cookie:{:#x} ", flow.cookie);
  if (flow.idle_timeout != 0) out += fmt::format("idle:{} ", flow.idle_timeout);
  if (flow.hard_timeout != 0) out += fmt::format("hard:{} ", flow.hard_timeout);
  if (buffer_id != of::kNoBuffer) out += fmt::format("buf:{:#x} ", buffer_id);
  if (flow.out_port != of::port::kNone) out += "out_port:" + format_port(flow.out_port) + ' ';
  if (flow.flags & of::flow_mod_flags::kSendFlowRem) out += "send_flow_rem ";
  if (flow.flags & of::flow_mod_flags::kCheckOverlap) out += "check_overlap ";
  if (flow.flags & of::flow_mod_flags::kEmerg) out += "emerg ";
  if (const uint16_t other = flow.flags & ~uint16_t{7}; other != 0) out += fmt::format("flags:{:#x} ", other);
  out += "actions=" + format_actions(flow.actions);
  return out;
}

}  // namespace ofkit::text
