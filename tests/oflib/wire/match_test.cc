// struct ofp_match: golden bytes (spec A.2.3), normalization, masks.
#include "oflib/wire/match.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/samples.h"
#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::hex;
using test::to_hex;
namespace w = wildcards;

// tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80
Match tcp_match() {
  Match m;
  m.wildcards = w::kDlVlan | w::kDlSrc | w::kDlDst | w::kTpSrc | (24u << w::kNwSrcShift) | w::kNwDstAll |
                w::kDlVlanPcp | w::kNwTos;
  m.key.in_port = 1;
  m.key.dl_type = 0x0800;
  m.key.nw_proto = 6;
  m.key.nw_src = 0x0a000000;
  m.key.tp_dst = 80;
  return m;
}

TEST(Match, GoldenBytes) {
  const auto want =
      hex("0038184e"           // wildcards: DL_VLAN|DL_SRC|DL_DST|TP_SRC|NW_SRC 24|NW_DST 32|PCP|TOS
          "0001"               // in_port
          "000000000000"       // dl_src
          "000000000000"       // dl_dst
          "0000 00 00"         // dl_vlan, dl_vlan_pcp, pad1
          "0800 00 06 0000"    // dl_type, nw_tos, nw_proto, pad2
          "0a000000 00000000"  // nw_src, nw_dst
          "0000 0050");        // tp_src, tp_dst
  ASSERT_EQ(want.size(), kMatchLen);
  uint8_t buf[kMatchLen];
  encode_match(tcp_match(), buf);
  EXPECT_EQ(to_hex(buf), to_hex(want));
  const Match m = decode_match(want.data());
  EXPECT_EQ(m.wildcards, 0x38184eu);
  EXPECT_EQ(m.key.in_port, 1);
  EXPECT_EQ(m.key.dl_type, 0x0800);
  EXPECT_EQ(m.key.nw_proto, 6);
  EXPECT_EQ(m.key.nw_src, 0x0a000000u);
  EXPECT_EQ(m.key.tp_dst, 80);
  EXPECT_EQ(m.nw_src_prefix_len(), 8);
  EXPECT_EQ(m.nw_dst_prefix_len(), 0);
  EXPECT_TRUE(m == tcp_match());
}

TEST(Match, EveryFieldHasItsOffset) {
  Match m;
  m.wildcards = 0x00123456;
  m.key.in_port = 0x0102;
  m.key.dl_src = MacAddr::from_u64(0x030405060708);
  m.key.dl_dst = MacAddr::from_u64(0x090a0b0c0d0e);
  m.key.dl_vlan = 0x0f10;
  m.key.dl_vlan_pcp = 0x11;
  m.key.dl_type = 0x1213;
  m.key.nw_tos = 0x14;
  m.key.nw_proto = 0x15;
  m.key.nw_src = 0x16171819;
  m.key.nw_dst = 0x1a1b1c1d;
  m.key.tp_src = 0x1e1f;
  m.key.tp_dst = 0x2021;
  uint8_t buf[kMatchLen];
  encode_match(m, buf);
  EXPECT_EQ(to_hex(buf), to_hex(hex("00123456 0102 030405060708 090a0b0c0d0e 0f10 11 00 1213 14 15 0000 "
                                    "16171819 1a1b1c1d 1e1f 2021")));
  EXPECT_TRUE(decode_match(buf) == m);
}

TEST(Match, DecodeIgnoresPadsAndKeepsValuesVerbatim) {
  auto b =
      hex("003fffff 0000 000000000000 000000000000 0000 00 ff 0000 00 00 ffff 00000000 00000000 0000 0000");
  const Match m = decode_match(b.data());
  EXPECT_EQ(m.wildcards, w::kAll);
  EXPECT_TRUE(m == Match{});
}

TEST(Match, NormalizeZeroesWildcardedFieldsAndMasksPrefixes) {
  Match m = tcp_match();
  m.key.dl_src = MacAddr::from_u64(0x1234);  // wildcarded: must be zeroed
  m.key.nw_src = 0x0a0b0c0d;                 // /8: masked to 10.0.0.0
  m.key.nw_dst = 0x01020304;                 // fully wildcarded
  const Match n = normalize_match(m);
  EXPECT_TRUE(n.key.dl_src.is_zero());
  EXPECT_EQ(n.key.nw_src, 0x0a000000u);
  EXPECT_EQ(n.key.nw_dst, 0u);
  EXPECT_EQ(n.wildcards, tcp_match().wildcards);
  EXPECT_TRUE(normalize_match(n) == n);
}

TEST(Match, NormalizeClampsWildcardCountsAndDropsUnknownBits) {
  Match m = tcp_match();
  m.wildcards = (m.wildcards & ~w::kNwSrcMask & ~w::kNwDstMask) | (40u << w::kNwSrcShift) |
                (63u << w::kNwDstShift) | 0xffc00000u;
  const Match n = normalize_match(m);
  EXPECT_EQ(n.wildcards & w::kNwSrcMask, w::kNwSrcAll);
  EXPECT_EQ(n.wildcards & w::kNwDstMask, w::kNwDstAll);
  EXPECT_EQ(n.wildcards & ~w::kAll, 0u);
  EXPECT_EQ(n.key.nw_src, 0u);
}

TEST(Match, NormalizeWildcardsFieldsThatDoNotApply) {
  // dl_type wildcarded: no nw_* or tp_* can be matched.
  Match m;
  m.wildcards = w::kAll & ~(w::kNwProto | w::kTpDst | w::kNwTos | w::kNwSrcMask);
  m.key.nw_proto = 6;
  m.key.tp_dst = 80;
  m.key.nw_tos = 4;
  m.key.nw_src = 0x01020304;
  Match n = normalize_match(m);
  EXPECT_EQ(n.wildcards, (w::kAll & ~w::kNwSrcMask & ~w::kNwDstMask) | w::kNwSrcAll | w::kNwDstAll);
  EXPECT_TRUE(n.key == FlowKey{});

  // ARP: nw_src/nw_dst/nw_proto (the opcode) apply, nw_tos and tp_* do not.
  m = Match{};
  m.wildcards = 0;
  m.key.dl_type = 0x0806;
  m.key.nw_proto = 1;
  m.key.nw_src = 0x0a000001;
  m.key.nw_tos = 8;
  m.key.tp_src = 1;
  n = normalize_match(m);
  EXPECT_EQ(n.wildcards, w::kNwTos | w::kTpSrc | w::kTpDst);
  EXPECT_EQ(n.key.nw_proto, 1);
  EXPECT_EQ(n.key.nw_src, 0x0a000001u);
  EXPECT_EQ(n.key.tp_src, 0);

  // IPv4 with an L4 protocol that has no ports in OF1.0 (GRE): tp_* wildcarded.
  m.key.dl_type = 0x0800;
  m.key.nw_proto = 47;
  n = normalize_match(m);
  EXPECT_EQ(n.wildcards, w::kTpSrc | w::kTpDst);
  EXPECT_EQ(n.key.nw_tos, 8);

  // IPv4 with nw_proto wildcarded: tp_* wildcarded.
  m.wildcards = w::kNwProto;
  m.key.nw_proto = 6;
  n = normalize_match(m);
  EXPECT_EQ(n.wildcards, w::kNwProto | w::kTpSrc | w::kTpDst);

  // TCP, UDP and ICMP keep their ports (ICMP type/code).
  for (uint8_t proto : {1, 6, 17}) {
    m.wildcards = 0;
    m.key.nw_proto = proto;
    EXPECT_EQ(normalize_match(m).wildcards, 0u) << int(proto);
  }

  // Some other ethertype: everything above L2 goes.
  m.wildcards = 0;
  m.key.dl_type = 0x86dd;
  n = normalize_match(m);
  EXPECT_EQ(n.wildcards, w::kNwProto | w::kNwTos | w::kTpSrc | w::kTpDst | w::kNwSrcAll | w::kNwDstAll);

  // Untagged (dl_vlan = OFP_VLAN_NONE): no priority to match.
  m = Match{};
  m.wildcards = w::kAll & ~(w::kDlVlan | w::kDlVlanPcp);
  m.key.dl_vlan = kVlanNone;
  m.key.dl_vlan_pcp = 3;
  n = normalize_match(m);
  EXPECT_TRUE(n.wildcards & w::kDlVlanPcp);
  EXPECT_EQ(n.key.dl_vlan_pcp, 0);
  EXPECT_EQ(n.key.dl_vlan, kVlanNone);
}

TEST(Match, NormalizeIsIdempotentOnRandomMatches) {
  test::Gen g(7);
  for (int i = 0; i < 5000; ++i) {
    Match m = g.match();
    if (g.coin()) m.key.dl_type = g.coin() ? 0x0800 : 0x0806;
    const Match n = normalize_match(m);
    EXPECT_TRUE(normalize_match(n) == n);
    // Wildcarded fields are zero: the key equals itself masked.
    const FlowKey mask = match_mask(n);
    for (size_t k = 0; k < FlowKey::kWords; ++k) EXPECT_EQ(n.key.words()[k] & ~mask.words()[k], 0u);
  }
}

TEST(Match, FromKeyIsExact) {
  FlowKey k;
  k.dl_type = 0x0800;
  k.nw_proto = 17;
  k.nw_src = 0x0a000001;
  k.tp_dst = 53;
  k.dl_vlan = kVlanNone;
  const Match m = match_from_key(k, 7);
  EXPECT_EQ(m.wildcards, 0u);
  EXPECT_EQ(m.key.in_port, 7);
  EXPECT_EQ(m.key.tp_dst, 53);
  k.in_port = 7;
  EXPECT_TRUE(match_covers(m, k));
  k.tp_dst = 54;
  EXPECT_FALSE(match_covers(m, k));
}

TEST(Match, CoversUsesPrefixesAndWildcards) {
  const Match m = normalize_match(tcp_match());
  FlowKey k;
  k.in_port = 1;
  k.dl_type = 0x0800;
  k.nw_proto = 6;
  k.nw_src = 0x0a123456;  // inside 10.0.0.0/8
  k.nw_dst = 0x01020304;
  k.tp_src = 5555;
  k.tp_dst = 80;
  k.dl_src = MacAddr::from_u64(0xabc);
  EXPECT_TRUE(match_covers(m, k));
  k.nw_src = 0x0b000000;
  EXPECT_FALSE(match_covers(m, k));
  k.nw_src = 0x0a000000;
  k.in_port = 2;
  EXPECT_FALSE(match_covers(m, k));
  EXPECT_TRUE(match_covers(Match{}, k));
}

TEST(Match, MaskHasOnesForExactFields) {
  const FlowKey mask = match_mask(tcp_match());
  EXPECT_EQ(mask.in_port, 0xffff);
  EXPECT_EQ(mask.dl_type, 0xffff);
  EXPECT_EQ(mask.nw_proto, 0xff);
  EXPECT_EQ(mask.nw_src, 0xff000000u);
  EXPECT_EQ(mask.nw_dst, 0u);
  EXPECT_EQ(mask.tp_src, 0);
  EXPECT_EQ(mask.tp_dst, 0xffff);
  EXPECT_TRUE(mask.dl_src.is_zero());
}

TEST(Match, Subsumes) {
  const Match narrow = normalize_match(tcp_match());
  Match wide = narrow;
  wide.wildcards |= w::kTpDst;
  wide.key.tp_dst = 0;
  EXPECT_TRUE(match_subsumes(wide, narrow));
  EXPECT_FALSE(match_subsumes(narrow, wide));
  EXPECT_TRUE(match_subsumes(Match{}, narrow));
  EXPECT_TRUE(match_subsumes(narrow, narrow));
  Match other = narrow;
  other.key.in_port = 2;
  EXPECT_FALSE(match_subsumes(other, narrow));
}

}  // namespace
}  // namespace ofkit::of
