#include "oflib/wire/stats.h"

#include "oflib/wire/actions.h"
#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

constexpr StatsType kRequestTypes[] = {StatsType::kDesc,  StatsType::kFlow, StatsType::kAggregate,
                                       StatsType::kTable, StatsType::kPort, StatsType::kQueue,
                                       StatsType::kVendor};
// Reply variant order is the same as the request's.

void encode_stats_header(MsgType t, size_t len, uint32_t xid, StatsType st, uint16_t flags, uint8_t* out) {
  encode_header(out, t, static_cast<uint16_t>(len), xid);
  store_be16(out + 8, static_cast<uint16_t>(st));
  store_be16(out + 10, flags);
}

// ofp_flow_stats_request / ofp_aggregate_stats_request.
void encode_flow_req(const Match& match, uint8_t table_id, uint16_t out_port, uint8_t* out) {
  encode_match(match, out);
  out[40] = table_id;
  out[41] = 0;
  store_be16(out + 42, out_port);
}

void encode_flow_stats(const FlowStats& f, uint8_t* out) {
  const size_t len = flow_stats_wire_len(f);
  store_be16(out + 0, static_cast<uint16_t>(len));
  out[2] = f.table_id;
  out[3] = 0;
  encode_match(f.match, out + 4);
  store_be32(out + 44, f.duration_sec);
  store_be32(out + 48, f.duration_nsec);
  store_be16(out + 52, f.priority);
  store_be16(out + 54, f.idle_timeout);
  store_be16(out + 56, f.hard_timeout);
  detail::store_zero(out + 58, 6);
  store_be64(out + 64, f.cookie);
  store_be64(out + 72, f.packet_count);
  store_be64(out + 80, f.byte_count);
  encode_actions(f.actions, out + kFlowStatsLen);
}

void encode_table_stats(const TableStats& t, uint8_t* out) {
  out[0] = t.table_id;
  detail::store_zero(out + 1, 3);
  detail::store_str(out + 4, kMaxTableNameLen, t.name);
  store_be32(out + 36, t.wildcards);
  store_be32(out + 40, t.max_entries);
  store_be32(out + 44, t.active_count);
  store_be64(out + 48, t.lookup_count);
  store_be64(out + 56, t.matched_count);
}

void encode_port_stats(const PortStats& p, uint8_t* out) {
  store_be16(out, p.port_no);
  detail::store_zero(out + 2, 6);
  const uint64_t v[12] = {p.rx_packets,   p.tx_packets,  p.rx_bytes,   p.tx_bytes,
                          p.rx_dropped,   p.tx_dropped,  p.rx_errors,  p.tx_errors,
                          p.rx_frame_err, p.rx_over_err, p.rx_crc_err, p.collisions};
  for (int i = 0; i < 12; ++i) store_be64(out + 8 + 8 * i, v[i]);
}

void encode_queue_stats(const QueueStats& q, uint8_t* out) {
  store_be16(out, q.port_no);
  detail::store_zero(out + 2, 2);
  store_be32(out + 4, q.queue_id);
  store_be64(out + 8, q.tx_bytes);
  store_be64(out + 16, q.tx_packets);
  store_be64(out + 24, q.tx_errors);
}

PortStats decode_port_stats(const uint8_t* in) {
  PortStats p;
  p.port_no = load_be16(in);
  uint64_t* v[12] = {&p.rx_packets,   &p.tx_packets,  &p.rx_bytes,   &p.tx_bytes,
                     &p.rx_dropped,   &p.tx_dropped,  &p.rx_errors,  &p.tx_errors,
                     &p.rx_frame_err, &p.rx_over_err, &p.rx_crc_err, &p.collisions};
  for (int i = 0; i < 12; ++i) *v[i] = load_be64(in + 8 + 8 * i);
  return p;
}

// Body length of an array of fixed-size entries; BAD_LEN unless whole.
template <typename T, typename F>
Result<std::vector<T>> decode_array(std::span<const uint8_t> body, size_t entry_len, F&& one) {
  if (body.size() % entry_len != 0) return fail(Ofperr::kBadRequestBadLen);
  std::vector<T> out;
  out.reserve(body.size() / entry_len);
  for (size_t off = 0; off < body.size(); off += entry_len) out.push_back(one(body.data() + off));
  return out;
}

Result<std::vector<FlowStats>> decode_flow_stats_array(std::span<const uint8_t> body) {
  std::vector<FlowStats> out;
  const ActionDecodeOptions opts{.accept_vendor = true};
  while (!body.empty()) {
    if (body.size() < kFlowStatsLen) return fail(Ofperr::kBadRequestBadLen);
    const uint8_t* in = body.data();
    const uint16_t len = load_be16(in);
    if (len < kFlowStatsLen || len > body.size() || (len & 7) != 0) return fail(Ofperr::kBadRequestBadLen);
    FlowStats f;
    f.table_id = in[2];
    f.match = decode_match(in + 4);
    f.duration_sec = load_be32(in + 44);
    f.duration_nsec = load_be32(in + 48);
    f.priority = load_be16(in + 52);
    f.idle_timeout = load_be16(in + 54);
    f.hard_timeout = load_be16(in + 56);
    f.cookie = load_be64(in + 64);
    f.packet_count = load_be64(in + 72);
    f.byte_count = load_be64(in + 80);
    auto acts = decode_actions(body.subspan(kFlowStatsLen, len - kFlowStatsLen), opts);
    if (!acts) return fail(acts.error());
    f.actions = std::move(*acts);
    out.push_back(std::move(f));
    body = body.subspan(len);
  }
  return out;
}

template <typename T>
T decode_flow_req(const uint8_t* in) {
  T r;
  r.match = decode_match(in);
  r.table_id = in[40];
  r.out_port = load_be16(in + 42);
  return r;
}

// Stats type -> variant index; nullopt for an unknown type.
std::optional<size_t> stats_index(uint16_t type) {
  for (size_t i = 0; i < std::size(kRequestTypes); ++i)
    if (static_cast<uint16_t>(kRequestTypes[i]) == type) return i;
  return std::nullopt;
}

size_t request_body_len(const StatsRequestBody& b) {
  return std::visit(Overloaded{
                        [](const DescStatsRequest&) -> size_t { return 0; },
                        [](const FlowStatsRequest&) -> size_t { return kFlowStatsRequestLen; },
                        [](const AggregateStatsRequest&) -> size_t { return kFlowStatsRequestLen; },
                        [](const TableStatsRequest&) -> size_t { return 0; },
                        [](const PortStatsRequest&) -> size_t { return kPortStatsRequestLen; },
                        [](const QueueStatsRequest&) -> size_t { return kQueueStatsRequestLen; },
                        [](const VendorStats& v) -> size_t { return kVendorStatsLen + v.body.size(); },
                    },
                    b);
}

size_t reply_body_len(const StatsReplyBody& b) {
  return std::visit(Overloaded{
                        [](const DescStatsReply&) -> size_t { return kDescStatsLen; },
                        [](const FlowStatsReply& r) -> size_t {
                          size_t n = 0;
                          for (const auto& f : r.flows) n += flow_stats_wire_len(f);
                          return n;
                        },
                        [](const AggregateStatsReply&) -> size_t { return kAggregateStatsReplyLen; },
                        [](const TableStatsReply& r) -> size_t { return kTableStatsLen * r.tables.size(); },
                        [](const PortStatsReply& r) -> size_t { return kPortStatsLen * r.ports.size(); },
                        [](const QueueStatsReply& r) -> size_t { return kQueueStatsLen * r.queues.size(); },
                        [](const VendorStats& v) -> size_t { return kVendorStatsLen + v.body.size(); },
                    },
                    b);
}

}  // namespace

size_t flow_stats_wire_len(const FlowStats& f) { return kFlowStatsLen + actions_wire_len(f.actions); }

StatsType StatsRequest::type() const { return kRequestTypes[body.index()]; }
StatsType StatsReply::type() const { return kRequestTypes[body.index()]; }

size_t wire_len(const StatsRequest& m) { return kStatsMsgLen + request_body_len(m.body); }
size_t wire_len(const StatsReply& m) { return kStatsMsgLen + reply_body_len(m.body); }

void encode_to(const StatsRequest& m, uint32_t xid, uint8_t* out) {
  encode_stats_header(MsgType::kStatsRequest, wire_len(m), xid, m.type(), m.flags, out);
  uint8_t* b = out + kStatsMsgLen;
  std::visit(Overloaded{
                 [](const DescStatsRequest&) {},
                 [&](const FlowStatsRequest& r) { encode_flow_req(r.match, r.table_id, r.out_port, b); },
                 [&](const AggregateStatsRequest& r) { encode_flow_req(r.match, r.table_id, r.out_port, b); },
                 [](const TableStatsRequest&) {},
                 [&](const PortStatsRequest& r) {
                   store_be16(b, r.port_no);
                   detail::store_zero(b + 2, 6);
                 },
                 [&](const QueueStatsRequest& r) {
                   store_be16(b, r.port_no);
                   detail::store_zero(b + 2, 2);
                   store_be32(b + 4, r.queue_id);
                 },
                 [&](const VendorStats& v) {
                   store_be32(b, v.vendor);
                   detail::store_bytes(b + kVendorStatsLen, v.body);
                 },
             },
             m.body);
}

void encode_to(const StatsReply& m, uint32_t xid, uint8_t* out) {
  encode_stats_header(MsgType::kStatsReply, wire_len(m), xid, m.type(), m.flags, out);
  uint8_t* b = out + kStatsMsgLen;
  std::visit(Overloaded{
                 [&](const DescStatsReply& r) {
                   detail::store_str(b, kDescStrLen, r.desc.mfr_desc);
                   detail::store_str(b + 256, kDescStrLen, r.desc.hw_desc);
                   detail::store_str(b + 512, kDescStrLen, r.desc.sw_desc);
                   detail::store_str(b + 768, kSerialNumLen, r.desc.serial_num);
                   detail::store_str(b + 800, kDescStrLen, r.desc.dp_desc);
                 },
                 [&](const FlowStatsReply& r) {
                   for (const auto& f : r.flows) {
                     encode_flow_stats(f, b);
                     b += flow_stats_wire_len(f);
                   }
                 },
                 [&](const AggregateStatsReply& r) {
                   store_be64(b, r.packet_count);
                   store_be64(b + 8, r.byte_count);
                   store_be32(b + 16, r.flow_count);
                   detail::store_zero(b + 20, 4);
                 },
                 [&](const TableStatsReply& r) {
                   for (const auto& t : r.tables) encode_table_stats(t, b), b += kTableStatsLen;
                 },
                 [&](const PortStatsReply& r) {
                   for (const auto& p : r.ports) encode_port_stats(p, b), b += kPortStatsLen;
                 },
                 [&](const QueueStatsReply& r) {
                   for (const auto& q : r.queues) encode_queue_stats(q, b), b += kQueueStatsLen;
                 },
                 [&](const VendorStats& v) {
                   store_be32(b, v.vendor);
                   detail::store_bytes(b + kVendorStatsLen, v.body);
                 },
             },
             m.body);
}

namespace {

// The part every stats request and reply shares: header checks, the type
// (unknown: BAD_STAT, for replies too, as OVS reports it), flags and body.
struct StatsPrologue {
  StatsType type;
  uint16_t flags;
  std::span<const uint8_t> body;
};

Result<StatsPrologue> decode_stats_prologue(std::span<const uint8_t> msg, MsgType type) {
  if (auto r = detail::check_message(msg, type); !r) return fail(r.error());
  const auto idx = stats_index(load_be16(msg.data() + 8));
  if (!idx) return fail(Ofperr::kBadRequestBadStat);
  return StatsPrologue{kRequestTypes[*idx], load_be16(msg.data() + 10), msg.subspan(kStatsMsgLen)};
}

// Vendor stats are the same both ways: a vendor id and opaque bytes.
Result<VendorStats> decode_vendor_stats(std::span<const uint8_t> body) {
  if (body.size() < kVendorStatsLen) return fail(Ofperr::kBadRequestBadLen);
  return VendorStats{load_be32(body.data()),
                     std::vector<uint8_t>(body.begin() + kVendorStatsLen, body.end())};
}

}  // namespace

Result<StatsRequest> decode_stats_request(std::span<const uint8_t> msg) {
  auto pro = decode_stats_prologue(msg, MsgType::kStatsRequest);
  if (!pro) return fail(pro.error());
  StatsRequest m;
  m.flags = pro->flags;
  const auto body = pro->body;
  const uint8_t* b = body.data();
  auto need = [&](size_t n) { return body.size() == n; };
  switch (pro->type) {
    case StatsType::kDesc:
      if (!need(0)) return fail(Ofperr::kBadRequestBadLen);
      m.body = DescStatsRequest{};
      break;
    case StatsType::kFlow:
      if (!need(kFlowStatsRequestLen)) return fail(Ofperr::kBadRequestBadLen);
      m.body = decode_flow_req<FlowStatsRequest>(b);
      break;
    case StatsType::kAggregate:
      if (!need(kFlowStatsRequestLen)) return fail(Ofperr::kBadRequestBadLen);
      m.body = decode_flow_req<AggregateStatsRequest>(b);
      break;
    case StatsType::kTable:
      if (!need(0)) return fail(Ofperr::kBadRequestBadLen);
      m.body = TableStatsRequest{};
      break;
    case StatsType::kPort:
      if (!need(kPortStatsRequestLen)) return fail(Ofperr::kBadRequestBadLen);
      m.body = PortStatsRequest{load_be16(b)};
      break;
    case StatsType::kQueue:
      if (!need(kQueueStatsRequestLen)) return fail(Ofperr::kBadRequestBadLen);
      m.body = QueueStatsRequest{load_be16(b), load_be32(b + 4)};
      break;
    case StatsType::kVendor: {
      auto v = decode_vendor_stats(body);
      if (!v) return fail(v.error());
      m.body = std::move(*v);
      break;
    }
  }
  return m;
}

Result<StatsReply> decode_stats_reply(std::span<const uint8_t> msg) {
  auto pro = decode_stats_prologue(msg, MsgType::kStatsReply);
  if (!pro) return fail(pro.error());
  StatsReply m;
  m.flags = pro->flags;
  const auto body = pro->body;
  const uint8_t* b = body.data();
  switch (pro->type) {
    case StatsType::kDesc: {
      if (body.size() != kDescStatsLen) return fail(Ofperr::kBadRequestBadLen);
      DescStatsReply r;
      r.desc.mfr_desc = detail::load_str(b, kDescStrLen);
      r.desc.hw_desc = detail::load_str(b + 256, kDescStrLen);
      r.desc.sw_desc = detail::load_str(b + 512, kDescStrLen);
      r.desc.serial_num = detail::load_str(b + 768, kSerialNumLen);
      r.desc.dp_desc = detail::load_str(b + 800, kDescStrLen);
      m.body = std::move(r);
      break;
    }
    case StatsType::kFlow: {
      auto flows = decode_flow_stats_array(body);
      if (!flows) return fail(flows.error());
      m.body = FlowStatsReply{std::move(*flows)};
      break;
    }
    case StatsType::kAggregate:
      if (body.size() != kAggregateStatsReplyLen) return fail(Ofperr::kBadRequestBadLen);
      m.body = AggregateStatsReply{load_be64(b), load_be64(b + 8), load_be32(b + 16)};
      break;
    case StatsType::kTable: {
      auto t = decode_array<TableStats>(body, kTableStatsLen, [](const uint8_t* in) {
        TableStats s;
        s.table_id = in[0];
        s.name = detail::load_str(in + 4, kMaxTableNameLen);
        s.wildcards = load_be32(in + 36);
        s.max_entries = load_be32(in + 40);
        s.active_count = load_be32(in + 44);
        s.lookup_count = load_be64(in + 48);
        s.matched_count = load_be64(in + 56);
        return s;
      });
      if (!t) return fail(t.error());
      m.body = TableStatsReply{std::move(*t)};
      break;
    }
    case StatsType::kPort: {
      auto p = decode_array<PortStats>(body, kPortStatsLen, decode_port_stats);
      if (!p) return fail(p.error());
      m.body = PortStatsReply{std::move(*p)};
      break;
    }
    case StatsType::kQueue: {
      auto q = decode_array<QueueStats>(body, kQueueStatsLen, [](const uint8_t* in) {
        return QueueStats{load_be16(in), load_be32(in + 4), load_be64(in + 8), load_be64(in + 16),
                          load_be64(in + 24)};
      });
      if (!q) return fail(q.error());
      m.body = QueueStatsReply{std::move(*q)};
      break;
    }
    case StatsType::kVendor: {
      auto v = decode_vendor_stats(body);
      if (!v) return fail(v.error());
      m.body = std::move(*v);
      break;
    }
  }
  return m;
}

namespace {

// Cuts entries into parts whose encoded size fits max_body bytes.
template <typename Reply, typename Vec, typename LenFn>
std::vector<StatsReply> split_entries(const Vec& entries, size_t max_body, LenFn&& len_of) {
  std::vector<StatsReply> parts;
  Reply cur;
  auto& cur_vec = [](Reply& r) -> Vec& {
    if constexpr (std::is_same_v<Reply, FlowStatsReply>)
      return r.flows;
    else if constexpr (std::is_same_v<Reply, TableStatsReply>)
      return r.tables;
    else if constexpr (std::is_same_v<Reply, PortStatsReply>)
      return r.ports;
    else
      return r.queues;
  }(cur);
  size_t used = 0;
  for (const auto& e : entries) {
    const size_t n = len_of(e);
    if (used + n > max_body && !cur_vec.empty()) {
      parts.push_back(StatsReply{kStatsReplyMore, cur});
      cur_vec.clear();
      used = 0;
    }
    cur_vec.push_back(e);
    used += n;
  }
  parts.push_back(StatsReply{0, std::move(cur)});
  return parts;
}

}  // namespace

std::vector<StatsReply> split_stats_reply(const StatsReply& reply, size_t max_msg_len) {
  const size_t max_body = max_msg_len > kStatsMsgLen ? max_msg_len - kStatsMsgLen : 0;
  std::vector<StatsReply> parts =
      std::visit(Overloaded{
                     [&](const FlowStatsReply& r) {
                       return split_entries<FlowStatsReply>(r.flows, max_body, flow_stats_wire_len);
                     },
                     [&](const TableStatsReply& r) {
                       return split_entries<TableStatsReply>(r.tables, max_body,
                                                             [](const auto&) { return kTableStatsLen; });
                     },
                     [&](const PortStatsReply& r) {
                       return split_entries<PortStatsReply>(r.ports, max_body,
                                                            [](const auto&) { return kPortStatsLen; });
                     },
                     [&](const QueueStatsReply& r) {
                       return split_entries<QueueStatsReply>(r.queues, max_body,
                                                             [](const auto&) { return kQueueStatsLen; });
                     },
                     [&](const auto&) {
                       return std::vector<StatsReply>{StatsReply{0, reply.body}};
                     },
                 },
                 reply.body);
  // Keep any flag bits other than REPLY_MORE that the caller set.
  const uint16_t other = reply.flags & ~kStatsReplyMore;
  for (auto& p : parts) p.flags |= other;
  return parts;
}

Result<void> append_stats_reply(StatsReply& acc, const StatsReply& part) {
  if (acc.body.index() != part.body.index()) return fail(Ofperr::kBadRequestBadStat);
  std::visit(Overloaded{
                 [&](FlowStatsReply& a) {
                   const auto& p = std::get<FlowStatsReply>(part.body).flows;
                   a.flows.insert(a.flows.end(), p.begin(), p.end());
                 },
                 [&](TableStatsReply& a) {
                   const auto& p = std::get<TableStatsReply>(part.body).tables;
                   a.tables.insert(a.tables.end(), p.begin(), p.end());
                 },
                 [&](PortStatsReply& a) {
                   const auto& p = std::get<PortStatsReply>(part.body).ports;
                   a.ports.insert(a.ports.end(), p.begin(), p.end());
                 },
                 [&](QueueStatsReply& a) {
                   const auto& p = std::get<QueueStatsReply>(part.body).queues;
                   a.queues.insert(a.queues.end(), p.begin(), p.end());
                 },
                 [&](auto& a) { a = std::get<std::decay_t<decltype(a)>>(part.body); },
             },
             acc.body);
  acc.flags = static_cast<uint16_t>((acc.flags & ~kStatsReplyMore) | (part.flags & kStatsReplyMore));
  return {};
}

}  // namespace ofkit::of
