#include "oflib/wire/port.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

size_t wire_len(const PortStatus&) { return kPortStatusLen; }
size_t wire_len(const PortMod&) { return kPortModLen; }

void encode_to(const PortStatus& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kPortStatus, kPortStatusLen, xid);
  out[8] = static_cast<uint8_t>(m.reason);
  detail::store_zero(out + 9, 7);
  encode_phy_port(m.desc, out + 16);
}

void encode_to(const PortMod& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kPortMod, kPortModLen, xid);
  store_be16(out + 8, m.port_no);
  std::memcpy(out + 10, m.hw_addr.bytes.data(), 6);
  store_be32(out + 16, m.config);
  store_be32(out + 20, m.mask);
  store_be32(out + 24, m.advertise);
  detail::store_zero(out + 28, 4);
}

Result<PortStatus> decode_port_status(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kPortStatus); !r) return fail(r.error());
  return PortStatus{static_cast<PortReason>(msg[8]), decode_phy_port(msg.data() + 16)};
}

Result<PortMod> decode_port_mod(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kPortMod); !r) return fail(r.error());
  const uint8_t* in = msg.data();
  PortMod m;
  m.port_no = load_be16(in + 8);
  if (m.port_no == 0 || (m.port_no > port::kMax && m.port_no != port::kLocal))
    return fail(Ofperr::kPortModFailedBadPort);
  m.hw_addr = MacAddr::from_bytes(in + 10);
  m.config = load_be32(in + 16);
  m.mask = load_be32(in + 20);
  m.advertise = load_be32(in + 24);
  return m;
}

}  // namespace ofkit::of
