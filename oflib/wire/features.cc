#include "oflib/wire/features.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

void encode_phy_port(const PhyPort& p, uint8_t* out) {
  store_be16(out + 0, p.port_no);
  std::memcpy(out + 2, p.hw_addr.bytes.data(), 6);
  detail::store_str(out + 8, kMaxPortNameLen, p.name);
  store_be32(out + 24, p.config);
  store_be32(out + 28, p.state);
  store_be32(out + 32, p.curr);
  store_be32(out + 36, p.advertised);
  store_be32(out + 40, p.supported);
  store_be32(out + 44, p.peer);
}

PhyPort decode_phy_port(const uint8_t* in) {
  PhyPort p;
  p.port_no = load_be16(in + 0);
  p.hw_addr = MacAddr::from_bytes(in + 2);
  p.name = detail::load_str(in + 8, kMaxPortNameLen);
  p.config = load_be32(in + 24);
  p.state = load_be32(in + 28);
  p.curr = load_be32(in + 32);
  p.advertised = load_be32(in + 36);
  p.supported = load_be32(in + 40);
  p.peer = load_be32(in + 44);
  return p;
}

size_t wire_len(const FeaturesRequest&) { return kHeaderLen; }
size_t wire_len(const FeaturesReply& m) { return kSwitchFeaturesLen + kPhyPortLen * m.ports.size(); }

void encode_to(const FeaturesRequest&, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kFeaturesRequest, kHeaderLen, xid);
}

void encode_to(const FeaturesReply& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kFeaturesReply, static_cast<uint16_t>(wire_len(m)), xid);
  store_be64(out + 8, m.datapath_id);
  store_be32(out + 16, m.n_buffers);
  out[20] = m.n_tables;
  detail::store_zero(out + 21, 3);
  store_be32(out + 24, m.capabilities);
  store_be32(out + 28, m.actions);
  uint8_t* p = out + kSwitchFeaturesLen;
  for (const PhyPort& port : m.ports) {
    encode_phy_port(port, p);
    p += kPhyPortLen;
  }
}

Result<FeaturesRequest> decode_features_request(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kFeaturesRequest); !r) return fail(r.error());
  return FeaturesRequest{};
}

Result<FeaturesReply> decode_features_reply(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kFeaturesReply); !r) return fail(r.error());
  if ((msg.size() - kSwitchFeaturesLen) % kPhyPortLen != 0) return fail(Ofperr::kBadRequestBadLen);
  const uint8_t* in = msg.data();
  FeaturesReply m;
  m.datapath_id = load_be64(in + 8);
  m.n_buffers = load_be32(in + 16);
  m.n_tables = in[20];
  m.capabilities = load_be32(in + 24);
  m.actions = load_be32(in + 28);
  const size_t n = (msg.size() - kSwitchFeaturesLen) / kPhyPortLen;
  m.ports.reserve(n);
  for (size_t i = 0; i < n; ++i)
    m.ports.push_back(decode_phy_port(in + kSwitchFeaturesLen + i * kPhyPortLen));
  return m;
}

}  // namespace ofkit::of
