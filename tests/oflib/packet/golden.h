#pragma once
// Golden frames written by hand from the RFC field layouts. Checksums were
// computed by hand-checked arithmetic and are cross-checked against scapy in
// scapy_test.cc. Shared by the parser, builder, truncation and key tests.

#include <string_view>

namespace ofkit::test::golden {

// Ethernet II / IPv4 / TCP SYN with options (MSS 1460, SACK-permitted,
// timestamps 1/0, NOP, window scale 7): 10.0.0.1:12345 -> 10.0.0.2:80.
inline constexpr std::string_view kTcpSyn = R"(
  00 00 00 00 00 02  00 00 00 00 00 01  08 00      # dst, src, type IPv4
  45 10 00 3c  1c 46 40 00  40 06 0a 64            # v4 ihl5 tos0x10 len60 id DF ttl64 TCP csum
  0a 00 00 01  0a 00 00 02                         # 10.0.0.1 -> 10.0.0.2
  30 39 00 50  00 00 03 e8  00 00 00 00            # 12345 -> 80 seq 1000 ack 0
  a0 02 fa f0  04 9b 00 00                         # doff 10, SYN, win 64240, csum, urg
  02 04 05 b4  04 02  08 0a 00 00 00 01 00 00 00 00  01  03 03 07
)";

// 802.1Q (vid 100, pcp 5) / IPv4 / UDP 10.0.0.1:1234 -> 10.0.0.2:4321, 4 bytes payload.
inline constexpr std::string_view kVlanUdp = R"(
  00 00 00 00 00 02  00 00 00 00 00 01  81 00  a0 64  08 00
  45 00 00 20  00 01 00 00  40 11 66 ca  0a 00 00 01  0a 00 00 02
  04 d2 10 e1  00 0c 38 83  de ad be ef
)";

// ARP request who-has 10.0.0.2 tell 10.0.0.1, padded to 60 bytes.
inline constexpr std::string_view kArpRequest = R"(
  ff ff ff ff ff ff  00 00 00 00 00 01  08 06
  00 01 08 00 06 04 00 01  00 00 00 00 00 01  0a 00 00 01  00 00 00 00 00 00  0a 00 00 02
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
)";

// ICMP echo request id 0x1234 seq 1, 4 bytes data, TOS 0xb9 (DSCP 46, ECN 1).
inline constexpr std::string_view kIcmpEcho = R"(
  00 00 00 00 00 02  00 00 00 00 00 01  08 00
  45 b9 00 20  00 02 00 00  40 01 66 20  0a 00 00 01  0a 00 00 02
  08 00 21 04  12 34 00 01  61 62 63 64
)";

// IPv6 / hop-by-hop (PadN) / fragment (first, M=1) / UDP 1000 -> 2000, 2001:db8::1 -> 2001:db8::2.
inline constexpr std::string_view kIpv6Ext = R"(
  00 00 00 00 00 02  00 00 00 00 00 01  86 dd
  60 00 00 00  00 1c 00 40                          # payload 28, next HBH, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  2c 00 01 04 00 00 00 00                           # HBH: next frag, len 0, PadN(4)
  11 00 00 01 00 00 ab cd                           # Frag: next UDP, offset 0, M=1, id 0xabcd
  03 e8 07 d0 00 0c 0f 36  68 69 21 0a              # UDP (checksum over this fragment) "hi!\n"
)";

// 802.3 with LLC/SNAP carrying IPv4/UDP (RFC 1042): 802.3 length 36.
inline constexpr std::string_view kSnapIpv4 = R"(
  00 00 00 00 00 02  00 00 00 00 00 01  00 24
  aa aa 03 00 00 00 08 00
  45 00 00 1c  00 03 00 00  40 11 66 cc  0a 00 00 01  0a 00 00 02
  00 07 00 07 00 08 00 00                           # UDP, checksum 0 (none)
)";

// 802.3 with plain LLC (STP BPDU: dsap 0x42 ssap 0x42 ctrl 0x03), 802.3 length 7.
inline constexpr std::string_view kLlcStp = R"(
  01 80 c2 00 00 00  00 00 00 00 00 01  00 07
  42 42 03 00 00 00 00
)";

}  // namespace ofkit::test::golden

namespace ofkit::test::golden {

// Ethernet/IPv4/UDP 53 -> 33333, DNS response (RFC 1035 4.1): id 0x1a2b,
// flags 0x8180, www.example.com A? -> CNAME example.com (compressed to
// offset 16), example.com A 93.184.216.34, TTL 3600.
inline constexpr std::string_view kDnsResponse = R"(
  00 00 00 00 00 01  00 00 00 00 00 02  08 00
  45 00 00 5b  00 04 00 00  40 11 66 8c  0a 00 00 02  0a 00 00 01
  00 35 82 35 00 47 4c 57
  1a 2b 81 80 00 01 00 02 00 00 00 00
  03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00  00 01 00 01
  c0 0c 00 05 00 01 00 00 0e 10 00 02 c0 10
  c0 10 00 01 00 01 00 00 0e 10 00 04 5d b8 d8 22
)";

// LLDP (802.1AB): chassis MAC 00:00:00:00:00:01, port ifname "eth0", TTL
// 120, port description "port", system name "sw1", system description
// "ofkit", capabilities bridge+router / bridge, management 10.0.0.1 ifIndex 3.
inline constexpr std::string_view kLldp = R"(
  01 80 c2 00 00 0e  00 00 00 00 00 01  88 cc
  02 07 04 00 00 00 00 00 01
  04 05 05 65 74 68 30
  06 02 00 78
  08 04 70 6f 72 74
  0a 03 73 77 31
  0c 05 6f 66 6b 69 74
  0e 04 00 14 00 04
  10 0c 05 01 0a 00 00 01 02 00 00 00 03 00
  00 00
)";

}  // namespace ofkit::test::golden
