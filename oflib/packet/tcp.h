#pragma once
// TCP (RFC 9293) view and its options: MSS (2), window scale (3, RFC 7323),
// SACK-permitted (4) and SACK (5, RFC 2018), timestamps (8, RFC 7323).
//
// parse() requires the 20-byte header, a data offset >= 5 whose header is
// captured in full, and options whose lengths stay inside the header.

#include <array>
#include <cstdint>
#include <optional>

#include "oflib/common/byte_order.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace tcp_flag {
inline constexpr uint16_t kFin = 0x001;
inline constexpr uint16_t kSyn = 0x002;
inline constexpr uint16_t kRst = 0x004;
inline constexpr uint16_t kPsh = 0x008;
inline constexpr uint16_t kAck = 0x010;
inline constexpr uint16_t kUrg = 0x020;
inline constexpr uint16_t kEce = 0x040;
inline constexpr uint16_t kCwr = 0x080;
}  // namespace tcp_flag

namespace tcp_opt {
inline constexpr uint8_t kEnd = 0;
inline constexpr uint8_t kNop = 1;
inline constexpr uint8_t kMss = 2;
inline constexpr uint8_t kWindowScale = 3;
inline constexpr uint8_t kSackPermitted = 4;
inline constexpr uint8_t kSack = 5;
inline constexpr uint8_t kTimestamps = 8;
}  // namespace tcp_opt

// The decoded options. Unknown options are skipped. Also what the builder
// encodes, laid out as Linux sends them: MSS; SACK-permitted + timestamps
// (or NOP NOP + either); NOP + window scale; NOP NOP + SACK blocks.
struct TcpOptions {
  struct SackBlock {
    uint32_t left = 0, right = 0;
    friend bool operator==(const SackBlock&, const SackBlock&) = default;
  };
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;
  bool sack_permitted = false;
  std::array<SackBlock, 4> sack{};
  uint8_t num_sack = 0;
  std::optional<uint32_t> ts_val;
  uint32_t ts_ecr = 0;
  friend bool operator==(const TcpOptions&, const TcpOptions&) = default;
};

class TcpView {
 public:
  static constexpr Layer kLayer = Layer::kTcp;
  static constexpr size_t kMinHeaderLen = 20;
  static ParseResult<TcpView> parse(Bytes b);

  uint16_t src_port() const { return load_be16(data_.data()); }
  uint16_t dst_port() const { return load_be16(data_.data() + 2); }
  uint32_t seq() const { return load_be32(data_.data() + 4); }
  uint32_t ack() const { return load_be32(data_.data() + 8); }
  size_t header_length() const { return static_cast<size_t>(data_[12] >> 4) * 4; }
  uint16_t flags() const { return load_be16(data_.data() + 12) & 0x01ff; }  // incl. NS bit 0x100
  bool has_flag(uint16_t f) const { return (flags() & f) == f; }
  uint16_t window() const { return load_be16(data_.data() + 14); }
  uint16_t checksum() const { return load_be16(data_.data() + 16); }
  uint16_t urgent_pointer() const { return load_be16(data_.data() + 18); }
  Bytes raw_options() const { return data_.subspan(20, header_length() - 20); }
  TcpOptions options() const;  // validated by parse(), cannot fail
  Bytes payload() const { return data_.subspan(header_length()); }
  Bytes bytes() const { return data_; }

 private:
  explicit TcpView(Bytes b) : data_(b) {}
  Bytes data_;
};

// Decodes an options area; kBadOption when a length runs past the end or a
// known option has the wrong length.
ParseResult<TcpOptions> parse_tcp_options(Bytes o);
// Encodes into out; returns bytes written (a multiple of 4, 0 for none), or
// nullopt when they need more than 40 bytes or more than out has.
std::optional<size_t> write_tcp_options(const TcpOptions& opts, MutableBytes out);

}  // namespace ofkit
