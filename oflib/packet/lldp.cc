#include "oflib/packet/lldp.h"

#include <cstring>

#include "oflib/common/byte_order.h"

namespace ofkit {
namespace {

std::string_view text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

ParseResult<LldpManagementAddress> parse_mgmt(Bytes v) {
  // addr string length (subtype + addr), subtype, addr, if subtype, if number, oid length, oid
  if (v.size() < 1) return parse_fail(ParseError::kBadFormat);
  const size_t alen = v[0];
  if (alen < 2 || alen > 32 || v.size() < 1 + alen + 5 + 1) return parse_fail(ParseError::kBadFormat);
  LldpManagementAddress m;
  m.addr_subtype = v[1];
  m.addr = v.subspan(2, alen - 1);
  size_t off = 1 + alen;
  m.if_subtype = v[off];
  m.if_number = load_be32(v.data() + off + 1);
  const size_t oid_len = v[off + 5];
  off += 6;
  if (off + oid_len != v.size()) return parse_fail(ParseError::kBadFormat);
  m.oid = v.subspan(off, oid_len);
  return m;
}

}  // namespace

ParseResult<Lldpdu> Lldpdu::parse(Bytes b) {
  Lldpdu d;
  size_t off = 0;
  int index = 0;
  while (true) {
    if (off == b.size() && index >= 3) break;  // no End TLV
    if (off + 2 > b.size()) return parse_fail(ParseError::kTruncated);
    const uint16_t hdr = load_be16(b.data() + off);
    const uint8_t type = static_cast<uint8_t>(hdr >> 9);
    const size_t len = hdr & 0x1ff;
    if (off + 2 + len > b.size()) return parse_fail(ParseError::kTruncated);
    const Bytes v = b.subspan(off + 2, len);
    off += 2 + len;
    // Chassis ID, Port ID and TTL come first, in this order.
    if (index < 3 && type != index + 1) return parse_fail(ParseError::kMissingTlv);
    ++index;
    switch (type) {
      case lldp_tlv::kEnd:
        if (len != 0) return parse_fail(ParseError::kBadFormat);
        return d;
      case lldp_tlv::kChassisId:
      case lldp_tlv::kPortId:
        if (len < 2 || len > 256) return parse_fail(ParseError::kBadFormat);
        (type == lldp_tlv::kChassisId ? d.chassis_id_subtype : d.port_id_subtype) = v[0];
        (type == lldp_tlv::kChassisId ? d.chassis_id : d.port_id) = v.subspan(1);
        break;
      case lldp_tlv::kTtl:
        if (len < 2) return parse_fail(ParseError::kBadFormat);
        d.ttl = load_be16(v.data());
        break;
      case lldp_tlv::kPortDescription:
        d.port_description = text(v);
        break;
      case lldp_tlv::kSystemName:
        d.system_name = text(v);
        break;
      case lldp_tlv::kSystemDescription:
        d.system_description = text(v);
        break;
      case lldp_tlv::kSystemCapabilities:
        if (len != 4) return parse_fail(ParseError::kBadFormat);
        d.capabilities = Capabilities{load_be16(v.data()), load_be16(v.data() + 2)};
        break;
      case lldp_tlv::kManagementAddress: {
        auto m = parse_mgmt(v);
        if (!m) return parse_fail(m.error());
        d.management_addresses.push_back(*m);
        break;
      }
      default:
        d.other.push_back({type, v});
        break;
    }
  }
  return d;
}

size_t Lldpdu::write(MutableBytes out) const {
  size_t off = 0;
  bool ok = true;
  auto tlv = [&](uint8_t type, std::initializer_list<Bytes> parts) {
    size_t len = 0;
    for (Bytes p : parts) len += p.size();
    if (len > 511 || off + 2 + len > out.size()) {
      ok = false;
      return;
    }
    store_be16(out.data() + off, static_cast<uint16_t>(type << 9 | len));
    off += 2;
    for (Bytes p : parts) {
      if (!p.empty()) std::memcpy(out.data() + off, p.data(), p.size());
      off += p.size();
    }
  };
  auto str = [](std::string_view s) { return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
  const uint8_t cs[1] = {chassis_id_subtype}, ps[1] = {port_id_subtype};
  uint8_t ttl_b[2];
  store_be16(ttl_b, ttl);
  tlv(lldp_tlv::kChassisId, {Bytes(cs), chassis_id});
  tlv(lldp_tlv::kPortId, {Bytes(ps), port_id});
  tlv(lldp_tlv::kTtl, {Bytes(ttl_b)});
  if (port_description) tlv(lldp_tlv::kPortDescription, {str(*port_description)});
  if (system_name) tlv(lldp_tlv::kSystemName, {str(*system_name)});
  if (system_description) tlv(lldp_tlv::kSystemDescription, {str(*system_description)});
  if (capabilities) {
    uint8_t c[4];
    store_be16(c, capabilities->system);
    store_be16(c + 2, capabilities->enabled);
    tlv(lldp_tlv::kSystemCapabilities, {Bytes(c)});
  }
  for (const auto& m : management_addresses) {
    if (m.addr.size() > 31 || m.oid.size() > 128) return 0;
    const uint8_t head[2] = {static_cast<uint8_t>(m.addr.size() + 1), m.addr_subtype};
    uint8_t mid[6];
    mid[0] = m.if_subtype;
    store_be32(mid + 1, m.if_number);
    mid[5] = static_cast<uint8_t>(m.oid.size());
    tlv(lldp_tlv::kManagementAddress, {Bytes(head), m.addr, Bytes(mid), m.oid});
  }
  for (const auto& t : other) tlv(t.type, {t.value});
  tlv(lldp_tlv::kEnd, {});
  return ok ? off : 0;
}

}  // namespace ofkit
