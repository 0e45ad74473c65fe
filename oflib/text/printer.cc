#include "oflib/text/printer.h"

#include <fmt/format.h>

#include "oflib/packet/flow_extract.h"
#include "oflib/text/flow_syntax.h"
#include "oflib/text/names.h"
#include "oflib/wire/message_table.h"

namespace ofkit::text {
namespace {

using std::string;

string bits(uint32_t value, std::span<const BitName> table, uint32_t field_mask = 0) {
  if (value == 0) return "0";
  BitNames n = bit_names(value, table, field_mask);
  if (n.unknown != 0) {
    if (!n.joined.empty()) n.joined += ' ';
    n.joined += fmt::format("{:#x}", n.unknown);
  }
  return n.joined.empty() ? "0" : n.joined;
}

// ofp_print_duration(): "1.5s", "3s".
string duration(uint32_t sec, uint32_t nsec) {
  string out = std::to_string(sec);
  if (nsec > 0) {
    // As many decimals as the value needs, but at least three (OVS: "3.500s").
    string frac = fmt::format("{:09}", nsec);
    while (frac.size() > 3 && frac.back() == '0') frac.pop_back();
    out += '.' + frac;
  }
  return out + 's';
}

// Port speeds print as OVS does ("1GB-FD"); the JSON form keeps "1GB_FD".
string features(uint32_t value) {
  string out = bits(value, kPortFeatureNames);
  for (size_t i = 0; i + 2 < out.size(); ++i) {
    if (out[i] == 'B' && out[i + 1] == '_' && (out[i + 2] == 'H' || out[i + 2] == 'F')) out[i + 1] = '-';
  }
  return out;
}

string payload(std::string_view what, std::span<const uint8_t> data) {
  string out = fmt::format("{} bytes of {}", data.size(), what);
  if (!data.empty()) out += '\n' + format_hex_dump(data);
  return out;
}

string phy_port(const of::PhyPort& p) {
  string out = fmt::format(" {}({}): addr:{}\n", format_port(p.port_no), p.name, p.hw_addr.to_string());
  out += fmt::format("     config:     {}\n", bits(p.config, kPortConfigNames));
  out += fmt::format("     state:      {}", bits(p.state, kPortStateNames, kPortStateStpMask));
  if (p.curr) out += fmt::format("\n     current:    {}", features(p.curr));
  if (p.advertised) out += fmt::format("\n     advertised: {}", features(p.advertised));
  if (p.supported) out += fmt::format("\n     supported:  {}", features(p.supported));
  if (p.peer) out += fmt::format("\n     peer:       {}", features(p.peer));
  return out;
}

string frags(uint16_t flags) {
  string out;
  switch (flags & of::config_flags::kFragMask) {
    case of::config_flags::kFragNormal:
      out = "frags=normal";
      break;
    case of::config_flags::kFragDrop:
      out = "frags=drop";
      break;
    case of::config_flags::kFragReasm:
      out = "frags=reassemble";
      break;
    default:
      out = "frags=invalid";
      break;
  }
  if (flags & ~of::config_flags::kFragMask) out += fmt::format(" flags={:#x}", flags);
  return out;
}

FlowSpec spec_of(const of::FlowMod& m) {
  FlowSpec f;
  f.match = m.match;
  f.priority = m.priority;
  f.idle_timeout = m.idle_timeout;
  f.hard_timeout = m.hard_timeout;
  f.cookie = m.cookie;
  f.out_port = m.out_port;
  f.flags = m.flags;
  f.actions = m.actions;
  return f;
}

string filter(const of::Match& match, uint8_t table_id, uint16_t out_port) {
  string out;
  if (table_id != 0xff) out += fmt::format(" table={}", table_id);
  if (out_port != of::port::kNone) out += " out_port=" + format_port(out_port);
  const string m = format_match(match);
  if (!m.empty()) out += ' ' + m;
  return out;
}

string flow_stats(const of::FlowStats& f) {
  // ofputil_flow_stats_format() without the ages.
  string out =
      fmt::format(" cookie={:#x}, duration={}, table={}, n_packets={}, n_bytes={}, ", f.cookie,
                  duration(f.duration_sec, f.duration_nsec), f.table_id, f.packet_count, f.byte_count);
  if (f.idle_timeout) out += fmt::format("idle_timeout={}, ", f.idle_timeout);
  if (f.hard_timeout) out += fmt::format("hard_timeout={}, ", f.hard_timeout);
  out += format_match(f.match, f.priority);
  if (out.back() != ' ') out += ' ';
  out += "actions=" + format_actions(f.actions);
  return out;
}

string stats_request_body(const of::StatsRequest& r) {
  struct V {
    string operator()(const of::DescStatsRequest&) const { return ""; }
    string operator()(const of::FlowStatsRequest& q) const { return filter(q.match, q.table_id, q.out_port); }
    string operator()(const of::AggregateStatsRequest& q) const {
      return filter(q.match, q.table_id, q.out_port);
    }
    string operator()(const of::TableStatsRequest&) const { return ""; }
    string operator()(const of::PortStatsRequest& q) const { return " port_no=" + format_port(q.port_no); }
    string operator()(const of::QueueStatsRequest& q) const {
      return fmt::format(" port={} queue={}", format_port(q.port_no),
                         q.queue_id == of::kAllQueues ? string("ALL") : std::to_string(q.queue_id));
    }
    string operator()(const of::VendorStats& v) const {
      return fmt::format(" vendor={:#010x} ", v.vendor) + payload("data", v.body);
    }
  };
  return std::visit(V{}, r.body);
}

string stats_reply_body(const of::StatsReply& r) {
  struct V {
    string operator()(const of::DescStatsReply& d) const {
      return fmt::format("\nManufacturer: {}\nHardware: {}\nSoftware: {}\nSerial Num: {}\nDP Description: {}",
                         d.desc.mfr_desc, d.desc.hw_desc, d.desc.sw_desc, d.desc.serial_num, d.desc.dp_desc);
    }
    string operator()(const of::FlowStatsReply& f) const {
      string out;
      for (const of::FlowStats& s : f.flows) out += '\n' + flow_stats(s);
      return out;
    }
    string operator()(const of::AggregateStatsReply& a) const {
      return fmt::format(" packet_count={} byte_count={} flow_count={}", a.packet_count, a.byte_count,
                         a.flow_count);
    }
    string operator()(const of::TableStatsReply& t) const {
      string out = fmt::format(" {} tables", t.tables.size());
      for (const of::TableStats& s : t.tables) {
        out += fmt::format(
            "\n  {}: {:<8}: wild={:#08x}, max={}, active={}\n               lookup={}, matched={}",
            s.table_id, s.name, s.wildcards, s.max_entries, s.active_count, s.lookup_count, s.matched_count);
      }
      return out;
    }
    string operator()(const of::PortStatsReply& p) const {
      string out = fmt::format(" {} ports", p.ports.size());
      for (const of::PortStats& s : p.ports) {
        out += fmt::format(
            "\n  port {:>5}: rx pkts={}, bytes={}, drop={}, errs={}, frame={}, over={}, crc={}"
            "\n           tx pkts={}, bytes={}, drop={}, errs={}, coll={}",
            format_port(s.port_no), s.rx_packets, s.rx_bytes, s.rx_dropped, s.rx_errors, s.rx_frame_err,
            s.rx_over_err, s.rx_crc_err, s.tx_packets, s.tx_bytes, s.tx_dropped, s.tx_errors, s.collisions);
      }
      return out;
    }
    string operator()(const of::QueueStatsReply& q) const {
      string out = fmt::format(" {} queues", q.queues.size());
      for (const of::QueueStats& s : q.queues) {
        out += fmt::format("\n  port {} queue {}: bytes={}, pkts={}, errors={}", format_port(s.port_no),
                           s.queue_id, s.tx_bytes, s.tx_packets, s.tx_errors);
      }
      return out;
    }
    string operator()(const of::VendorStats& v) const {
      return fmt::format(" vendor={:#010x} ", v.vendor) + payload("data", v.body);
    }
  };
  string out;
  if (r.flags == of::kStatsReplyMore) {
    out += " flags=[more]";
  } else if (r.flags != 0) {
    out += fmt::format(" flags={:#x}", r.flags);
  }
  return out + std::visit(V{}, r.body);
}

string queue(const of::PacketQueue& q) {
  string out = fmt::format("\nqueue {}:", q.queue_id);
  for (const of::QueueProp& p : q.properties) {
    if (const auto* m = std::get_if<of::QueuePropMinRate>(&p)) {
      if (m->rate > 1000) {
        out += " min_rate:disabled";
      } else {
        out += fmt::format(" min_rate:{}.{}%", m->rate / 10, m->rate % 10);
      }
    } else {
      out += " none";
    }
  }
  return out;
}

struct BodyPrinter {
  string operator()(const of::Hello& m) const { return m.body.empty() ? "" : ' ' + payload("body", m.body); }
  string operator()(const of::ErrorMsg& m) const {
    string out = ' ' + format_error_type_code(m.type, m.code);
    if (m.data.empty()) return out;
    // The data is (the start of) the offending request: print it as a message
    // when it decodes, as ovs-ofctl does, else as bytes.
    if (m.data.size() >= of::kHeaderLen) {
      if (auto d = of::decode(m.data)) return out + '\n' + format_message(*d);
    }
    return out + '\n' + payload("data", m.data);
  }
  string operator()(const of::EchoRequest& m) const { return ' ' + payload("payload", m.data); }
  string operator()(const of::EchoReply& m) const { return ' ' + payload("payload", m.data); }
  string operator()(const of::Vendor& m) const {
    return fmt::format(" vendor={:#010x} ", m.vendor) + payload("data", m.data);
  }
  string operator()(const of::FeaturesRequest&) const { return ""; }
  string operator()(const of::FeaturesReply& m) const {
    string out = fmt::format(" dpid:{:016x}\nn_tables:{}, n_buffers:{}\ncapabilities: {}\nactions: {}",
                             m.datapath_id, m.n_tables, m.n_buffers, bits(m.capabilities, kCapabilityNames),
                             bits(m.actions, kActionBitNames));
    for (const of::PhyPort& p : m.ports) out += '\n' + phy_port(p);
    return out;
  }
  string operator()(const of::GetConfigRequest&) const { return ""; }
  string operator()(const of::GetConfigReply& m) const {
    return fmt::format(" {} miss_send_len={}", frags(m.flags), m.miss_send_len);
  }
  string operator()(const of::SetConfig& m) const {
    return fmt::format(" {} miss_send_len={}", frags(m.flags), m.miss_send_len);
  }
  string operator()(const of::PacketIn& m) const {
    string out = fmt::format(" total_len={} in_port={} (via {}) data_len={}", m.total_len,
                             format_port(m.in_port), packet_in_reason_name(m.reason), m.data.size());
    if (m.buffer_id == of::kNoBuffer) {
      out += " (unbuffered)";
    } else {
      out += fmt::format(" buffer={:#010x}", m.buffer_id);
    }
    if (!m.data.empty()) out += '\n' + format_packet(m.data, m.in_port);
    return out;
  }
  string operator()(const of::FlowRemoved& m) const {
    string out = ' ' + format_match(m.match, m.priority);
    out += fmt::format(" reason={}", flow_removed_reason_name(m.reason));
    if (m.cookie != 0) out += fmt::format(" cookie:{:#x}", m.cookie);
    out += fmt::format(" duration{} idle{} pkts{} bytes{}", duration(m.duration_sec, m.duration_nsec),
                       m.idle_timeout, m.packet_count, m.byte_count);
    return out;
  }
  string operator()(const of::PortStatus& m) const {
    return fmt::format(" {}:", port_reason_name(m.reason)) + phy_port(m.desc);
  }
  string operator()(const of::PacketOut& m) const {
    string out = " in_port=" + format_port(m.in_port) + " actions=" + format_actions(m.actions);
    if (m.buffer_id != of::kNoBuffer) {
      out += fmt::format(" buffer={:#010x}", m.buffer_id);
    } else {
      out += fmt::format(" data_len={}", m.data.size());
    }
    if (!m.data.empty()) out += '\n' + format_packet(m.data, m.in_port);
    return out;
  }
  string operator()(const of::FlowMod& m) const {
    return ' ' + format_flow_mod(m.command, spec_of(m), m.buffer_id);
  }
  string operator()(const of::PortMod& m) const {
    string out = fmt::format(
        " port: {}: addr:{}\n     config: {}\n     mask:   {}\n     advertise: ", format_port(m.port_no),
        m.hw_addr.to_string(), bits(m.config, kPortConfigNames), bits(m.mask, kPortConfigNames));
    out += m.advertise == 0 ? string("UNCHANGED") : features(m.advertise);
    return out;
  }
  string operator()(const of::StatsRequest& m) const { return stats_request_body(m); }
  string operator()(const of::StatsReply& m) const { return stats_reply_body(m); }
  string operator()(const of::BarrierRequest&) const { return ""; }
  string operator()(const of::BarrierReply&) const { return ""; }
  string operator()(const of::QueueGetConfigRequest& m) const { return " port=" + format_port(m.port); }
  string operator()(const of::QueueGetConfigReply& m) const {
    string out = " port=" + format_port(m.port);
    for (const of::PacketQueue& q : m.queues) out += queue(q);
    return out;
  }
};

}  // namespace

std::string_view packet_in_reason_name(of::PacketInReason r) {
  switch (r) {
    case of::PacketInReason::kNoMatch:
      return "no_match";
    case of::PacketInReason::kAction:
      return "action";
  }
  return "unknown";
}

std::string_view flow_removed_reason_name(of::FlowRemovedReason r) {
  switch (r) {
    case of::FlowRemovedReason::kIdleTimeout:
      return "idle";
    case of::FlowRemovedReason::kHardTimeout:
      return "hard";
    case of::FlowRemovedReason::kDelete:
      return "delete";
  }
  return "unknown";
}

std::string_view port_reason_name(of::PortReason r) {
  switch (r) {
    case of::PortReason::kAdd:
      return "ADD";
    case of::PortReason::kDelete:
      return "DEL";
    case of::PortReason::kModify:
      return "MOD";
  }
  return "UNKNOWN";
}

std::string format_error_type_code(uint16_t type, uint16_t code) {
  if (auto e = of::ofperr_from_wire(type, code)) return format_error_name(*e);
  const std::string_view tn = of::error_type_name(type);
  if (!tn.empty()) return fmt::format("{}/code={:#x}", tn, code);
  return fmt::format("type={:#x},code={:#x}", type, code);
}

std::string format_packet(std::span<const uint8_t> frame, uint16_t in_port) {
  of::Match m;
  m.wildcards = 0;
  const KeyStatus st = extract_flow_key(frame.data(), frame.size(), in_port, &m.key);
  if (st == KeyStatus::kMalformed) return fmt::format("(malformed frame, {} bytes)", frame.size());
  string out = format_match(m);
  if (st == KeyStatus::kTruncated) out += " (truncated)";
  return out;
}

std::string format_hex_dump(std::span<const uint8_t> bytes) {
  string out;
  for (size_t off = 0; off < bytes.size(); off += 16) {
    if (off != 0) out += '\n';
    out += fmt::format("{:08x}  ", off);
    string ascii;
    for (size_t i = 0; i < 16; ++i) {
      if (off + i < bytes.size()) {
        const uint8_t b = bytes[off + i];
        out += fmt::format("{:02x}{}", b, i == 7 ? '-' : ' ');
        ascii += b >= 32 && b < 127 ? static_cast<char>(b) : '.';
      } else {
        out += "   ";
        ascii += ' ';
      }
    }
    out += '|' + ascii + '|';
  }
  return out;
}

std::string format_message_header(const of::Message& msg, uint32_t xid) {
  if (const auto* r = std::get_if<of::StatsRequest>(&msg)) {
    return fmt::format("{} request (xid={:#x}):", of::stats_type_name(r->type()), xid);
  }
  if (const auto* r = std::get_if<of::StatsReply>(&msg)) {
    return fmt::format("{} reply (xid={:#x}):", of::stats_type_name(r->type()), xid);
  }
  return fmt::format("{} (xid={:#x}):", of::msg_type_name(static_cast<uint8_t>(msg.index())), xid);
}

std::string format_message(const of::Message& msg, uint32_t xid) {
  return format_message_header(msg, xid) + std::visit(BodyPrinter{}, msg);
}

}  // namespace ofkit::text
