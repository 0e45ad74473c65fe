#include "oflib/packet/tcp.h"

#include <cstring>

namespace ofkit {

ParseResult<TcpOptions> parse_tcp_options(Bytes o) {
  TcpOptions t;
  for (size_t i = 0; i < o.size();) {
    const uint8_t kind = o[i];
    if (kind == tcp_opt::kEnd) break;
    if (kind == tcp_opt::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= o.size()) return parse_fail(ParseError::kBadOption);
    const size_t len = o[i + 1];
    if (len < 2 || i + len > o.size()) return parse_fail(ParseError::kBadOption);
    const uint8_t* d = o.data() + i + 2;
    switch (kind) {
      case tcp_opt::kMss:
        if (len != 4) return parse_fail(ParseError::kBadOption);
        t.mss = load_be16(d);
        break;
      case tcp_opt::kWindowScale:
        if (len != 3) return parse_fail(ParseError::kBadOption);
        t.window_scale = d[0];
        break;
      case tcp_opt::kSackPermitted:
        if (len != 2) return parse_fail(ParseError::kBadOption);
        t.sack_permitted = true;
        break;
      case tcp_opt::kSack:
        if ((len - 2) % 8 != 0 || len == 2 || (len - 2) / 8 > 4) return parse_fail(ParseError::kBadOption);
        t.num_sack = static_cast<uint8_t>((len - 2) / 8);
        for (size_t k = 0; k < t.num_sack; ++k) t.sack[k] = {load_be32(d + 8 * k), load_be32(d + 8 * k + 4)};
        break;
      case tcp_opt::kTimestamps:
        if (len != 10) return parse_fail(ParseError::kBadOption);
        t.ts_val = load_be32(d);
        t.ts_ecr = load_be32(d + 4);
        break;
      default:
        break;
    }
    i += len;
  }
  return t;
}

ParseResult<TcpView> TcpView::parse(Bytes b) {
  if (b.size() < kMinHeaderLen) return parse_fail(ParseError::kTruncated);
  const size_t hl = static_cast<size_t>(b[12] >> 4) * 4;
  if (hl < kMinHeaderLen) return parse_fail(ParseError::kBadHeaderLength);
  if (b.size() < hl) return parse_fail(ParseError::kTruncated);
  if (auto o = parse_tcp_options(b.subspan(20, hl - 20)); !o) return parse_fail(o.error());
  return TcpView(b);
}

TcpOptions TcpView::options() const { return parse_tcp_options(raw_options()).value_or(TcpOptions{}); }

std::optional<size_t> write_tcp_options(const TcpOptions& t, MutableBytes out) {
  // Linux's layout: every option group is 4-byte aligned by leading NOPs, so
  // no trailing padding is ever needed.
  uint8_t buf[64];
  size_t n = 0;
  auto nop = [&](int k) {
    while (k-- > 0) buf[n++] = tcp_opt::kNop;
  };
  if (t.mss) {
    buf[n++] = tcp_opt::kMss;
    buf[n++] = 4;
    store_be16(buf + n, *t.mss);
    n += 2;
  }
  if (t.ts_val) {
    if (t.sack_permitted) {
      buf[n++] = tcp_opt::kSackPermitted;
      buf[n++] = 2;
    } else {
      nop(2);
    }
    buf[n++] = tcp_opt::kTimestamps;
    buf[n++] = 10;
    store_be32(buf + n, *t.ts_val);
    store_be32(buf + n + 4, t.ts_ecr);
    n += 8;
  } else if (t.sack_permitted) {
    nop(2);
    buf[n++] = tcp_opt::kSackPermitted;
    buf[n++] = 2;
  }
  if (t.window_scale) {
    nop(1);
    buf[n++] = tcp_opt::kWindowScale;
    buf[n++] = 3;
    buf[n++] = *t.window_scale;
  }
  if (t.num_sack) {
    const size_t k = t.num_sack > 4 ? 4 : t.num_sack;
    nop(2);
    buf[n++] = tcp_opt::kSack;
    buf[n++] = static_cast<uint8_t>(2 + 8 * k);
    for (size_t i = 0; i < k; ++i) {
      store_be32(buf + n, t.sack[i].left);
      store_be32(buf + n + 4, t.sack[i].right);
      n += 8;
    }
  }
  if (n > 40 || n > out.size()) return std::nullopt;
  if (n) std::memcpy(out.data(), buf, n);
  return n;
}

}  // namespace ofkit
