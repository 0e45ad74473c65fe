#include "bench/ofbench/emulated_switch.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "oflib/wire/error_msg.h"
#include "oflib/wire/header.h"
#include "oflib/wire/message.h"

namespace ofkit::bench {

namespace {

// Every OF1.0 action a software switch supports (OFPAT_OUTPUT..OFPAT_ENQUEUE).
constexpr uint32_t kSupportedActions = (1u << 12) - 1;

void append_message(const of::Message& m, uint32_t xid, OutBuffer& out) {
  const size_t len = of::message_wire_len(m);
  uint8_t* p = out.append(len);
  const size_t n = of::encode_message_into(m, xid, std::span<uint8_t>(p, len));
  out.unappend(len - n);
}

}  // namespace

EmulatedSwitch::EmulatedSwitch(const SwitchConfig& cfg)
    : cfg_(cfg),
      templates_(build_packet_ins(cfg.index, cfg.macs, cfg.ports,
                                  cfg.templates ? cfg.templates : std::max<size_t>(cfg.macs, 1024))),
      // Room for every outstanding PacketIn twice over: an id is found only
      // while its slot has not been reused.
      tracker_(std::max<size_t>(2 * cfg.window, 64)),
      framer_(of::Framer::kMinCapacity) {}

void EmulatedSwitch::on_connect(OutBuffer& out) {
  framer_.reset();
  tracker_.expire_all();
  stats_.lost = tracker_.lost();
  handshaken_ = false;
  append_message(of::Hello{}, 0, out);
}

bool EmulatedSwitch::on_bytes(std::span<const uint8_t> bytes, OutBuffer& out, uint64_t now_ns,
                              LatencyHistogram* latency) {
  return framer_.push(bytes, [&](std::span<const uint8_t> msg) { on_message(msg, out, now_ns, latency); });
}

bool EmulatedSwitch::on_response(std::span<const uint8_t> msg, bool flow_mod, uint64_t now_ns,
                                 LatencyHistogram* latency) {
  const uint32_t xid = load_be32(msg.data() + 4);
  uint32_t buffer_id = of::kNoBuffer;
  std::optional<uint32_t> tag;
  if (flow_mod) {
    auto v = of::FlowModView::parse(msg);
    if (!v) return false;
    buffer_id = v->buffer_id();
  } else {
    auto v = of::PacketOutView::parse(msg);
    if (!v) return false;
    buffer_id = v->buffer_id();
    if (buffer_id == of::kNoBuffer) tag = frame_tag(v->data());
  }
  const AnswerResult r = tracker_.on_response(flow_mod ? ResponseKind::kFlowMod : ResponseKind::kPacketOut,
                                              buffer_id, xid, tag, now_ns);
  if (r.answered) {
    last_progress_ns_ = now_ns;
    if (latency) latency->record(r.rtt_ns);
  }
  stats_.answered = tracker_.answered();
  stats_.flow_mods = tracker_.flow_mods();
  stats_.packet_outs = tracker_.packet_outs();
  stats_.extra = tracker_.extra();
  return true;
}

void EmulatedSwitch::reply_error(std::span<const uint8_t> msg, of::Ofperr err, OutBuffer& out) {
  uint8_t* p = out.append(of::kMaxErrorReplyLen);
  const size_t n = of::encode_error_reply(err, msg, std::span<uint8_t>(p, of::kMaxErrorReplyLen));
  out.unappend(of::kMaxErrorReplyLen - n);
  ++stats_.errors_out;
}

void EmulatedSwitch::on_message(std::span<const uint8_t> msg, OutBuffer& out, uint64_t now_ns,
                                LatencyHistogram* latency) {
  // The hot path first: FLOW_MOD and PACKET_OUT are read through their views.
  const uint8_t type = msg.size() >= of::kHeaderLen ? msg[1] : 0xff;
  if (type == static_cast<uint8_t>(of::MsgType::kFlowMod) ||
      type == static_cast<uint8_t>(of::MsgType::kPacketOut)) {
    const bool flow_mod = type == static_cast<uint8_t>(of::MsgType::kFlowMod);
    if (on_response(msg, flow_mod, now_ns, latency)) return;
    // Not decodable: decode() below finds the error to send.
  } else if (type == static_cast<uint8_t>(of::MsgType::kEchoRequest)) {
    ++stats_.echo_requests;
    uint8_t* p = out.append(msg.size());
    const size_t n = of::encode_echo_reply_for(msg, std::span<uint8_t>(p, msg.size()));
    out.unappend(msg.size() - n);
    if (n) return;
  }

  auto decoded = of::decode(msg);
  if (!decoded) {
    reply_error(msg, decoded.error(), out);
    return;
  }
  const uint32_t xid = decoded->header.xid;
  switch (of::message_type(decoded->msg)) {
    case of::MsgType::kHello:
    case of::MsgType::kEchoReply:
    case of::MsgType::kPortMod:  // accepted and ignored: ports are not real
      break;
    case of::MsgType::kError:
      ++stats_.errors_in;
      break;
    case of::MsgType::kFeaturesRequest: {
      of::FeaturesReply r;
      r.datapath_id = datapath_id();
      r.n_buffers = 256;
      r.n_tables = 1;
      r.capabilities = of::capability::kFlowStats | of::capability::kTableStats | of::capability::kPortStats;
      r.actions = kSupportedActions;
      for (uint16_t p = 1; p <= cfg_.ports; ++p) {
        of::PhyPort port;
        port.port_no = p;
        port.hw_addr =
            MacAddr::from_u64((uint64_t{0x0a} << 40) | (uint64_t{cfg_.index & 0xffffff} << 16) | p);
        port.name = fmt::format("s{}-eth{}", cfg_.index + 1, p);
        port.curr = of::port_features::k1GbFd | of::port_features::kCopper;
        port.advertised = port.supported = port.curr;
        r.ports.push_back(std::move(port));
      }
      append_message(r, xid, out);
      handshaken_ = true;
      break;
    }
    case of::MsgType::kGetConfigRequest:
      append_message(of::GetConfigReply{config_flags_, miss_send_len_}, xid, out);
      break;
    case of::MsgType::kSetConfig: {
      const auto& c = std::get<of::SetConfig>(decoded->msg);
      config_flags_ = c.flags;
      miss_send_len_ = c.miss_send_len;
      break;
    }
    case of::MsgType::kBarrierRequest:
      ++stats_.barriers;
      append_message(of::BarrierReply{}, xid, out);
      break;
    case of::MsgType::kStatsRequest: {
      const auto& req = std::get<of::StatsRequest>(decoded->msg);
      of::StatsReply rep;
      switch (req.type()) {
        case of::StatsType::kDesc: {
          of::DescStatsReply d;
          d.desc = {"ofkit", "ofbench emulated switch", "ofbench", "none",
                    fmt::format("ofbench switch {}", cfg_.index + 1)};
          rep.body = d;
          break;
        }
        case of::StatsType::kFlow:
          rep.body = of::FlowStatsReply{};
          break;
        case of::StatsType::kAggregate:
          rep.body = of::AggregateStatsReply{};
          break;
        case of::StatsType::kTable: {
          of::TableStats t;
          t.name = "classifier";
          t.wildcards = of::wildcards::kAll;
          t.max_entries = 1000000;
          rep.body = of::TableStatsReply{{t}};
          break;
        }
        case of::StatsType::kPort:
          rep.body = of::PortStatsReply{};
          break;
        case of::StatsType::kQueue:
          rep.body = of::QueueStatsReply{};
          break;
        default:
          reply_error(msg, of::Ofperr::kBadRequestBadVendor, out);
          return;
      }
      append_message(rep, xid, out);
      break;
    }
    case of::MsgType::kVendor:
      reply_error(msg, of::Ofperr::kBadRequestBadVendor, out);
      break;
    case of::MsgType::kQueueGetConfigRequest:
      reply_error(msg, of::Ofperr::kQueueOpFailedBadPort, out);
      break;
    default:  // messages only a switch sends
      reply_error(msg, of::Ofperr::kBadRequestBadType, out);
      break;
  }
}

size_t EmulatedSwitch::send_packet_ins(OutBuffer& out, size_t limit, uint64_t now_ns) {
  if (!handshaken_) return 0;
  const size_t len = templates_.msg_len;
  size_t room = out.free_below(limit) / len;
  const uint64_t outstanding = tracker_.outstanding();
  size_t n = outstanding >= cfg_.window ? 0 : std::min<size_t>(room, cfg_.window - outstanding);
  if (n == 0) return 0;
  if (outstanding == 0) last_progress_ns_ = now_ns;
  uint8_t* p = out.append(n * len);
  for (size_t i = 0; i < n; ++i, p += len) {
    std::memcpy(p, templates_.at(next_template_), len);
    if (++next_template_ == templates_.count) next_template_ = 0;
    const uint32_t id = tracker_.next_id();
    stamp_packet_in(p, id);
    tracker_.sent(id, now_ns);
  }
  stats_.packet_ins += n;
  stats_.lost = tracker_.lost();
  return n;
}

void EmulatedSwitch::check_timeout(uint64_t now_ns, uint64_t timeout_ns) {
  if (tracker_.outstanding() == 0 || now_ns - last_progress_ns_ < timeout_ns) return;
  tracker_.expire_all();
  stats_.lost = tracker_.lost();
  last_progress_ns_ = now_ns;
}

}  // namespace ofkit::bench
