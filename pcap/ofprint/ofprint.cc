// ofprint: decode OpenFlow 1.0 messages and print them (ovs-ofctl ofp-print
// style, or one JSON object per message).
//
//   ofprint 0100000800000001               hex on the command line (spaces allowed)
//   echo 01 00 00 08 00 00 00 01 | ofprint  hex on stdin; several messages back to back
//   ofprint --pcap capture.pcap [--port 6653] [--json]
//
// Hex input is cut into messages by the wire library's framer. In a capture,
// TCP payloads to or from the OpenFlow ports (6653, 6633, 6634 or --port) are
// reassembled per direction in sequence order (retransmissions and overlaps
// trimmed, out-of-order segments held until the gap fills) and framed the
// same way. A message that does not decode prints the error a switch would
// send for it ("error: OFPET_BAD_REQUEST/OFPBRC_BAD_LEN ...").
//
// Exit status: 0 when every message decodes, 1 when any draws an error (or
// the capture is damaged), 2 for usage errors (bad options, bad hex, a file
// that cannot be opened).

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/packet/ipv4.h"
#include "oflib/packet/ipv6.h"
#include "oflib/packet/tcp.h"
#include "oflib/text/json.h"
#include "oflib/text/printer.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"
#include "oflib/wire/message_table.h"
#include "pcap/trace_file.h"

namespace {

using namespace ofkit;

constexpr int kExitOk = 0;
constexpr int kExitDecodeError = 1;
constexpr int kExitUsage = 2;

// Out-of-order data held per direction before it is dropped as a lost gap.
constexpr size_t kMaxPendingBytes = 16 * 1024 * 1024;

struct Output {
  bool json = false;
  bool any_error = false;

  // `where` is empty for hex input, "10.0.0.1:40000 > 10.0.0.2:6653" in a capture.
  void message(std::span<const uint8_t> bytes, const std::string& where) {
    auto d = of::decode(bytes);
    if (d) {
      if (json) {
        text::Json j = text::to_json(*d);
        if (!where.empty()) j["conn"] = where;
        std::cout << j.dump() << '\n';
      } else {
        if (!where.empty()) std::cout << where << ": ";
        std::cout << text::format_message(*d) << '\n';
      }
      return;
    }
    error(d.error(), bytes, where);
  }

  void error(of::Ofperr e, std::span<const uint8_t> bytes, const std::string& where) {
    any_error = true;
    if (json) {
      text::Json j = text::error_to_json(e);
      if (!where.empty()) j["conn"] = where;
      std::cout << j.dump() << '\n';
      return;
    }
    if (!where.empty()) std::cout << where << ": ";
    std::cout << "error: " << text::format_error_name(e);
    if (bytes.size() >= of::kHeaderLen) {
      const of::Header h = of::read_header(bytes.data());
      const std::string_view name = of::msg_type_name(static_cast<uint8_t>(h.type));
      std::cout << fmt::format(
          " ({} xid={:#x} length={}, {} bytes)",
          name.empty() ? fmt::format("type={}", static_cast<unsigned>(h.type)) : std::string(name), h.xid,
          h.length, bytes.size());
    } else if (bytes.empty()) {
      std::cout << " (a length field below 8 ends the stream)";
    } else {
      std::cout << fmt::format(" ({} bytes)", bytes.size());
    }
    std::cout << '\n';
    if (!bytes.empty()) std::cout << text::format_hex_dump(bytes) << '\n';
  }
};

// Frames bytes into messages and prints them; a length field under 8 stops
// the stream with BAD_LEN (the framer's protocol error).
class MessageStream {
 public:
  explicit MessageStream(std::string where) : where_(std::move(where)) {}
  void push(std::span<const uint8_t> bytes, Output& out) {
    if (failed_) return;
    if (!framer_.push(bytes, [&](std::span<const uint8_t> m) { out.message(m, where_); })) {
      failed_ = true;
      out.error(framer_.error(), {}, where_);
    }
  }
  bool failed() const { return failed_; }
  size_t leftover() const { return failed_ ? 0 : framer_.buffered(); }
  const std::string& where() const { return where_; }

 private:
  std::string where_;
  of::Framer framer_;
  bool failed_ = false;
};

// --- hex input -----------------------------------------------------------------

// Hex digits with any white space, optional "0x" before a group. Returns the
// error on a stray character or an odd digit count.
std::optional<std::string> parse_hex(std::string_view s, std::vector<uint8_t>* out) {
  int hi = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':') continue;
    if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && hi < 0) {
      ++i;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return fmt::format("'{}' at offset {} is not a hex digit", c, i);
    }
    if (hi < 0) {
      hi = v;
    } else {
      out->push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) return std::string("odd number of hex digits");
  return std::nullopt;
}

int run_hex(const std::vector<std::string>& args, Output& out) {
  std::string text;
  if (args.empty()) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (const auto& a : args) text += a + ' ';
  }
  std::vector<uint8_t> bytes;
  if (auto err = parse_hex(text, &bytes)) {
    std::cerr << "ofprint: bad hex input: " << *err << '\n';
    return kExitUsage;
  }
  if (bytes.empty()) {
    std::cerr << "ofprint: no input (give hex messages as arguments or on stdin, or --pcap FILE)\n";
    return kExitUsage;
  }
  MessageStream stream("");
  stream.push(bytes, out);
  if (const size_t left = stream.leftover(); left > 0) {
    // The last message's length field asks for more bytes than there are.
    out.error(of::Ofperr::kBadRequestBadLen, std::span<const uint8_t>(bytes).last(left), "");
  }
  return out.any_error ? kExitDecodeError : kExitOk;
}

// --- captures --------------------------------------------------------------------

struct Endpoint {
  std::string addr;  // "10.0.0.1" or "[2001:db8::1]"
  uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

// One direction of one TCP connection, reassembled in sequence order.
struct Direction {
  explicit Direction(std::string where) : stream(std::move(where)) {}
  MessageStream stream;
  std::optional<uint32_t> next_seq;
  std::map<uint32_t, std::vector<uint8_t>> pending;  // by seq, ahead of next_seq
  size_t pending_bytes = 0;
  bool gap_reported = false;
};

// Signed distance from a to b in sequence space.
int64_t seq_diff(uint32_t b, uint32_t a) { return static_cast<int32_t>(b - a); }

void deliver(Direction& d, uint32_t seq, std::span<const uint8_t> data, Output& out) {
  if (!d.next_seq) d.next_seq = seq;  // capture started mid-connection
  int64_t off = seq_diff(seq, *d.next_seq);
  if (off < 0) {  // retransmission or overlap: keep only what is new
    if (static_cast<uint64_t>(-off) >= data.size()) return;
    data = data.subspan(static_cast<size_t>(-off));
    seq = *d.next_seq;
    off = 0;
  }
  if (off > 0) {
    if (d.pending_bytes + data.size() > kMaxPendingBytes) {
      if (!d.gap_reported) {
        std::cerr << "ofprint: " << d.stream.where() << ": too much data after a gap; dropping\n";
        d.gap_reported = true;
      }
      return;
    }
    auto [it, inserted] = d.pending.try_emplace(seq, data.begin(), data.end());
    if (inserted) {
      d.pending_bytes += data.size();
    } else if (it->second.size() < data.size()) {
      d.pending_bytes += data.size() - it->second.size();
      it->second.assign(data.begin(), data.end());
    }
    return;
  }
  d.stream.push(data, out);
  *d.next_seq += static_cast<uint32_t>(data.size());
  // Drain held segments that are now in order (or partly overlap).
  while (!d.pending.empty()) {
    auto it = d.pending.begin();
    const int64_t o = seq_diff(it->first, *d.next_seq);
    if (o > 0) break;
    std::vector<uint8_t> seg = std::move(it->second);
    d.pending_bytes -= seg.size();
    d.pending.erase(it);
    if (static_cast<uint64_t>(-o) < seg.size()) {
      std::span<const uint8_t> rest(seg);
      rest = rest.subspan(static_cast<size_t>(-o));
      d.stream.push(rest, out);
      *d.next_seq += static_cast<uint32_t>(rest.size());
    }
  }
}

// Notes (on stderr, not as errors) what a direction leaves undecoded.
void report_unfinished(const Direction& d) {
  if (d.stream.leftover() > 0) {
    std::cerr << "ofprint: " << d.stream.where() << ": stream ends inside a message (" << d.stream.leftover()
              << " bytes)\n";
  }
  if (!d.pending.empty()) {
    std::cerr << "ofprint: " << d.stream.where() << ": " << d.pending_bytes
              << " bytes after a gap in the capture were not decoded\n";
  }
}

struct L3 {
  std::string src, dst;
  std::span<const uint8_t> tcp;
};

// The TCP segment of an IPv4 or IPv6 packet, if it is one (IPv4 fragments
// are skipped: OpenFlow over loopback or a LAN is not fragmented).
std::optional<L3> ip_tcp(uint16_t ethertype, std::span<const uint8_t> b) {
  if (ethertype == 0x0800) {
    auto ip = Ipv4View::parse(b);
    if (!ip || ip->protocol() != 6 || ip->is_fragment()) return std::nullopt;
    return L3{ip->src().to_string(), ip->dst().to_string(), ip->payload()};
  }
  if (ethertype == 0x86dd) {
    auto ip = Ipv6View::parse(b);
    if (!ip) return std::nullopt;
    const Ipv6Walk w = walk_ipv6_extensions(*ip);
    if (!w.ok || w.upper_protocol != 6 || w.is_later_fragment) return std::nullopt;
    const auto payload_end = std::min(b.size(), size_t{Ipv6View::kHeaderLen} + ip->payload_length());
    if (w.upper_offset > payload_end) return std::nullopt;
    return L3{"[" + Ipv6Addr::from_bytes(ip->src_bytes()).to_string() + "]",
              "[" + Ipv6Addr::from_bytes(ip->dst_bytes()).to_string() + "]",
              b.subspan(w.upper_offset, payload_end - w.upper_offset)};
  }
  return std::nullopt;
}

// The network-layer packet of a frame and its EtherType, for the link types
// captures of OpenFlow usually have.
std::optional<std::pair<uint16_t, std::span<const uint8_t>>> link_payload(int dlt,
                                                                          std::span<const uint8_t> f) {
  switch (dlt) {
    case DLT_EN10MB: {
      if (f.size() < 14) return std::nullopt;
      uint16_t type = load_be16(f.data() + 12);
      size_t off = 14;
      while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && f.size() >= off + 4) {
        type = load_be16(f.data() + off + 2);
        off += 4;
      }
      return std::pair{type, f.subspan(off)};
    }
    case DLT_LINUX_SLL:
      if (f.size() < 16) return std::nullopt;
      return std::pair{load_be16(f.data() + 14), f.subspan(16)};
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
      if (f.size() < 20) return std::nullopt;
      return std::pair{load_be16(f.data()), f.subspan(20)};
#endif
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
    case DLT_IPV6:
#endif
      if (f.empty()) return std::nullopt;
      return std::pair{static_cast<uint16_t>((f[0] >> 4) == 6 ? 0x86dd : 0x0800), f};
    case DLT_NULL:
    case DLT_LOOP: {
      if (f.size() < 4) return std::nullopt;
      // The address family, in the capturing host's byte order (DLT_NULL) or
      // big-endian (DLT_LOOP): 2 is AF_INET, 24/28/30 are the BSDs' AF_INET6.
      const uint32_t fam = f[0] != 0 ? f[0] : f[3];
      if (fam == 2) return std::pair{uint16_t{0x0800}, f.subspan(4)};
      if (fam == 24 || fam == 28 || fam == 30 || fam == 10) return std::pair{uint16_t{0x86dd}, f.subspan(4)};
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

int run_pcap(const std::string& path, const std::set<uint16_t>& ports, Output& out) {
  std::string err;
  auto reader = pcap::TraceReader::open(path, &err);
  if (!reader) {
    std::cerr << "ofprint: " << err << '\n';
    return kExitUsage;
  }
  const int dlt = reader->link_type();
  std::map<std::tuple<Endpoint, Endpoint>, Direction> dirs;
  pcap::TraceFrame frame;
  pcap::ReadStatus st;
  uint64_t n_messages_frames = 0;
  while ((st = reader->next(&frame)) == pcap::ReadStatus::kFrame) {
    const auto l2 = link_payload(dlt, frame.data);
    if (!l2) continue;
    const auto l3 = ip_tcp(l2->first, l2->second);
    if (!l3) continue;
    auto tcp = TcpView::parse(l3->tcp);
    if (!tcp) continue;
    if (!ports.contains(tcp->src_port()) && !ports.contains(tcp->dst_port())) continue;
    const Endpoint src{l3->src, tcp->src_port()};
    const Endpoint dst{l3->dst, tcp->dst_port()};
    const auto key = std::tuple{src, dst};
    auto it = dirs.find(key);
    if (tcp->has_flag(tcp_flag::kSyn)) {  // SYN: a new connection starts at seq + 1
      dirs.erase(key);
      it = dirs.end();
    }
    if (it == dirs.end()) {
      it = dirs.emplace(key, Direction(fmt::format("{}:{} > {}:{}", src.addr, src.port, dst.addr, dst.port)))
               .first;
    }
    Direction& d = it->second;
    if (tcp->has_flag(tcp_flag::kSyn)) {
      d.next_seq = tcp->seq() + 1;
      continue;
    }
    const auto payload = tcp->payload();
    if (!payload.empty()) {
      ++n_messages_frames;
      deliver(d, tcp->seq(), payload, out);
    }
    // FIN or RST: this direction is over; forget it so that a capture of many
    // connections holds buffers only for the ones still open.
    const bool fin_in_order = tcp->has_flag(tcp_flag::kFin) && d.pending.empty() && d.next_seq &&
                              seq_diff(tcp->seq() + static_cast<uint32_t>(payload.size()), *d.next_seq) <= 0;
    if (fin_in_order || tcp->has_flag(tcp_flag::kRst)) {
      report_unfinished(d);
      dirs.erase(it);
    }
  }
  bool damaged = false;
  if (st == pcap::ReadStatus::kError) {
    std::cerr << "ofprint: " << path << ": " << reader->error() << '\n';
    damaged = true;
  }
  for (const auto& [key, d] : dirs) report_unfinished(d);
  if (n_messages_frames == 0) std::cerr << "ofprint: no OpenFlow traffic found in " << path << '\n';
  return out.any_error || damaged ? kExitDecodeError : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ofprint: decode OpenFlow 1.0 messages given as hex (arguments or stdin) or found in a pcap capture,\n"
      "and print each one (ovs-ofctl ofp-print style, or JSON) or the error it draws.\n"
      "Exit status: 0 all messages decode, 1 some message draws an error, 2 usage error."};
  std::vector<std::string> hex;
  std::string pcap_file;
  std::vector<uint16_t> ports;
  Output out;
  app.add_option("HEX", hex, "message bytes in hex (spaces allowed); read from stdin when absent");
  auto* o_pcap =
      app.add_option("--pcap", pcap_file, "decode every OpenFlow message in this capture (pcap/pcapng)");
  auto* o_port =
      app.add_option("--port", ports, "TCP port(s) carrying OpenFlow in the capture (default 6653 6633 6634)")
          ->check(CLI::Range(1, 65535));
  app.add_flag("--json", out.json, "print one JSON object per message");
  o_port->needs(o_pcap);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (!pcap_file.empty()) {
    if (!hex.empty()) {
      std::cerr << "ofprint: give either hex messages or --pcap, not both\n";
      return kExitUsage;
    }
    if (ports.empty()) ports = {of::kDefaultPort, of::kLegacyPort, 6634};
    return run_pcap(pcap_file, std::set<uint16_t>(ports.begin(), ports.end()), out);
  }
  return run_hex(hex, out);
}
