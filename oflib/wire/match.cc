#include "oflib/wire/match.h"

#include <cstring>

#include "oflib/common/byte_order.h"

namespace ofkit::of {
namespace {

constexpr uint16_t kEthTypeIp = 0x0800;
constexpr uint16_t kEthTypeArp = 0x0806;
constexpr uint8_t kIpProtoIcmp = 1;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpProtoUdp = 17;

// Wildcard count 0..32 stored back into its field.
uint32_t with_nw_bits(uint32_t w, int shift, uint32_t mask, int bits) {
  return (w & ~mask) | (static_cast<uint32_t>(bits) << shift);
}

}  // namespace

void encode_match(const Match& m, uint8_t* out) {
  const FlowKey& k = m.key;
  store_be32(out + 0, m.wildcards);
  store_be16(out + 4, k.in_port);
  std::memcpy(out + 6, k.dl_src.bytes.data(), 6);
  std::memcpy(out + 12, k.dl_dst.bytes.data(), 6);
  store_be16(out + 18, k.dl_vlan);
  out[20] = k.dl_vlan_pcp;
  out[21] = 0;
  store_be16(out + 22, k.dl_type);
  out[24] = k.nw_tos;
  out[25] = k.nw_proto;
  out[26] = 0;
  out[27] = 0;
  store_be32(out + 28, k.nw_src);
  store_be32(out + 32, k.nw_dst);
  store_be16(out + 36, k.tp_src);
  store_be16(out + 38, k.tp_dst);
}

Match decode_match(const uint8_t* in) {
  Match m;
  FlowKey& k = m.key;
  m.wildcards = load_be32(in + 0);
  k.in_port = load_be16(in + 4);
  std::memcpy(k.dl_src.bytes.data(), in + 6, 6);
  std::memcpy(k.dl_dst.bytes.data(), in + 12, 6);
  k.dl_vlan = load_be16(in + 18);
  k.dl_vlan_pcp = in[20];
  k.dl_type = load_be16(in + 22);
  k.nw_tos = in[24];
  k.nw_proto = in[25];
  k.nw_src = load_be32(in + 28);
  k.nw_dst = load_be32(in + 32);
  k.tp_src = load_be16(in + 36);
  k.tp_dst = load_be16(in + 38);
  return m;
}

Match normalize_match(const Match& in) {
  namespace w = wildcards;
  uint32_t wc = in.wildcards & w::kAll;
  wc = with_nw_bits(wc, w::kNwSrcShift, w::kNwSrcMask, in.nw_src_wild_bits());
  wc = with_nw_bits(wc, w::kNwDstShift, w::kNwDstMask, in.nw_dst_wild_bits());
  const FlowKey& k = in.key;

  // Which fields apply, from the exact dl_type / nw_proto.
  bool nw_addr = false, nw_proto = false, nw_tos = false, tp = false;
  if (!(wc & w::kDlType)) {
    if (k.dl_type == kEthTypeIp) {
      nw_addr = nw_proto = nw_tos = true;
      tp = !(wc & w::kNwProto) &&
           (k.nw_proto == kIpProtoTcp || k.nw_proto == kIpProtoUdp || k.nw_proto == kIpProtoIcmp);
    } else if (k.dl_type == kEthTypeArp) {
      nw_addr = nw_proto = true;
    }
  }
  if (!nw_addr)
    wc = with_nw_bits(with_nw_bits(wc, w::kNwSrcShift, w::kNwSrcMask, 32), w::kNwDstShift, w::kNwDstMask, 32);
  if (!nw_proto) wc |= w::kNwProto;
  if (!nw_tos) wc |= w::kNwTos;
  if (!tp) wc |= w::kTpSrc | w::kTpDst;
  if (!(wc & w::kDlVlan) && k.dl_vlan == kVlanNone) wc |= w::kDlVlanPcp;

  Match m;
  m.wildcards = wc;
  FlowKey& o = m.key;  // starts all zero
  if (!(wc & w::kInPort)) o.in_port = k.in_port;
  if (!(wc & w::kDlVlan)) o.dl_vlan = k.dl_vlan;
  if (!(wc & w::kDlSrc)) o.dl_src = k.dl_src;
  if (!(wc & w::kDlDst)) o.dl_dst = k.dl_dst;
  if (!(wc & w::kDlType)) o.dl_type = k.dl_type;
  if (!(wc & w::kDlVlanPcp)) o.dl_vlan_pcp = k.dl_vlan_pcp;
  if (!(wc & w::kNwTos)) o.nw_tos = k.nw_tos;
  if (!(wc & w::kNwProto)) o.nw_proto = k.nw_proto;
  o.nw_src = k.nw_src & ipv4_prefix_mask(m.nw_src_prefix_len());
  o.nw_dst = k.nw_dst & ipv4_prefix_mask(m.nw_dst_prefix_len());
  if (!(wc & w::kTpSrc)) o.tp_src = k.tp_src;
  if (!(wc & w::kTpDst)) o.tp_dst = k.tp_dst;
  return m;
}

Match match_from_key(const FlowKey& key, uint16_t in_port) {
  Match m;
  m.wildcards = 0;
  m.key = key;
  m.key.in_port = in_port;
  std::memset(m.key.pad0, 0, sizeof m.key.pad0);
  m.key.pad1 = 0;
  return m;
}

FlowKey match_mask(const Match& m) {
  namespace w = wildcards;
  const uint32_t wc = m.wildcards;
  FlowKey k;
  if (!(wc & w::kInPort)) k.in_port = 0xffff;
  if (!(wc & w::kDlVlan)) k.dl_vlan = 0xffff;
  if (!(wc & w::kDlSrc)) k.dl_src = MacAddr::broadcast();
  if (!(wc & w::kDlDst)) k.dl_dst = MacAddr::broadcast();
  if (!(wc & w::kDlType)) k.dl_type = 0xffff;
  if (!(wc & w::kDlVlanPcp)) k.dl_vlan_pcp = 0xff;
  if (!(wc & w::kNwTos)) k.nw_tos = 0xff;
  if (!(wc & w::kNwProto)) k.nw_proto = 0xff;
  k.nw_src = ipv4_prefix_mask(m.nw_src_prefix_len());
  k.nw_dst = ipv4_prefix_mask(m.nw_dst_prefix_len());
  if (!(wc & w::kTpSrc)) k.tp_src = 0xffff;
  if (!(wc & w::kTpDst)) k.tp_dst = 0xffff;
  return k;
}

bool match_covers(const Match& m, const FlowKey& k) {
  const FlowKey mask = match_mask(m);
  const uint64_t* a = m.key.words();
  const uint64_t* b = k.words();
  const uint64_t* x = mask.words();
  for (size_t i = 0; i < FlowKey::kWords; ++i)
    if ((a[i] ^ b[i]) & x[i]) return false;
  return true;
}

bool match_subsumes(const Match& wide, const Match& narrow) {
  // wide's mask must be a subset of narrow's, and they must agree on it.
  const FlowKey mw = match_mask(wide);
  const FlowKey mn = match_mask(narrow);
  const uint64_t* a = wide.key.words();
  const uint64_t* b = narrow.key.words();
  const uint64_t* x = mw.words();
  const uint64_t* y = mn.words();
  for (size_t i = 0; i < FlowKey::kWords; ++i) {
    if (x[i] & ~y[i]) return false;
    if ((a[i] ^ b[i]) & x[i]) return false;
  }
  return true;
}

}  // namespace ofkit::of
