#include "oflib/packet/dns.h"

#include <cstring>
#include <string_view>

#include "oflib/common/byte_order.h"

namespace ofkit {

ParseResult<std::string> read_dns_name(Bytes msg, size_t* offset) {
  std::string name;
  size_t pos = *offset;
  size_t end_after_first_pointer = 0;
  size_t wire_len = 1;  // the final zero byte
  int jumps = 0;
  while (true) {
    if (pos >= msg.size()) return parse_fail(ParseError::kTruncated);
    const uint8_t len = msg[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) return parse_fail(ParseError::kTruncated);
      const size_t target = size_t{len & 0x3fu} << 8 | msg[pos + 1];
      // Backwards only: every jump lands before the pointer, so no loops.
      if (target >= pos || ++jumps > 127) return parse_fail(ParseError::kBadPointer);
      if (!end_after_first_pointer) end_after_first_pointer = pos + 2;
      pos = target;
      continue;
    }
    if (len & 0xc0) return parse_fail(ParseError::kBadLabel);  // 0x40/0x80: extended/reserved
    if (len == 0) {
      *offset = end_after_first_pointer ? end_after_first_pointer : pos + 1;
      return name;
    }
    if (pos + 1 + len > msg.size()) return parse_fail(ParseError::kTruncated);
    wire_len += 1 + size_t{len};
    if (wire_len > 255) return parse_fail(ParseError::kBadLabel);
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(msg.data() + pos + 1), len);
    pos += 1 + size_t{len};
  }
}

std::optional<Ipv4Addr> DnsRecord::a() const {
  if (type != dns_type::kA || rdata.size() != 4) return std::nullopt;
  return Ipv4Addr{load_be32(rdata.data())};
}

std::optional<Ipv6Addr> DnsRecord::aaaa() const {
  if (type != dns_type::kAaaa || rdata.size() != 16) return std::nullopt;
  return Ipv6Addr::from_bytes(rdata.data());
}

namespace {

ParseResult<DnsRecord> read_record(Bytes b, size_t* off) {
  DnsRecord r;
  auto name = read_dns_name(b, off);
  if (!name) return parse_fail(name.error());
  r.name = std::move(*name);
  if (*off + 10 > b.size()) return parse_fail(ParseError::kTruncated);
  r.type = load_be16(b.data() + *off);
  r.cls = load_be16(b.data() + *off + 2);
  r.ttl = load_be32(b.data() + *off + 4);
  const size_t rdlen = load_be16(b.data() + *off + 8);
  *off += 10;
  if (*off + rdlen > b.size()) return parse_fail(ParseError::kTruncated);
  if (DnsRecord::has_name_rdata(r.type)) {
    size_t p = *off;
    auto t = read_dns_name(b.first(*off + rdlen), &p);
    if (!t) return parse_fail(t.error());
    if (p != *off + rdlen) return parse_fail(ParseError::kBadFormat);
    r.target = std::move(*t);
  } else {
    r.rdata.assign(b.begin() + static_cast<long>(*off), b.begin() + static_cast<long>(*off + rdlen));
  }
  *off += rdlen;
  return r;
}

// Name compression while writing: remembers where each suffix was written.
class NameWriter {
 public:
  NameWriter(MutableBytes out, bool compress) : out_(out), compress_(compress) {}
  size_t pos = 0;
  bool ok = true;

  void u8(uint8_t v) {
    if (pos + 1 > out_.size()) {
      ok = false;
      return;
    }
    out_[pos++] = v;
  }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v));
  }
  void raw(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) u8(p[i]);
  }
  void name(std::string_view n) {
    if (n.size() > 253) {
      ok = false;
      return;
    }
    while (!n.empty()) {
      for (const auto& [suffix, at] : seen_) {
        if (suffix == n) {
          u16(static_cast<uint16_t>(0xc000 | at));
          return;
        }
      }
      if (compress_ && pos < 0x3fff) seen_.emplace_back(std::string(n), pos);
      const size_t dot = n.find('.');
      const std::string_view label = n.substr(0, dot);
      // Empty labels ("a..b", ".a", "a.") cannot be encoded: refuse rather
      // than write a different name.
      if (label.empty() || label.size() > 63 || (dot != std::string_view::npos && dot + 1 == n.size())) {
        ok = false;
        return;
      }
      u8(static_cast<uint8_t>(label.size()));
      raw(reinterpret_cast<const uint8_t*>(label.data()), label.size());
      n = dot == std::string_view::npos ? std::string_view{} : n.substr(dot + 1);
    }
    u8(0);
  }
  void set16(size_t at, uint16_t v) {
    if (at + 2 <= out_.size()) store_be16(out_.data() + at, v);
  }

 private:
  MutableBytes out_;
  bool compress_;
  std::vector<std::pair<std::string, size_t>> seen_;
};

}  // namespace

ParseResult<DnsMessage> DnsMessage::parse(Bytes b) {
  if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
  DnsMessage m;
  m.id = load_be16(b.data());
  m.flags = load_be16(b.data() + 2);
  const size_t qd = load_be16(b.data() + 4), an = load_be16(b.data() + 6), ns = load_be16(b.data() + 8),
               ar = load_be16(b.data() + 10);
  // Every question needs >= 5 bytes and every record >= 11: refuse counts the
  // message cannot hold before reserving anything.
  if (qd * 5 + (an + ns + ar) * 11 > b.size() - kHeaderLen) return parse_fail(ParseError::kTruncated);
  size_t off = kHeaderLen;
  m.questions.reserve(qd);
  for (size_t i = 0; i < qd; ++i) {
    auto name = read_dns_name(b, &off);
    if (!name) return parse_fail(name.error());
    if (off + 4 > b.size()) return parse_fail(ParseError::kTruncated);
    m.questions.push_back({std::move(*name), load_be16(b.data() + off), load_be16(b.data() + off + 2)});
    off += 4;
  }
  for (auto [count, vec] : {std::pair{an, &m.answers}, {ns, &m.authorities}, {ar, &m.additionals}}) {
    vec->reserve(count);
    for (size_t i = 0; i < count; ++i) {
      auto r = read_record(b, &off);
      if (!r) return parse_fail(r.error());
      vec->push_back(std::move(*r));
    }
  }
  return m;
}

size_t DnsMessage::write(MutableBytes out, bool compress) const {
  NameWriter w(out, compress);
  w.u16(id);
  w.u16(flags);
  w.u16(static_cast<uint16_t>(questions.size()));
  w.u16(static_cast<uint16_t>(answers.size()));
  w.u16(static_cast<uint16_t>(authorities.size()));
  w.u16(static_cast<uint16_t>(additionals.size()));
  for (const auto& q : questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.cls);
  }
  for (const auto* vec : {&answers, &authorities, &additionals}) {
    for (const auto& r : *vec) {
      w.name(r.name);
      w.u16(r.type);
      w.u16(r.cls);
      w.u32(r.ttl);
      const size_t len_at = w.pos;
      w.u16(0);
      if (DnsRecord::has_name_rdata(r.type)) {
        w.name(r.target);
      } else {
        if (r.rdata.size() > 0xffff) return 0;
        w.raw(r.rdata.data(), r.rdata.size());
      }
      w.set16(len_at, static_cast<uint16_t>(w.pos - len_at - 2));
    }
  }
  return w.ok ? w.pos : 0;
}

}  // namespace ofkit
