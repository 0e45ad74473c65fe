#pragma once
// UDP (RFC 768) view. parse() requires the 8-byte header and a length field
// of at least 8; payload() is clipped to the length field and the capture.

#include "oflib/common/byte_order.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

class UdpView {
 public:
  static constexpr Layer kLayer = Layer::kUdp;
  static constexpr size_t kHeaderLen = 8;
  static ParseResult<UdpView> parse(Bytes b) {
    if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
    if (load_be16(b.data() + 4) < kHeaderLen) return parse_fail(ParseError::kBadTotalLength);
    return UdpView(b);
  }
  uint16_t src_port() const { return load_be16(data_.data()); }
  uint16_t dst_port() const { return load_be16(data_.data() + 2); }
  uint16_t length() const { return load_be16(data_.data() + 4); }
  uint16_t checksum() const { return load_be16(data_.data() + 6); }
  size_t header_length() const { return kHeaderLen; }
  bool truncated() const { return length() > data_.size(); }
  Bytes payload() const {
    const size_t end = length() < data_.size() ? length() : data_.size();
    return data_.subspan(kHeaderLen, end - kHeaderLen);
  }
  Bytes bytes() const { return data_; }

 private:
  explicit UdpView(Bytes b) : data_(b) {}
  Bytes data_;
};

}  // namespace ofkit
