#include "oflib/packet/ipv4.h"

namespace ofkit {

ParseResult<Ipv4View> Ipv4View::parse(Bytes b) {
  if (b.size() < kMinHeaderLen) return parse_fail(ParseError::kTruncated);
  if ((b[0] >> 4) != 4) return parse_fail(ParseError::kBadVersion);
  const size_t hl = size_t{b[0] & 0x0fu} * 4;
  if (hl < kMinHeaderLen) return parse_fail(ParseError::kBadHeaderLength);
  if (b.size() < hl) return parse_fail(ParseError::kTruncated);
  if (load_be16(b.data() + 2) < hl) return parse_fail(ParseError::kBadTotalLength);
  // Options: END stops, NOP is one byte, the rest are type/length/data with
  // length >= 2 and inside the header.
  for (size_t i = 20; i < hl;) {
    const uint8_t t = b[i];
    if (t == ipv4_opt::kEnd) break;
    if (t == ipv4_opt::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= hl || b[i + 1] < 2 || i + b[i + 1] > hl) return parse_fail(ParseError::kBadOption);
    i += b[i + 1];
  }
  return Ipv4View(b);
}

std::optional<Ipv4Option> Ipv4View::find_option(uint8_t type) const {
  std::optional<Ipv4Option> found;
  for_each_option([&](const Ipv4Option& o) {
    if (!found && o.type == type) found = o;
  });
  return found;
}

}  // namespace ofkit
