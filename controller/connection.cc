#include "controller/connection.h"

#include <sys/epoll.h>

#include <algorithm>
#include <cstring>

#include "controller/cli.h"
#include "controller/events.h"
#include "controller/global_events.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/packet/flow_extract.h"
#include "oflib/wire/error_msg.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/packet_in.h"
#include "oflib/wire/packet_out.h"
#include "oflib/wire/port.h"
#include "oflib/wire/simple.h"
#include "oflib/wire/switch_config.h"

namespace ofkit::ctl {

const FlowKey& PacketIn::flow_key() const {
  if (!key_) {
    FlowKey k;
    const KeyStatus st = extract_flow_key(data.data(), data.size(), in_port, &k);
    key_ok_ = st != KeyStatus::kMalformed;
    key_ = k;
  }
  return *key_;
}

size_t shard_for_dpid(uint64_t dpid, size_t shard_count) {
  if (shard_count <= 1) return 0;
  uint64_t z = dpid + 0x9e3779b97f4a7c15ULL;  // splitmix64 finalizer
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<size_t>(z % shard_count);
}

namespace {
spdlog::logger& conn_log() {
  static std::shared_ptr<spdlog::logger> l = component_logger("conn");
  return *l;
}
}  // namespace

Connection::Connection(uint64_t id, std::unique_ptr<Transport> transport)
    : id_(id), transport_(std::move(transport)) {
  created_ = last_rx_ = tokens_at_ = Clock::now();
  in_.reserve(64 * 1024);
  out_.reserve(16 * 1024);
}

Connection::~Connection() {
  if (registered_ && shard_) shard_->loop().remove_fd(transport_->fd());
}

void Connection::attach(Shard* shard) {
  shard_ = shard;
  moving_ = false;
  tokens_ = shard->config().packet_in_burst;
  tokens_at_ = shard->loop().now();
  last_rx_ = shard->loop().now();
  registered_ = shard->loop().add_fd(transport_->fd(), interest(), this);
  if (!registered_) conn_log().warn("connection {}: cannot register fd", id_);
  if (pending_output() > 0) shard->mark_dirty(this);
}

void Connection::detach() {
  report_pending(0);
  if (registered_ && shard_) shard_->loop().remove_fd(transport_->fd());
  registered_ = false;
  dirty_ = false;
}

void Connection::start_handshake() { send(of::Hello{}); }

uint8_t* Connection::reserve(size_t n) {
  const size_t old = out_.size();
  out_.resize(old + n);
  ++counters_.msgs_out;
  if (!dirty_ && shard_ && !moving_ && state_ != State::kClosed) shard_->mark_dirty(this);
  return out_.data() + old;
}

void Connection::send_raw(std::span<const uint8_t> bytes) {
  std::memcpy(reserve(bytes.size()), bytes.data(), bytes.size());
}

uint32_t Connection::send_flow_mod(const of::FlowMod& fm) { return send(fm); }
uint32_t Connection::send_packet_out(const of::PacketOut& po) { return send(po); }
uint32_t Connection::send_port_mod(const of::PortMod& pm) { return send(pm); }

uint32_t Connection::send_flow_add(const of::Match& match, uint16_t out_port, uint16_t idle_timeout,
                                   uint16_t hard_timeout, uint32_t buffer_id, uint16_t priority,
                                   uint64_t cookie, uint16_t flags) {
  const bool has_action = out_port != of::port::kNone;
  const size_t len = of::kFlowModLen + (has_action ? 8 : 0);
  const uint32_t xid = xids_.next();
  uint8_t* p = reserve(len);
  of::encode_header(p, of::MsgType::kFlowMod, static_cast<uint16_t>(len), xid);
  of::encode_match(match, p + 8);
  store_be64(p + 48, cookie);
  store_be16(p + 56, static_cast<uint16_t>(of::FlowModCommand::kAdd));
  store_be16(p + 58, idle_timeout);
  store_be16(p + 60, hard_timeout);
  store_be16(p + 62, priority);
  store_be32(p + 64, buffer_id);
  store_be16(p + 68, of::port::kNone);
  store_be16(p + 70, flags);
  if (has_action) {  // struct ofp_action_output
    store_be16(p + 72, static_cast<uint16_t>(of::ActionType::kOutput));
    store_be16(p + 74, 8);
    store_be16(p + 76, out_port);
    store_be16(p + 78, 0);
  }
  return xid;
}

uint32_t Connection::send_packet_out_port(uint32_t buffer_id, uint16_t in_port, uint16_t out_port,
                                          std::span<const uint8_t> data) {
  const size_t data_len = buffer_id == of::kNoBuffer ? data.size() : 0;
  const size_t actions_len = out_port == of::port::kNone ? 0 : 8;
  const size_t len = of::kPacketOutLen + actions_len + data_len;
  if (len > of::kMaxMsgLen) return 0;
  const uint32_t xid = xids_.next();
  uint8_t* p = reserve(len);
  of::encode_header(p, of::MsgType::kPacketOut, static_cast<uint16_t>(len), xid);
  store_be32(p + 8, buffer_id);
  store_be16(p + 12, in_port);
  store_be16(p + 14, static_cast<uint16_t>(actions_len));
  if (actions_len) {  // struct ofp_action_output
    store_be16(p + 16, static_cast<uint16_t>(of::ActionType::kOutput));
    store_be16(p + 18, 8);
    store_be16(p + 20, out_port);
    store_be16(p + 22, 0);
  }
  if (data_len) std::memcpy(p + of::kPacketOutLen + actions_len, data.data(), data_len);
  return xid;
}

Duration Connection::request_timeout(std::optional<Duration> t) const {
  if (t) return *t;
  return shard_ ? Duration(shard_->config().request_timeout) : Duration(std::chrono::seconds(10));
}

uint32_t Connection::barrier(BarrierCallback cb, std::optional<Duration> timeout) {
  const uint32_t xid = send(of::BarrierRequest{});
  Pending p{
      Pending::Kind::kBarrier, std::move(cb), {}, std::nullopt, Clock::now() + request_timeout(timeout)};
  pending_.emplace(xid, std::move(p));
  return xid;
}

uint32_t Connection::request_stats(const of::StatsRequest& req, StatsCallback cb,
                                   std::optional<Duration> timeout) {
  const uint32_t xid = send(req);
  Pending p{Pending::Kind::kStats, {}, std::move(cb), std::nullopt, Clock::now() + request_timeout(timeout)};
  pending_.emplace(xid, std::move(p));
  return xid;
}

std::future<std::optional<of::StatsReply>> Connection::request_stats_future(const of::StatsRequest& req,
                                                                            std::optional<Duration> timeout) {
  auto promise = std::make_shared<std::promise<std::optional<of::StatsReply>>>();
  auto fut = promise->get_future();
  request_stats(
      req,
      [promise](const of::StatsReply* r) {
        promise->set_value(r ? std::optional<of::StatsReply>(*r) : std::nullopt);
      },
      timeout);
  return fut;
}

void Connection::fail_pending() {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [xid, p] : pending) {
    if (p.kind == Pending::Kind::kBarrier && p.barrier_cb) p.barrier_cb(false);
    if (p.kind == Pending::Kind::kStats && p.stats_cb) p.stats_cb(nullptr);
  }
}

void Connection::close(const std::string& reason) {
  if (state_ == State::kClosed) return;
  // Last chance for what handlers already queued (e.g. an ERROR reply).
  if (pending_output() > 0 && transport_) {
    transport_->write(out_.data() + out_off_, pending_output());
  }
  state_ = State::kClosed;
  report_pending(0);
  if (registered_ && shard_) shard_->loop().remove_fd(transport_->fd());
  registered_ = false;
  transport_->close();
  fail_pending();
  if (shard_) shard_->on_closed(this, reason);
}

bool Connection::reading() const { return reading_ && !(shard_ && shard_->reads_paused()); }

uint32_t Connection::interest() const {
  return (reading() ? uint32_t{EPOLLIN} : 0u) | (want_write_ ? uint32_t{EPOLLOUT} : 0u);
}

void Connection::update_read_interest() {
  if (!registered_ || state_ == State::kClosed) return;
  shard_->loop().modify_fd(transport_->fd(), interest(), this);
}

void Connection::report_pending(size_t now_pending) {
  if (shard_ && now_pending != reported_pending_) shard_->add_pending(now_pending, reported_pending_);
  reported_pending_ = now_pending;
}

void Connection::flush() {
  dirty_ = false;
  if (state_ == State::kClosed || moving_) return;
  while (out_off_ < out_.size()) {
    const ssize_t n = transport_->write(out_.data() + out_off_, out_.size() - out_off_);
    if (n == Transport::kWouldBlock) break;
    if (n < 0) {
      close("write error");
      return;
    }
    ++counters_.writes;
    out_off_ += static_cast<size_t>(n);
  }
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  } else if (out_off_ > 1024 * 1024) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_off_));
    out_off_ = 0;
  }
  const size_t cap = shard_->config().max_output_buffer;
  if (cap > 0 && pending_output() > cap) {
    // A peer that reads nothing must not grow our memory without bound.
    conn_log().warn(
        "connection {} ({}, dpid {:016x}): {} unsent bytes over --max-output-buffer={}; disconnecting", id_,
        peer(), dpid_, pending_output(), cap);
    close("output buffer over " + std::to_string(cap) + " bytes (the peer is not reading)");
    return;
  }
  report_pending(pending_output());
  const bool want_write = pending_output() > 0;
  bool reading = reading_;
  // Peer not reading: stop reading it (TCP pushes back on it), resume lower.
  const size_t high = cap > 0 ? std::min(kHighWater, cap / 4) : kHighWater;
  const size_t low = std::min(kLowWater, high / 4);
  if (pending_output() > high) reading = false;
  if (pending_output() < low) reading = true;
  if (want_write != want_write_ || reading != reading_) {
    want_write_ = want_write;
    reading_ = reading;
    update_read_interest();
  }
}

void Connection::on_io(uint32_t events) {
  if (state_ == State::kClosed) return;
  if (events & EPOLLOUT) flush();
  if (state_ == State::kClosed) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    if (!reading() && !(events & (EPOLLHUP | EPOLLERR))) return;
    const ssize_t n = transport_->read_into(in_, kReadBudget);
    if (n == 0) {
      process_input();  // whatever arrived before the close
      if (state_ != State::kClosed) close("connection closed by peer");
      return;
    }
    if (n == Transport::kError) {
      close("read error");
      return;
    }
    if (n > 0) {
      last_rx_ = shard_->loop().now();
      echo_sent_.reset();
      process_input();
    }
  }
}

void Connection::process_input() {
  while (state_ != State::kClosed && !moving_ && in_.size() - in_off_ >= of::kHeaderLen) {
    const uint8_t* p = in_.data() + in_off_;
    const uint16_t len = load_be16(p + 2);
    if (len < of::kHeaderLen) {
      ++counters_.bad_messages;
      send_error(of::Ofperr::kBadRequestBadLen, {p, of::kHeaderLen});
      close("bad length field (framing lost)");
      return;
    }
    if (in_.size() - in_off_ < len) break;
    in_off_ += len;
    handle_message({p, len});
  }
  if (in_off_ == in_.size()) {
    in_.clear();
    in_off_ = 0;
  } else if (in_off_ > 0 && !moving_) {
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_off_));
    in_off_ = 0;
  }
}

void Connection::send_error(of::Ofperr err, std::span<const uint8_t> offending) {
  uint8_t buf[of::kMaxErrorReplyLen];
  const size_t n = of::encode_error_reply(err, offending, buf);
  if (n) send_raw({buf, n});
}

void Connection::handle_message(std::span<const uint8_t> msg) {
  ++counters_.msgs_in;
  const of::Header h = of::read_header(msg.data());
  switch (state_) {
    case State::kHello:
      if (h.type != of::MsgType::kHello) {
        ++counters_.bad_messages;
        close("first message is not HELLO");
        return;
      }
      handle_hello(msg, h);
      return;
    case State::kFeatures:
      if (h.version != of::kVersion) {
        ++counters_.bad_messages;
        send_error(of::Ofperr::kBadRequestBadVersion, msg);
        return;
      }
      if (h.type == of::MsgType::kEchoRequest) {
        uint8_t* out = reserve(msg.size());
        std::memcpy(out, msg.data(), msg.size());
        out[1] = static_cast<uint8_t>(of::MsgType::kEchoReply);
        return;
      }
      if (h.type == of::MsgType::kError) {
        close("switch sent an error during the handshake");
        return;
      }
      if (h.type != of::MsgType::kFeaturesReply) return;  // e.g. an early PORT_STATUS: ignore
      {
        auto fr = of::decode_features_reply(msg);
        if (!fr) {
          ++counters_.bad_messages;
          send_error(fr.error(), msg);
          close("bad FEATURES_REPLY");
          return;
        }
        features_ = std::move(*fr);
        dpid_ = features_.datapath_id;
        of::SetConfig sc;
        sc.miss_send_len = shard_->config().miss_send_len;
        send(sc);
        state_ = State::kUp;
        moving_ = true;  // stop processing: the rest belongs to the dpid's shard
        shard_->on_features(this);
      }
      return;
    case State::kUp:
      handle_up_message(msg, h);
      return;
    case State::kClosed:
      return;
  }
}

void Connection::handle_hello(std::span<const uint8_t> msg, const of::Header& h) {
  if (h.version < of::kVersion) {
    static constexpr char kText[] = "ofctl-run speaks OpenFlow 1.0 (0x01) only";
    const size_t len = of::kErrorMsgLen + sizeof kText - 1;
    uint8_t* p = reserve(len);
    of::encode_header(p, of::MsgType::kError, static_cast<uint16_t>(len), h.xid);
    store_be16(p + 8, static_cast<uint16_t>(of::ErrorType::kHelloFailed));
    store_be16(p + 10, of::ofperr_code(of::Ofperr::kHelloFailedIncompatible));
    std::memcpy(p + 12, kText, sizeof kText - 1);
    ++counters_.bad_messages;
    close("incompatible OpenFlow version in HELLO");
    return;
  }
  (void)msg;
  // Version >= 1: we both speak 1.0 (the lower of the two).
  state_ = State::kFeatures;
  send(of::FeaturesRequest{});
}

void Connection::handle_packet_in(std::span<const uint8_t> msg) {
  auto view = of::PacketInView::parse(msg);
  if (!view) {
    ++counters_.bad_messages;
    send_error(view.error(), msg);
    return;
  }
  ++counters_.packet_ins;
  const double rate = shard_->config().packet_in_rate;
  if (rate > 0) {
    const auto now = shard_->loop().now();
    const double elapsed = std::chrono::duration<double>(now - tokens_at_).count();
    tokens_at_ = now;
    tokens_ = std::min(shard_->config().packet_in_burst, tokens_ + elapsed * rate);
    if (tokens_ < 1.0) {
      ++counters_.packet_ins_dropped;
      return;
    }
    tokens_ -= 1.0;
  }
  PacketIn ev{
      *this,          dpid_,        view->xid(), view->buffer_id(), view->total_len(), view->in_port(),
      view->reason(), view->data(), msg};
  shard_->bus().raise(ev);
  Runtime* rt = shard_->runtime();
  if (rt && rt->forwarding(kForwardPacketIn)) {
    const auto d = view->data();
    rt->forward_packet_in(PacketInMsg{dpid_, view->xid(), view->buffer_id(), view->total_len(),
                                      view->in_port(), view->reason(),
                                      std::vector<uint8_t>(d.begin(), d.end())});
  }
}

void Connection::handle_stats_reply(std::span<const uint8_t> msg, uint32_t xid) {
  auto reply = of::decode_stats_reply(msg);
  if (!reply) {
    ++counters_.bad_messages;
    send_error(reply.error(), msg);
    return;
  }
  auto it = pending_.find(xid);
  if (it == pending_.end()) {
    Pending p{Pending::Kind::kStats, {}, {}, std::nullopt, Clock::now() + request_timeout(std::nullopt)};
    it = pending_.emplace(xid, std::move(p)).first;
  }
  Pending& p = it->second;
  if (!p.acc) {
    p.acc = std::move(*reply);
  } else if (!of::append_stats_reply(*p.acc, *reply)) {
    ++counters_.bad_messages;
    return;
  }
  if (p.acc->more()) return;
  Pending done = std::move(p);
  pending_.erase(it);
  if (done.stats_cb) done.stats_cb(&*done.acc);
  const of::StatsReply& r = *done.acc;
  if (Runtime* rt = shard_->runtime(); rt && rt->forwarding(kForwardStatsReply))
    rt->forward_control(StatsReplyMsg{dpid_, xid, r});
  std::visit(
      [&](const auto& body) {
        using B = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<B, of::DescStatsReply>) {
          DescStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else if constexpr (std::is_same_v<B, of::FlowStatsReply>) {
          FlowStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else if constexpr (std::is_same_v<B, of::AggregateStatsReply>) {
          AggregateStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else if constexpr (std::is_same_v<B, of::TableStatsReply>) {
          TableStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else if constexpr (std::is_same_v<B, of::PortStatsReply>) {
          PortStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else if constexpr (std::is_same_v<B, of::QueueStatsReply>) {
          QueueStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        } else {
          VendorStatsIn ev{*this, dpid_, xid, body};
          shard_->bus().raise(ev);
        }
      },
      r.body);
}

void Connection::handle_up_message(std::span<const uint8_t> msg, const of::Header& h) {
  if (h.version != of::kVersion) {
    ++counters_.bad_messages;
    send_error(of::Ofperr::kBadRequestBadVersion, msg);
    return;
  }
  switch (h.type) {
    case of::MsgType::kPacketIn:
      handle_packet_in(msg);
      return;
    case of::MsgType::kEchoRequest: {
      uint8_t* out = reserve(msg.size());
      std::memcpy(out, msg.data(), msg.size());
      out[1] = static_cast<uint8_t>(of::MsgType::kEchoReply);
      return;
    }
    case of::MsgType::kEchoReply:
    case of::MsgType::kHello:
      return;  // liveness already noted on read
    case of::MsgType::kBarrierReply: {
      auto it = pending_.find(h.xid);
      if (it != pending_.end() && it->second.kind == Pending::Kind::kBarrier) {
        auto cb = std::move(it->second.barrier_cb);
        pending_.erase(it);
        if (cb) cb(true);
      }
      BarrierIn ev{*this, dpid_, h.xid};
      shard_->bus().raise(ev);
      if (Runtime* rt = shard_->runtime(); rt && rt->forwarding(kForwardBarrierIn))
        rt->forward_control(BarrierInMsg{dpid_, h.xid});
      return;
    }
    case of::MsgType::kStatsReply:
      handle_stats_reply(msg, h.xid);
      return;
    case of::MsgType::kFlowRemoved: {
      auto fr = of::decode_flow_removed(msg);
      if (!fr) break;
      if (Runtime* rt = shard_->runtime(); rt && rt->forwarding(kForwardFlowRemoved))
        rt->forward_control(FlowRemovedMsg{dpid_, h.xid, *fr});
      FlowRemoved ev{*this, dpid_, h.xid, std::move(*fr)};
      shard_->bus().raise(ev);
      return;
    }
    case of::MsgType::kPortStatus: {
      auto ps = of::decode_port_status(msg);
      if (!ps) break;
      // Keep the features' port list current.
      auto& ports = features_.ports;
      auto pit = std::find_if(ports.begin(), ports.end(),
                              [&](const of::PhyPort& p) { return p.port_no == ps->desc.port_no; });
      if (ps->reason == of::PortReason::kDelete) {
        if (pit != ports.end()) ports.erase(pit);
      } else if (pit != ports.end()) {
        *pit = ps->desc;
      } else {
        ports.push_back(ps->desc);
      }
      if (Runtime* rt = shard_->runtime()) rt->forward_control(PortChanged{dpid_, *ps});
      PortStatus ev{*this, dpid_, std::move(*ps)};
      shard_->bus().raise(ev);
      return;
    }
    case of::MsgType::kError: {
      auto em = of::decode_error(msg);
      if (!em) {
        ++counters_.bad_messages;
        return;  // never answer an ERROR with an ERROR
      }
      auto it = pending_.find(h.xid);
      if (it != pending_.end()) {
        Pending p = std::move(it->second);
        pending_.erase(it);
        if (p.kind == Pending::Kind::kBarrier && p.barrier_cb) p.barrier_cb(false);
        if (p.kind == Pending::Kind::kStats && p.stats_cb) p.stats_cb(nullptr);
      }
      if (Runtime* rt = shard_->runtime(); rt && rt->forwarding(kForwardErrorIn))
        rt->forward_control(ErrorInMsg{dpid_, h.xid, *em});
      ErrorIn ev{*this, dpid_, h.xid, std::move(*em)};
      shard_->bus().raise(ev);
      return;
    }
    case of::MsgType::kFeaturesReply: {
      auto fr = of::decode_features_reply(msg);
      if (fr) features_ = std::move(*fr);
      return;
    }
    case of::MsgType::kGetConfigReply:
    case of::MsgType::kQueueGetConfigReply:
    case of::MsgType::kVendor:
      return;
    default:
      // A switch-bound message type sent to the controller.
      ++counters_.bad_messages;
      send_error(of::Ofperr::kBadRequestBadType, msg);
      return;
  }
  ++counters_.bad_messages;
  send_error(of::Ofperr::kBadRequestBadLen, msg);
}

void Connection::on_tick(Clock::time_point now) {
  if (state_ == State::kClosed) return;
  const auto& cfg = shard_->config();
  if (state_ != State::kUp && now - created_ > cfg.handshake_timeout) {
    close("handshake timeout");
    return;
  }
  // While the whole shard stopped reading (backpressure), a switch that
  // would be read otherwise is not judged idle: its echo replies wait unread.
  if (reading_ && shard_->reads_paused()) last_rx_ = now;
  const auto idle = now - last_rx_;
  if (idle > cfg.echo_timeout) {
    close("inactivity probe: no reply to ECHO_REQUEST");
    return;
  }
  if (idle > cfg.echo_interval && !echo_sent_ && state_ == State::kUp) {
    send(of::EchoRequest{});
    echo_sent_ = now;
  }
  if (!pending_.empty()) {
    std::vector<uint32_t> expired;
    for (auto& [xid, p] : pending_)
      if (p.deadline <= now && (p.barrier_cb || p.stats_cb)) expired.push_back(xid);
    for (uint32_t xid : expired) {
      auto it = pending_.find(xid);
      if (it == pending_.end()) continue;
      Pending p = std::move(it->second);
      pending_.erase(it);
      if (p.kind == Pending::Kind::kBarrier && p.barrier_cb) p.barrier_cb(false);
      if (p.kind == Pending::Kind::kStats && p.stats_cb) p.stats_cb(nullptr);
    }
    // Unsolicited partial replies nobody waits for also expire.
    std::erase_if(pending_, [&](const auto& kv) { return kv.second.deadline <= now; });
  }
}

}  // namespace ofkit::ctl
