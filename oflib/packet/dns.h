#pragma once
// DNS messages (RFC 1035): header, questions and resource records, with name
// compression both ways.
//
// Reading names follows compression pointers with loop protection: a pointer
// must point strictly before the label that holds it (so every jump goes
// backwards and the walk ends), at most 127 jumps, and the expanded name must
// fit 255 bytes. Names are returned dotted without the trailing dot ("" is
// the root). DNS is not on the datapath, so the decoded form owns strings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace dns_type {
inline constexpr uint16_t kA = 1;
inline constexpr uint16_t kNs = 2;
inline constexpr uint16_t kCname = 5;
inline constexpr uint16_t kSoa = 6;
inline constexpr uint16_t kPtr = 12;
inline constexpr uint16_t kMx = 15;
inline constexpr uint16_t kTxt = 16;
inline constexpr uint16_t kAaaa = 28;
}  // namespace dns_type

inline constexpr uint16_t kDnsPort = 53;
inline constexpr uint16_t kMdnsPort = 5353;

struct DnsQuestion {
  std::string name;
  uint16_t type = dns_type::kA;
  uint16_t cls = 1;  // IN
  friend bool operator==(const DnsQuestion&, const DnsQuestion&) = default;
};

struct DnsRecord {
  std::string name;
  uint16_t type = dns_type::kA;
  uint16_t cls = 1;
  uint32_t ttl = 0;
  // For NS, CNAME and PTR the target name (decompressed) and rdata empty;
  // for every other type the raw rdata.
  std::string target;
  std::vector<uint8_t> rdata;

  std::optional<Ipv4Addr> a() const;
  std::optional<Ipv6Addr> aaaa() const;
  static bool has_name_rdata(uint16_t type) {
    return type == dns_type::kNs || type == dns_type::kCname || type == dns_type::kPtr;
  }
  friend bool operator==(const DnsRecord&, const DnsRecord&) = default;
};

struct DnsMessage {
  static constexpr Layer kLayer = Layer::kDns;
  static constexpr size_t kHeaderLen = 12;

  uint16_t id = 0;
  uint16_t flags = 0;  // QR, opcode, AA, TC, RD, RA, Z, rcode
  std::vector<DnsQuestion> questions;
  std::vector<DnsRecord> answers, authorities, additionals;

  bool is_response() const { return flags & 0x8000; }
  uint8_t opcode() const { return (flags >> 11) & 15; }
  uint8_t rcode() const { return flags & 15; }

  static ParseResult<DnsMessage> parse(Bytes b);
  // Writes the message, with name compression unless `compress` is false;
  // bytes written, or 0 if out is too small or a name is invalid (label > 63,
  // name > 255).
  size_t write(MutableBytes out, bool compress = true) const;

  friend bool operator==(const DnsMessage&, const DnsMessage&) = default;
};

// Reads the (possibly compressed) name at *offset in msg; on success *offset
// is just past the name as it appears at that place.
ParseResult<std::string> read_dns_name(Bytes msg, size_t* offset);

}  // namespace ofkit
