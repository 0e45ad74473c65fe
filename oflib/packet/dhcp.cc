#include "oflib/packet/dhcp.h"

#include <cstring>

namespace ofkit {

ParseResult<DhcpView> DhcpView::parse(Bytes b) {
  if (b.size() < kFixedLen + 4) return parse_fail(ParseError::kTruncated);
  if (load_be32(b.data() + kFixedLen) != kMagicCookie) return parse_fail(ParseError::kBadFormat);
  for (size_t i = kFixedLen + 4; i < b.size();) {
    const uint8_t code = b[i];
    if (code == dhcp_opt::kEnd) break;
    if (code == dhcp_opt::kPad) {
      ++i;
      continue;
    }
    if (i + 1 >= b.size() || i + 2 + size_t{b[i + 1]} > b.size()) return parse_fail(ParseError::kBadOption);
    i += 2 + size_t{b[i + 1]};
  }
  return DhcpView(b);
}

std::string_view DhcpView::c_string(size_t off, size_t max) const {
  const char* p = reinterpret_cast<const char*>(data_.data() + off);
  return std::string_view(p, strnlen(p, max));
}

std::optional<Bytes> DhcpView::find_option(uint8_t code) const {
  std::optional<Bytes> found;
  for_each_option([&](const DhcpOption& o) {
    if (!found && o.code == code) found = o.data;
  });
  return found;
}

std::optional<uint8_t> DhcpView::message_type() const {
  auto o = find_option(dhcp_opt::kMessageType);
  if (!o || o->size() != 1) return std::nullopt;
  return (*o)[0];
}

size_t DhcpMessage::size() const {
  size_t n = DhcpView::kFixedLen + 4;
  for (const auto& [code, data] : options) n += 2 + data.size();
  return n + 1;  // END
}

size_t DhcpMessage::write(MutableBytes out) const {
  const size_t n = size();
  if (out.size() < n || sname.size() > 63 || file.size() > 127) return 0;
  for (const auto& [code, data] : options)
    if (data.size() > 255 || code == dhcp_opt::kPad || code == dhcp_opt::kEnd) return 0;
  uint8_t* p = out.data();
  std::memset(p, 0, DhcpView::kFixedLen);
  p[0] = op;
  p[1] = htype;
  p[2] = hlen;
  p[3] = hops;
  store_be32(p + 4, xid);
  store_be16(p + 8, secs);
  store_be16(p + 10, flags);
  store_be32(p + 12, ciaddr.value);
  store_be32(p + 16, yiaddr.value);
  store_be32(p + 20, siaddr.value);
  store_be32(p + 24, giaddr.value);
  std::memcpy(p + 28, chaddr.bytes.data(), 6);
  std::memcpy(p + 44, sname.data(), sname.size());
  std::memcpy(p + 108, file.data(), file.size());
  store_be32(p + DhcpView::kFixedLen, DhcpView::kMagicCookie);
  size_t off = DhcpView::kFixedLen + 4;
  for (const auto& [code, data] : options) {
    p[off] = code;
    p[off + 1] = static_cast<uint8_t>(data.size());
    if (!data.empty()) std::memcpy(p + off + 2, data.data(), data.size());
    off += 2 + data.size();
  }
  p[off++] = dhcp_opt::kEnd;
  return off;
}

}  // namespace ofkit
