// Internet checksums: known values, RFC 1624 incremental updates against full
// recomputation on random data, and the OF1.0 set-field helpers.
#include "oflib/packet/checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "golden.h"
#include "hex.h"
#include "oflib/packet/flow_extract.h"

namespace ofkit {
namespace {

using test::hex;

// Straight RFC 1071 reference: big-endian 16-bit words, end-around carry.
uint16_t reference_checksum(const std::vector<uint8_t>& d) {
  uint32_t s = 0;
  for (size_t i = 0; i < d.size(); i += 2) s += uint32_t{d[i]} << 8 | (i + 1 < d.size() ? d[i + 1] : 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
  const auto d = hex("00 01 f2 03 f4 f5 f6 f7");
  EXPECT_EQ(csum_partial(d.data(), d.size()), 0xddf2u);
  EXPECT_EQ(inet_checksum(d.data(), d.size()), static_cast<uint16_t>(~0xddf2));
}

TEST(Checksum, MatchesReferenceOnRandomLengthsAndAlignments) {
  std::mt19937 rng(1);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<uint8_t> d(rng() % 300);
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    ASSERT_EQ(inet_checksum(d.data(), d.size()), reference_checksum(d)) << d.size();
  }
  std::vector<uint8_t> ff(1500, 0xff);
  EXPECT_EQ(inet_checksum(ff.data(), ff.size()), reference_checksum(ff));
}

TEST(Checksum, GoldenIpv4Header) {
  // RFC 791-layout header from golden::kTcpSyn; checksum 0x0a64.
  const auto f = hex(test::golden::kTcpSyn);
  EXPECT_EQ(ipv4_header_checksum(f.data() + 14, 20), 0x0a64);
  EXPECT_TRUE(ipv4_header_checksum_ok(f.data() + 14, 20));
  EXPECT_EQ(tcp_checksum_ipv4(0x0a000001, 0x0a000002, f.data() + 34, 40), 0x049b);
}

TEST(Checksum, UdpZeroIsSentAsAllOnes) {
  // Find a payload whose UDP checksum computes to 0, then check 0xffff.
  std::vector<uint8_t> udp = hex("00 01 00 02 00 0a 00 00 00 00");
  const uint16_t c = udp_checksum_ipv4(1, 2, udp.data(), udp.size());
  // Adjust the last word so the sum becomes 0xffff (checksum 0).
  const uint16_t last = static_cast<uint16_t>(c);
  store_be16(udp.data() + 8, last);
  EXPECT_EQ(l4_checksum(ipv4_pseudo_sum(1, 2, 17, 10), udp.data(), udp.size(), 6), 0);
  EXPECT_EQ(udp_checksum_ipv4(1, 2, udp.data(), udp.size()), 0xffff);
}

TEST(Checksum, Rfc1624IncrementalEqualsFullOnRandomData) {
  std::mt19937 rng(2);
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> d(4 + 2 * (rng() % 40));
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    if (iter % 7 == 0) std::fill(d.begin(), d.end(), 0);  // edge: all zero data
    d[0] = d[1] = 0;                                      // checksum field at offset 0
    store_be16(d.data(), inet_checksum(d.data(), d.size()));
    const size_t at = 2 + 2 * (rng() % ((d.size() - 2) / 2));
    const uint16_t old_v = load_be16(d.data() + at);
    const uint16_t new_v = iter % 5 == 0 ? static_cast<uint16_t>(~old_v) : static_cast<uint16_t>(rng());
    store_be16(d.data() + at, new_v);
    const uint16_t inc = csum_update16(load_be16(d.data()), old_v, new_v);
    // Compare sums (0x0000 and 0xffff are the same ones-complement value).
    store_be16(d.data(), inc);
    ASSERT_EQ(csum_fold(csum_partial(d.data(), d.size())), 0xffff) << iter;
    if (at + 4 <= d.size()) {
      const uint32_t o32 = load_be32(d.data() + at);
      const uint32_t n32 = static_cast<uint32_t>(rng());
      store_be32(d.data() + at, n32);
      store_be16(d.data(), csum_update32(load_be16(d.data()), o32, n32));
      ASSERT_EQ(csum_fold(csum_partial(d.data(), d.size())), 0xffff) << iter;
    }
  }
}

struct Frame {
  std::vector<uint8_t> bytes;
  uint8_t* ip() { return bytes.data() + 14; }
  size_t ip_len() const { return bytes.size() - 14; }
};

void expect_checksums_valid(Frame& f) {
  uint8_t* ip = f.ip();
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  EXPECT_TRUE(ipv4_header_checksum_ok(ip, ihl));
  const size_t l4_len = load_be16(ip + 2) - ihl;
  const uint32_t src = load_be32(ip + 12), dst = load_be32(ip + 16);
  if (ip[9] == 6) {
    EXPECT_EQ(tcp_checksum_ipv4(src, dst, ip + ihl, l4_len), load_be16(ip + ihl + 16));
  }
  if (ip[9] == 17 && load_be16(ip + ihl + 6) != 0) {
    EXPECT_EQ(udp_checksum_ipv4(src, dst, ip + ihl, l4_len), load_be16(ip + ihl + 6));
  }
}

TEST(SetField, Ipv4AddressUpdatesIpAndTcpChecksums) {
  Frame f{hex(test::golden::kTcpSyn)};
  ASSERT_TRUE(set_ipv4_addr(f.ip(), f.ip_len(), true, 0xc0a80101));
  ASSERT_TRUE(set_ipv4_addr(f.ip(), f.ip_len(), false, 0x08080808));
  EXPECT_EQ(load_be32(f.ip() + 12), 0xc0a80101u);
  EXPECT_EQ(load_be32(f.ip() + 16), 0x08080808u);
  expect_checksums_valid(f);
  FlowKey k;
  extract_flow_key(f.bytes.data(), f.bytes.size(), 0, &k);
  EXPECT_EQ(k.nw_src, 0xc0a80101u);
}

TEST(SetField, Ipv4AddressUpdatesUdpAndZeroUdpStaysZero) {
  Frame f{hex(test::golden::kIcmpEcho)};  // ICMP: no pseudo-header, only IP checksum changes
  const uint16_t icmp_before = load_be16(f.ip() + 22);
  ASSERT_TRUE(set_ipv4_addr(f.ip(), f.ip_len(), true, 0x01020304));
  EXPECT_EQ(load_be16(f.ip() + 22), icmp_before);
  expect_checksums_valid(f);

  Frame s{hex(test::golden::kSnapIpv4)};  // UDP checksum 0 after SNAP (IPv4 at offset 22)
  uint8_t* ip = s.bytes.data() + 22;
  ASSERT_TRUE(set_ipv4_addr(ip, s.bytes.size() - 22, false, 0x0b0b0b0b));
  EXPECT_EQ(load_be16(ip + 26), 0);  // still "no checksum"
  EXPECT_TRUE(ipv4_header_checksum_ok(ip, 20));

  Frame v{hex(test::golden::kVlanUdp)};
  ip = v.bytes.data() + 18;
  ASSERT_TRUE(set_ipv4_addr(ip, v.bytes.size() - 18, true, 0x7f000001));
  EXPECT_EQ(udp_checksum_ipv4(0x7f000001, 0x0a000002, ip + 20, 12), load_be16(ip + 26));
  EXPECT_TRUE(ipv4_header_checksum_ok(ip, 20));
}

TEST(SetField, PortsAndTos) {
  Frame f{hex(test::golden::kTcpSyn)};
  ASSERT_TRUE(set_l4_port(f.ip(), f.ip_len(), true, 40000));
  ASSERT_TRUE(set_l4_port(f.ip(), f.ip_len(), false, 443));
  EXPECT_EQ(load_be16(f.ip() + 20), 40000);
  EXPECT_EQ(load_be16(f.ip() + 22), 443);
  expect_checksums_valid(f);
  ASSERT_TRUE(set_ipv4_tos(f.ip(), f.ip_len(), 0xb9));
  EXPECT_EQ(f.ip()[1], 0xb8);  // DSCP bits only; the frame's ECN bits (00) kept
  expect_checksums_valid(f);
  Frame e{hex(test::golden::kIcmpEcho)};  // TOS 0xb9: ECN 01 kept
  ASSERT_TRUE(set_ipv4_tos(e.ip(), e.ip_len(), 0x20));
  EXPECT_EQ(e.ip()[1], 0x21);
  expect_checksums_valid(e);
  // ICMP has no ports; a later fragment has no L4 header.
  EXPECT_FALSE(set_l4_port(e.ip(), e.ip_len(), true, 1));
  Frame g{hex(test::golden::kTcpSyn)};
  g.ip()[7] = 0x10;  // fragment offset 16
  EXPECT_FALSE(set_l4_port(g.ip(), g.ip_len(), true, 1));
  const uint16_t tcp_csum = load_be16(g.ip() + 36);
  ASSERT_TRUE(set_ipv4_addr(g.ip(), g.ip_len(), true, 5));
  EXPECT_EQ(load_be16(g.ip() + 36), tcp_csum);  // bytes after the IP header are not a TCP header
  // Too short to hold the header: refused, nothing written.
  EXPECT_FALSE(set_ipv4_addr(f.ip(), 19, true, 1));
  EXPECT_FALSE(set_ipv4_tos(f.ip(), 10, 0));
}

TEST(SetField, RandomizedAgainstFullRecompute) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 500; ++iter) {
    Frame f{hex(iter % 2 ? test::golden::kTcpSyn : test::golden::kIcmpEcho)};
    if (iter % 4 == 0) {  // turn it into UDP with a random payload
      f = Frame{hex(test::golden::kVlanUdp)};
      f.bytes.erase(f.bytes.begin() + 12, f.bytes.begin() + 16);  // untag
    }
    for (size_t i = 34 + 8; i < f.bytes.size(); ++i) f.bytes[i] = static_cast<uint8_t>(rng());
    // Make the starting checksums right for the random payload.
    uint8_t* ip = f.ip();
    const size_t l4 = load_be16(ip + 2) - 20;
    if (ip[9] == 6)
      store_be16(ip + 36, tcp_checksum_ipv4(load_be32(ip + 12), load_be32(ip + 16), ip + 20, l4));
    if (ip[9] == 17)
      store_be16(ip + 26, udp_checksum_ipv4(load_be32(ip + 12), load_be32(ip + 16), ip + 20, l4));
    set_ipv4_addr(ip, f.ip_len(), rng() & 1, static_cast<uint32_t>(rng()));
    set_l4_port(ip, f.ip_len(), rng() & 1, static_cast<uint16_t>(rng()));
    set_ipv4_tos(ip, f.ip_len(), static_cast<uint8_t>(rng()));
    expect_checksums_valid(f);
  }
}

}  // namespace
}  // namespace ofkit
