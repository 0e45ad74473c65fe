// The OF1.0 flow-key rules, one test each, on hand-written golden frames.
#include "oflib/packet/flow_extract.h"

#include <gtest/gtest.h>

#include <vector>

#include "golden.h"
#include "hex.h"

namespace ofkit {
namespace {

using test::hex;

FlowKey key_of(const std::vector<uint8_t>& f, uint16_t in_port = 7, KeyStatus* st = nullptr) {
  FlowKey k;
  std::memset(static_cast<void*>(&k), 0xee, sizeof k);  // prove every byte, padding included, is written
  const KeyStatus s = extract_flow_key(f.data(), f.size(), in_port, &k);
  if (st) *st = s;
  return k;
}

TEST(FlowExtract, TcpGivesFullTwelveTuple) {
  KeyStatus st;
  const FlowKey k = key_of(hex(test::golden::kTcpSyn), 7, &st);
  EXPECT_EQ(st, KeyStatus::kOk);
  EXPECT_EQ(k.in_port, 7);
  EXPECT_EQ(k.dl_src.to_string(), "00:00:00:00:00:01");
  EXPECT_EQ(k.dl_dst.to_string(), "00:00:00:00:00:02");
  EXPECT_EQ(k.dl_vlan, 0xffff);  // untagged: OFP_VLAN_NONE
  EXPECT_EQ(k.dl_vlan_pcp, 0);
  EXPECT_EQ(k.dl_type, 0x0800);
  EXPECT_EQ(k.nw_tos, 0x10);
  EXPECT_EQ(k.nw_proto, 6);
  EXPECT_EQ(k.nw_src, 0x0a000001u);
  EXPECT_EQ(k.nw_dst, 0x0a000002u);
  EXPECT_EQ(k.tp_src, 12345);
  EXPECT_EQ(k.tp_dst, 80);
  EXPECT_EQ(k.pad0[0] | k.pad0[1] | k.pad0[2], 0);
  EXPECT_EQ(k.pad1, 0u);
}

TEST(FlowExtract, VlanTagGivesVidAndPcp) {
  const FlowKey k = key_of(hex(test::golden::kVlanUdp));
  EXPECT_EQ(k.dl_vlan, 100);
  EXPECT_EQ(k.dl_vlan_pcp, 5);
  EXPECT_EQ(k.dl_type, 0x0800);  // the inner type, not 0x8100
  EXPECT_EQ(k.nw_proto, 17);
  EXPECT_EQ(k.tp_src, 1234);
  EXPECT_EQ(k.tp_dst, 4321);
}

TEST(FlowExtract, QinQUsesOuterTagAndInnerType) {
  for (const char* outer : {"88 a8", "91 00", "81 00"}) {
    auto f = hex(std::string("00 00 00 00 00 02 00 00 00 00 00 01 ") + outer +
                 " 20 0a  81 00 00 14  08 06"
                 " 00 01 08 00 06 04 00 02  00 00 00 00 00 01  0a 00 00 01  00 00 00 00 00 02  0a 00 00 02");
    const FlowKey k = key_of(f);
    EXPECT_EQ(k.dl_vlan, 10) << outer;
    EXPECT_EQ(k.dl_vlan_pcp, 1) << outer;
    EXPECT_EQ(k.dl_type, 0x0806) << outer;
    EXPECT_EQ(k.nw_proto, 2) << outer;  // ARP reply opcode
  }
}

TEST(FlowExtract, ArpOpcodeAndAddressesInNwFields) {
  KeyStatus st;
  const FlowKey k = key_of(hex(test::golden::kArpRequest), 1, &st);
  EXPECT_EQ(st, KeyStatus::kOk);
  EXPECT_EQ(k.dl_type, 0x0806);
  EXPECT_EQ(k.nw_proto, 1);  // request
  EXPECT_EQ(k.nw_src, 0x0a000001u);
  EXPECT_EQ(k.nw_dst, 0x0a000002u);
  EXPECT_EQ(k.nw_tos, 0);
  EXPECT_EQ(k.tp_src, 0);
  EXPECT_EQ(k.tp_dst, 0);
}

TEST(FlowExtract, ArpOpcodeLowEightBits) {
  auto f = hex(test::golden::kArpRequest);
  f[14 + 6] = 0x01;  // opcode 0x0102
  f[14 + 7] = 0x02;
  EXPECT_EQ(key_of(f).nw_proto, 0x02);
}

TEST(FlowExtract, NonEthernetIpv4ArpFormatHasNoNwFields) {
  auto f = hex(test::golden::kArpRequest);
  f[14 + 5] = 16;  // plen 16: not IPv4 ARP
  const FlowKey k = key_of(f);
  EXPECT_EQ(k.dl_type, 0x0806);
  EXPECT_EQ(k.nw_proto, 0);
  EXPECT_EQ(k.nw_src, 0u);
}

TEST(FlowExtract, IcmpTypeCodeInTpFieldsAndDscpOnly) {
  const FlowKey k = key_of(hex(test::golden::kIcmpEcho));
  EXPECT_EQ(k.nw_proto, 1);
  EXPECT_EQ(k.tp_src, 8);     // echo request type
  EXPECT_EQ(k.tp_dst, 0);     // code
  EXPECT_EQ(k.nw_tos, 0xb8);  // 0xb9 & 0xfc: ECN bits dropped
  auto f = hex(test::golden::kIcmpEcho);
  f[34] = 3;  // dest unreachable
  f[35] = 13;
  const FlowKey u = key_of(f);
  EXPECT_EQ(u.tp_src, 3);
  EXPECT_EQ(u.tp_dst, 13);
}

TEST(FlowExtract, NonFirstFragmentHasNoL4) {
  auto f = hex(test::golden::kTcpSyn);
  f[14 + 6] = 0x00;  // offset 185*8, no DF
  f[14 + 7] = 0xb9;
  KeyStatus st;
  const FlowKey k = key_of(f, 7, &st);
  EXPECT_EQ(st, KeyStatus::kOk);
  EXPECT_EQ(k.nw_proto, 6);
  EXPECT_EQ(k.nw_src, 0x0a000001u);
  EXPECT_EQ(k.tp_src, 0);
  EXPECT_EQ(k.tp_dst, 0);
  // The first fragment (MF set, offset 0) keeps its ports.
  f[14 + 6] = 0x20;
  f[14 + 7] = 0x00;
  EXPECT_EQ(key_of(f).tp_dst, 80);
}

TEST(FlowExtract, Ieee8023GetsNotEthType) {
  KeyStatus st;
  const FlowKey k = key_of(hex(test::golden::kLlcStp), 3, &st);
  EXPECT_EQ(st, KeyStatus::kOk);
  EXPECT_EQ(k.dl_type, 0x05ff);
  EXPECT_EQ(k.dl_dst.to_string(), "01:80:c2:00:00:00");
  EXPECT_EQ(k.nw_proto, 0);
}

TEST(FlowExtract, SnapFrameGetsSnapTypeAndIsParsed) {
  const FlowKey k = key_of(hex(test::golden::kSnapIpv4));
  EXPECT_EQ(k.dl_type, 0x0800);
  EXPECT_EQ(k.nw_proto, 17);
  EXPECT_EQ(k.tp_src, 7);
  EXPECT_EQ(k.tp_dst, 7);
  // A SNAP header with a non-zero OUI is not an EtherType: 0x05ff.
  auto f = hex(test::golden::kSnapIpv4);
  f[17 + 2] = 0x0c;
  EXPECT_EQ(key_of(f).dl_type, 0x05ff);
}

TEST(FlowExtract, Ipv6HasOnlyL2Fields) {
  const FlowKey k = key_of(hex(test::golden::kIpv6Ext));
  EXPECT_EQ(k.dl_type, 0x86dd);
  EXPECT_EQ(k.nw_proto, 0);
  EXPECT_EQ(k.nw_src, 0u);
  EXPECT_EQ(k.nw_tos, 0);
  EXPECT_EQ(k.tp_src, 0);
  EXPECT_EQ(k.tp_dst, 0);
}

TEST(FlowExtract, ShortCaptureZeroesL4) {
  const auto full = hex(test::golden::kTcpSyn);
  // Cut inside the TCP header (14 + 20 + 19 bytes): ports are there but the
  // fixed TCP header is not, so tp_* are zero; L3 fields stay.
  KeyStatus st;
  FlowKey k;
  extract_flow_key(full.data(), 14 + 20 + 19, 1, &k);
  st = extract_flow_key(full.data(), 14 + 20 + 19, 1, &k);
  EXPECT_EQ(st, KeyStatus::kTruncated);
  EXPECT_EQ(k.nw_proto, 6);
  EXPECT_EQ(k.nw_src, 0x0a000001u);
  EXPECT_EQ(k.tp_src, 0);
  EXPECT_EQ(k.tp_dst, 0);
  st = extract_flow_key(full.data(), 14 + 20 + 20, 1, &k);
  EXPECT_EQ(st, KeyStatus::kOk);
  EXPECT_EQ(k.tp_dst, 80);
  // UDP needs 8, ICMP 8.
  const auto icmp = hex(test::golden::kIcmpEcho);
  EXPECT_EQ(extract_flow_key(icmp.data(), 14 + 20 + 7, 1, &k), KeyStatus::kTruncated);
  EXPECT_EQ(k.tp_src, 0);
  // Cut inside the IPv4 header: L2 only.
  EXPECT_EQ(extract_flow_key(full.data(), 14 + 19, 1, &k), KeyStatus::kTruncated);
  EXPECT_EQ(k.dl_type, 0x0800);
  EXPECT_EQ(k.nw_src, 0u);
}

TEST(FlowExtract, IpTotalLengthBoundsL4AndPaddingIsIgnored) {
  // ICMP claims total length 20 + 4: ICMP header (8) not inside the datagram.
  auto f = hex(test::golden::kIcmpEcho);
  f[14 + 3] = 24;
  FlowKey k;
  EXPECT_EQ(extract_flow_key(f.data(), f.size(), 1, &k), KeyStatus::kTruncated);
  EXPECT_EQ(k.tp_src, 0);
  // Ethernet padding after a complete datagram changes nothing.
  auto p = hex(test::golden::kVlanUdp);
  p.resize(64, 0);
  EXPECT_EQ(extract_flow_key(p.data(), p.size(), 1, &k), KeyStatus::kOk);
  EXPECT_EQ(k.tp_dst, 4321);
}

TEST(FlowExtract, MalformedFramesAreReported) {
  const auto f = hex(test::golden::kTcpSyn);
  FlowKey k;
  EXPECT_EQ(extract_flow_key(f.data(), 13, 9, &k), KeyStatus::kMalformed);
  EXPECT_EQ(k.in_port, 9);
  EXPECT_EQ(k.dl_vlan, 0xffff);
  EXPECT_EQ(k.dl_type, 0);
  for (auto [byte, value] : {std::pair{0, 0x65}, {0, 0x44}, {3, 0x10}}) {  // version 6, IHL 4, total < IHL
    auto g = f;
    g[14 + byte] = static_cast<uint8_t>(value);
    if (byte == 3) g[14 + 2] = 0;
    EXPECT_EQ(extract_flow_key(g.data(), g.size(), 1, &k), KeyStatus::kMalformed) << byte;
    EXPECT_EQ(k.dl_type, 0x0800);
    EXPECT_EQ(k.nw_src, 0u);
    EXPECT_EQ(k.tp_src, 0);
  }
}

TEST(FlowExtract, EveryTruncationIsSafeAndMonotone) {
  for (auto g :
       {test::golden::kTcpSyn, test::golden::kVlanUdp, test::golden::kArpRequest, test::golden::kIcmpEcho,
        test::golden::kIpv6Ext, test::golden::kSnapIpv4, test::golden::kLlcStp}) {
    const auto f = hex(g);
    FlowKey full;
    ASSERT_EQ(extract_flow_key(f.data(), f.size(), 1, &full), KeyStatus::kOk);
    for (size_t n = 0; n <= f.size(); ++n) {
      std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<long>(n));  // exact-size heap copy for ASan
      FlowKey k;
      const KeyStatus s = extract_flow_key(cut.data(), cut.size(), 1, &k);
      if (n < 14) {
        EXPECT_EQ(s, KeyStatus::kMalformed);
        continue;
      }
      // Every non-zero field of a truncated key equals the full key's.
      EXPECT_EQ(k.dl_src, full.dl_src);
      if (k.nw_src) {
        EXPECT_EQ(k.nw_src, full.nw_src);
      }
      if (k.tp_dst) {
        EXPECT_EQ(k.tp_dst, full.tp_dst);
      }
      if (s == KeyStatus::kOk) {
        EXPECT_EQ(k, full) << "len " << n;
      }
    }
  }
}

TEST(FlowExtract, BatchMatchesSingleAndFlagsMalformed) {
  std::vector<std::vector<uint8_t>> frames = {hex(test::golden::kTcpSyn),     hex(test::golden::kVlanUdp),
                                              hex(test::golden::kArpRequest), hex(test::golden::kIcmpEcho),
                                              hex(test::golden::kIpv6Ext),    hex(test::golden::kSnapIpv4)};
  frames.push_back(std::vector<uint8_t>(10, 0));  // malformed
  const uint8_t* ptrs[32];
  uint16_t lens[32], ports[32];
  const size_t n = 32;
  for (size_t i = 0; i < n; ++i) {
    const auto& f = frames[i % frames.size()];
    ptrs[i] = f.data();
    lens[i] = static_cast<uint16_t>(f.size());
    ports[i] = static_cast<uint16_t>(i);
  }
  FlowKey out[32];
  KeyStatus st[32];
  const uint32_t bad = extract_flow_keys(ptrs, lens, ports, n, out, st);
  uint32_t expect_bad = 0;
  for (size_t i = 0; i < n; ++i) {
    FlowKey k;
    const KeyStatus s = extract_flow_key(ptrs[i], lens[i], ports[i], &k);
    EXPECT_EQ(out[i], k) << i;
    EXPECT_EQ(st[i], s) << i;
    if (s == KeyStatus::kMalformed) expect_bad |= 1u << i;
  }
  EXPECT_EQ(bad, expect_bad);
  EXPECT_NE(bad, 0u);
  EXPECT_EQ(extract_flow_keys(ptrs, lens, ports, 0, out), 0u);
}

}  // namespace
}  // namespace ofkit
