#pragma once
// Helpers shared by the wire tests: hex fixtures and golden-byte checks.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oflib/wire/message.h"

namespace ofkit::of::test {

// "01 0e 00 48" -> bytes. Whitespace, '|' and '#' comments to end of line are ignored.
inline std::vector<uint8_t> hex(std::string_view s) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) || c == '|') continue;
    const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (v < 0 || v > 15) ADD_FAILURE() << "bad hex char " << c;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) ADD_FAILURE() << "odd number of hex digits";
  return out;
}

inline std::string to_hex(std::span<const uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i && i % 8 == 0) s += ' ';
    s += d[b[i] >> 4];
    s += d[b[i] & 15];
  }
  return s;
}

// Encodes m with xid and compares with golden byte for byte; then decodes
// golden and checks it equals m.
inline void expect_golden(const Message& m, uint32_t xid, const std::vector<uint8_t>& golden) {
  const auto enc = encode_message(m, xid);
  EXPECT_EQ(to_hex(enc), to_hex(golden));
  auto dec = decode_message(golden, ActionDecodeOptions{.accept_vendor = true});
  ASSERT_TRUE(dec) << ofperr_name(dec.error());
  EXPECT_TRUE(*dec == m);
  auto h = parse_header(golden);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->xid, xid);
}

inline std::vector<uint8_t> with_len(std::vector<uint8_t> msg, uint16_t len) {
  msg[2] = static_cast<uint8_t>(len >> 8);
  msg[3] = static_cast<uint8_t>(len);
  return msg;
}

}  // namespace ofkit::of::test
