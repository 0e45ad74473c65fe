#include "datapath/agent.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "datapath/channel_socket.h"

namespace ofkit::dp {

namespace {
constexpr size_t kMaxStaged = 256 * 1024;  // bytes read ahead of the framer per connection
constexpr Duration kExpireInterval{100};
constexpr size_t kPollBudget = 256;
constexpr uint64_t kFailOpenCookie = 0x0fda11b0b0b0b0b0ull;  // marks the standalone fail-open flow

const char* role_name(Agent::Role r) { return r == Agent::Role::kController ? "controller" : "management"; }

FlowModRequest fail_open_flow(of::FlowModCommand cmd) {
  FlowModRequest r;
  r.match.wildcards = of::wildcards::kAll;
  r.command = cmd;
  r.priority = 0;
  r.cookie = kFailOpenCookie;
  r.actions.push_back(of::ActionOutput{of::port::kNormal, 0});
  r.out_port = of::port::kNone;
  return r;
}
}  // namespace

struct Agent::Connection {
  int id = 0;
  Role role = Role::kManagement;
  std::unique_ptr<Channel> channel;
  of::Framer framer;
  Keepalive keepalive{Duration{0}};
  std::vector<uint8_t> staged;
  bool hello_received = false;
  bool features_answered = false;
  bool ready = false;                 // answered the echo sent after the first FEATURES_REPLY
  std::optional<uint32_t> ready_xid;  // that echo
  std::optional<uint32_t> sync_xid;   // begin_sync()'s echo
  std::optional<std::pair<uint32_t, uint64_t>> barrier;  // (xid, epoch) blocking further input
  bool closing = false;
  std::string close_reason;
  uint32_t interest = 0;
  int link = -1;  // index in links_ for controller channels
  of::XidCounter xids{0x10000};
  uint64_t rx_messages = 0, tx_messages = 0;
};

struct Agent::Link {
  Target target;
  enum class State { kWaiting, kConnecting, kConnected } state = State::kWaiting;
  Backoff backoff;
  TimePoint next_attempt{};
  TimePoint connect_deadline{};
  int connecting_fd = -1;
  int conn_id = -1;
  uint64_t attempts = 0;
  std::string last_error;
  explicit Link(Target t, Duration initial, Duration max) : target(std::move(t)), backoff(initial, max) {}
};

struct Agent::Listener {
  Target target;
  int fd = -1;
  uint16_t port = 0;
};

Agent::Agent(Datapath* dp, EventLoop* loop, AgentConfig config, NowFn now)
    : dp_(dp), loop_(loop), config_(std::move(config)), now_(std::move(now)) {
  dp_->set_event_handler([this](Event&& e) { on_dp_event(std::move(e)); });
  for (const Target& t : config_.controllers)
    links_.push_back(std::make_unique<Link>(t, config_.initial_backoff, config_.max_backoff));
}

Agent::~Agent() {
  dp_->set_event_handler(nullptr);
  while (!conns_.empty()) close_connection(conns_.begin()->first, "agent stopped");
  for (auto& l : links_) {
    if (l->connecting_fd >= 0) {
      loop_->remove(l->connecting_fd);
      close(l->connecting_fd);
    }
  }
  for (auto& l : listeners_) {
    loop_->remove(l->fd);
    close(l->fd);
    if (l->target.kind == Target::Kind::kPunix) unlink(l->target.path.c_str());
  }
}

bool Agent::start(std::string* error) {
  for (const Target& t : config_.listens) {
    const int fd = listen_on(t, error);
    if (fd < 0) return false;
    auto l = std::make_unique<Listener>();
    l->target = t;
    l->fd = fd;
    l->port = t.kind == Target::Kind::kPtcp ? local_port(fd) : 0;
    const size_t index = listeners_.size();
    listeners_.push_back(std::move(l));
    loop_->add(fd, EPOLLIN, [this, index](uint32_t) { on_accept(index); });
    spdlog::info("listening on {}", t.kind == Target::Kind::kPtcp
                                        ? "ptcp:" + std::to_string(listeners_.back()->port) +
                                              (t.host.empty() ? "" : ":" + t.host)
                                        : t.to_string());
  }
  const TimePoint now = now_();
  for (size_t i = 0; i < links_.size(); ++i)
    if (links_[i]->target.kind != Target::Kind::kLocal) attempt_connect(i, now);
  update_fail_mode();
  return true;
}

std::vector<uint16_t> Agent::listen_ports() const {
  std::vector<uint16_t> v;
  for (const auto& l : listeners_) v.push_back(l->port);
  return v;
}

int Agent::add_local_controller(std::unique_ptr<Channel> channel) {
  Target t;
  t.kind = Target::Kind::kLocal;
  links_.push_back(std::make_unique<Link>(t, config_.initial_backoff, config_.max_backoff));
  const int id = adopt(std::move(channel), Role::kController, false);
  links_.back()->state = Link::State::kConnected;
  links_.back()->conn_id = id;
  conns_[id]->link = static_cast<int>(links_.size() - 1);
  return id;
}

int Agent::adopt(std::unique_ptr<Channel> channel, Role role, bool keepalive) {
  auto c = std::make_unique<Connection>();
  c->id = next_conn_id_++;
  c->role = role;
  c->channel = std::move(channel);
  c->keepalive = Keepalive(keepalive ? config_.probe_interval : Duration{0});
  c->keepalive.start(now_());
  const int id = c->id;
  Connection& ref = *c;
  conns_[id] = std::move(c);
  if (ref.channel->fd() >= 0) {
    ref.interest = EPOLLIN;
    loop_->add(ref.channel->fd(), EPOLLIN, [this, id](uint32_t ev) { on_readable(id, ev); });
  }
  spdlog::info("{} connection {} from {}", role_name(role), id, ref.channel->name());
  send(ref, of::Hello{}, ref.xids.next());
  flush_output(ref);
  update_interest(ref);
  return id;
}

void Agent::on_readable(int conn_id, uint32_t events) {
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  if (events & EPOLLOUT) flush_output(c);
  // Readable, or writable again: service() also resumes requests that were
  // held back while the output was above the high-water mark.
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP) ||
      (!c.closing && !c.staged.empty() && c.channel->pending() < config_.output_high_water)) {
    service(conn_id);
    return;
  }
  if (c.closing)
    close_connection(conn_id, c.close_reason);
  else
    update_interest(c);
}

void Agent::service(int conn_id) {
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  if (!c.closing && c.staged.size() < kMaxStaged && !c.barrier &&
      c.channel->pending() < config_.output_high_water) {
    if (c.channel->receive(&c.staged) == IoStatus::kClosed) {
      c.closing = true;
      c.close_reason = c.channel->error();
    }
  }
  process(c);       // handles what arrived, even from a peer that then closed
  flush_output(c);  // every reply to this batch of requests in one write
  if (c.closing) {
    close_connection(conn_id, c.close_reason);
    return;
  }
  update_interest(c);
}

void Agent::process(Connection& c) {
  auto throttled = [&] { return c.channel->pending() >= config_.output_high_water; };
  for (;;) {
    while (!c.barrier && !c.framer.failed() && !throttled()) {
      auto m = c.framer.next();
      if (!m) break;
      handle(c, *m);
      if (c.closing && c.close_reason.rfind("protocol", 0) == 0) return;
    }
    if (c.framer.failed()) {
      // A length field below 8: answer with the error and hang up, as there
      // is no way to find the next message. (The bad header stays inside the
      // framer, so the reply carries no data and xid 0.)
      send_error(c, of::Ofperr::kBadRequestBadLen, {});
      c.closing = true;
      c.close_reason = "protocol error: message length below 8";
      return;
    }
    if (c.barrier || c.staged.empty() || throttled() || c.closing) return;
    const size_t taken = c.framer.feed(c.staged);
    if (taken == 0) return;
    c.staged.erase(c.staged.begin(), c.staged.begin() + static_cast<ptrdiff_t>(taken));
  }
}

void Agent::update_interest(Connection& c) {
  const int fd = c.channel->fd();
  if (fd < 0 || c.closing) return;
  uint32_t want = 0;
  if (!c.barrier && c.staged.size() < kMaxStaged && c.channel->pending() < config_.output_high_water)
    want |= EPOLLIN;
  if (c.channel->pending() > 0) want |= EPOLLOUT;
  if (want != c.interest) {
    loop_->modify(fd, want);
    c.interest = want;
  }
}

void Agent::send_raw(Connection& c, std::span<const uint8_t> bytes) {
  if (c.closing) return;
  ++c.tx_messages;
  ++counters_.messages_sent;
  if (c.channel->send(bytes) == IoStatus::kClosed) {
    c.closing = true;
    c.close_reason = c.channel->error();
    return;
  }
  if (c.channel->pending() > config_.max_output_bytes) {
    ++counters_.output_overflow_disconnects;
    c.closing = true;
    c.close_reason = "peer not reading: over " + std::to_string(config_.max_output_bytes) + " bytes unsent";
  }
}

void Agent::flush_output(Connection& c) {
  if (c.channel->pending() == 0) return;
  if (c.channel->flush() == IoStatus::kClosed && !c.closing) {
    c.closing = true;
    c.close_reason = c.channel->error();
  }
}

void Agent::send(Connection& c, const of::Message& m, uint32_t xid) {
  const size_t len = of::message_wire_len(m);
  if (len > of::kMaxMsgLen) {
    spdlog::warn("connection {}: dropping a {}-byte message (over 65535)", c.id, len);
    return;
  }
  scratch_.resize(len);
  const size_t n = of::encode_message_into(m, xid, scratch_);
  if (n == 0) return;
  send_raw(c, std::span<const uint8_t>(scratch_.data(), n));
}

void Agent::send_error(Connection& c, of::Ofperr err, std::span<const uint8_t> offending) {
  uint8_t buf[of::kMaxErrorReplyLen];
  const size_t n = of::encode_error_reply(err, offending, buf);
  ++counters_.errors_sent;
  spdlog::debug("connection {}: {}", c.id, of::ofperr_name(err));
  if (n) send_raw(c, std::span<const uint8_t>(buf, n));
}

void Agent::handle(Connection& c, std::span<const uint8_t> bytes) {
  ++c.rx_messages;
  ++counters_.messages_received;
  c.keepalive.on_receive(now_());
  const of::Header h = of::read_header(bytes.data());

  if (!c.hello_received && h.type != of::MsgType::kHello) {
    of::ErrorMsg e;
    e.type = of::ofperr_type(of::Ofperr::kHelloFailedIncompatible);
    e.code = of::ofperr_code(of::Ofperr::kHelloFailedIncompatible);
    const std::string text = "the first message must be HELLO";
    e.data.assign(text.begin(), text.end());
    send(c, e, h.xid);
    ++counters_.errors_sent;
    ++counters_.hello_failures;
    c.closing = true;
    c.close_reason =
        "protocol error: message type " + std::to_string(static_cast<int>(h.type)) + " before HELLO";
    return;
  }

  if (h.type == of::MsgType::kHello) {
    // Version negotiation: we speak only 0x01; any peer offering >= 0x01
    // negotiates 0x01 (our HELLO already says so).
    if (h.version < of::kVersion) {
      of::ErrorMsg e;
      e.type = of::ofperr_type(of::Ofperr::kHelloFailedIncompatible);
      e.code = of::ofperr_code(of::Ofperr::kHelloFailedIncompatible);
      const std::string text = "only OpenFlow 1.0 (0x01) is supported";
      e.data.assign(text.begin(), text.end());
      send(c, e, h.xid);
      ++counters_.errors_sent;
      ++counters_.hello_failures;
      c.closing = true;
      c.close_reason = "protocol error: incompatible version " + std::to_string(h.version);
      return;
    }
    if (!c.hello_received) {
      c.hello_received = true;
      if (c.role == Role::kController) {
        ++counters_.controller_connects;
        if (c.link >= 0) links_[static_cast<size_t>(c.link)]->backoff.reset();
        update_fail_mode();
      }
    }
    return;
  }

  auto decoded = of::decode(bytes);
  if (!decoded) {
    send_error(c, decoded.error(), bytes);
    return;
  }
  const uint32_t xid = decoded->header.xid;
  of::Message& msg = decoded->msg;
  switch (h.type) {
    case of::MsgType::kError: {
      const auto& e = std::get<of::ErrorMsg>(msg);
      spdlog::warn("connection {}: peer sent error type {} code {}", c.id, e.type, e.code);
      break;
    }
    case of::MsgType::kEchoRequest:
      send(c, of::EchoReply{std::move(std::get<of::EchoRequest>(msg).data)}, xid);
      break;
    case of::MsgType::kEchoReply:
      if (c.ready_xid && *c.ready_xid == xid) {
        c.ready_xid.reset();
        c.ready = true;
      }
      if (c.sync_xid && *c.sync_xid == xid) c.sync_xid.reset();
      break;
    case of::MsgType::kVendor:
      send_error(c, of::Ofperr::kBadRequestBadVendor, bytes);
      break;
    case of::MsgType::kFeaturesRequest: {
      const Features r = dp_->features();
      send(c, r, xid);
      if (c.role == Role::kController && !c.features_answered) {
        // The echo after the first FEATURES_REPLY tells when the controller
        // has handled the connection's start-up (see controllers_ready()).
        c.features_answered = true;
        c.ready_xid = c.xids.next();
        send(c, of::EchoRequest{}, *c.ready_xid);
      }
      break;
    }
    case of::MsgType::kGetConfigRequest: {
      const SwitchConfig sc = dp_->get_config();
      send(c, of::GetConfigReply{sc.flags, sc.miss_send_len}, xid);
      break;
    }
    case of::MsgType::kSetConfig: {
      const auto& s = std::get<of::SetConfig>(msg);
      dp_->set_config(
          SwitchConfig{static_cast<uint16_t>(s.flags & of::config_flags::kFragMask), s.miss_send_len});
      break;
    }
    case of::MsgType::kPacketOut: {
      const PacketOutRequest& r = std::get<of::PacketOut>(msg);
      if (auto res = dp_->packet_out(r); !res) send_error(c, res.error(), bytes);
      break;
    }
    case of::MsgType::kFlowMod: {
      const FlowModRequest& r = std::get<of::FlowMod>(msg);
      if (auto res = dp_->flow_mod(r); !res) send_error(c, res.error(), bytes);
      break;
    }
    case of::MsgType::kPortMod: {
      const PortModRequest& r = std::get<of::PortMod>(msg);
      if (auto res = dp_->port_mod(r); !res) send_error(c, res.error(), bytes);
      break;
    }
    case of::MsgType::kStatsRequest:
      handle_stats(c, xid, std::get<of::StatsRequest>(msg), bytes);
      break;
    case of::MsgType::kBarrierRequest: {
      const uint64_t epoch = dp_->barrier_epoch();
      if (dp_->epoch_reached(epoch))
        send(c, of::BarrierReply{}, xid);
      else
        c.barrier = std::make_pair(xid, epoch);  // check_barriers() answers and resumes
      break;
    }
    case of::MsgType::kQueueGetConfigRequest: {
      const auto& q = std::get<of::QueueGetConfigRequest>(msg);
      const Features f = dp_->features();
      const bool known =
          std::any_of(f.ports.begin(), f.ports.end(), [&](const PortInfo& p) { return p.port_no == q.port; });
      if (!known) {
        send_error(c, of::Ofperr::kQueueOpFailedBadPort, bytes);
        break;
      }
      // One queue (id 0, no properties) per port, matching queue_stats().
      of::QueueGetConfigReply r;
      r.port = q.port;
      r.queues.push_back(of::PacketQueue{0, {}});
      send(c, r, xid);
      break;
    }
    default:
      // Switch-to-controller messages (FEATURES_REPLY, PACKET_IN, ...) make
      // no sense sent to a switch.
      send_error(c, of::Ofperr::kBadRequestBadType, bytes);
      break;
  }
}

void Agent::handle_stats(Connection& c, uint32_t xid, const of::StatsRequest& req,
                         std::span<const uint8_t> bytes) {
  of::StatsReply reply;
  switch (req.type()) {
    case of::StatsType::kDesc:
      reply.body = of::DescStatsReply{dp_->desc_stats()};
      break;
    case of::StatsType::kFlow:
      reply.body = of::FlowStatsReply{dp_->flow_stats(std::get<of::FlowStatsRequest>(req.body))};
      break;
    case of::StatsType::kAggregate: {
      const auto& r = std::get<of::AggregateStatsRequest>(req.body);
      reply.body = dp_->aggregate_stats(FlowStatsRequest{r.match, r.table_id, r.out_port});
      break;
    }
    case of::StatsType::kTable:
      reply.body = of::TableStatsReply{dp_->table_stats()};
      break;
    case of::StatsType::kPort:
      reply.body = of::PortStatsReply{dp_->port_stats(std::get<of::PortStatsRequest>(req.body).port_no)};
      break;
    case of::StatsType::kQueue: {
      const auto& r = std::get<of::QueueStatsRequest>(req.body);
      auto q = dp_->queue_stats(r.port_no, r.queue_id);
      if (!q) {
        send_error(c, q.error(), bytes);
        return;
      }
      reply.body = of::QueueStatsReply{std::move(*q)};
      break;
    }
    default:  // OFPST_VENDOR: no vendor statistics are known
      send_error(c, of::Ofperr::kBadRequestBadVendor, bytes);
      return;
  }
  // Long replies (flow, table, port, queue) go out as several messages, all
  // but the last flagged OFPSF_REPLY_MORE.
  for (const of::StatsReply& part : of::split_stats_reply(reply)) send(c, part, xid);
}

void Agent::close_connection(int conn_id, const std::string& why) {
  auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  std::unique_ptr<Connection> c = std::move(it->second);
  conns_.erase(it);
  c->channel->flush();  // best effort: a final error reply
  if (c->channel->fd() >= 0) loop_->remove(c->channel->fd());
  spdlog::info("{} connection {} ({}) closed: {}", role_name(c->role), c->id, c->channel->name(), why);
  if (c->role == Role::kController && c->hello_received) ++counters_.controller_disconnects;
  if (c->link >= 0) link_lost(static_cast<size_t>(c->link), now_(), why);
  update_fail_mode();
}

// ---- asynchronous messages ---------------------------------------------------

void Agent::on_dp_event(Event&& e) {
  ++counters_.datapath_events;
  if (auto* pi = std::get_if<PacketInEvent>(&e)) {
    broadcast(std::move(*pi), true);
  } else if (auto* fr = std::get_if<FlowRemovedEvent>(&e)) {
    if (fr->cookie == kFailOpenCookie && fr->priority == 0) return;  // our own fail-open flow
    broadcast(std::move(*fr), false);
  } else if (auto* ps = std::get_if<PortStatusEvent>(&e)) {
    broadcast(std::move(*ps), false);
  }
}

void Agent::broadcast(const of::Message& m, bool is_packet_in) {
  bool any = false;
  for (auto& [id, c] : conns_) {
    if (c->role != Role::kController || !c->hello_received || c->closing) continue;
    any = true;
    if (is_packet_in && c->channel->pending() > config_.max_backlog_bytes) {
      ++counters_.packet_ins_dropped_backlog;
      continue;
    }
    send(*c, m, 0);
    if (is_packet_in) ++counters_.packet_ins_sent;
    update_interest(*c);
  }
  if (!any && is_packet_in) ++counters_.packet_ins_dropped_disconnected;
}

// ---- periodic work -----------------------------------------------------------

Duration Agent::tick() {
  const TimePoint now = now_();
  // PacketIns and port changes from the workers; bounded so sockets get a turn.
  bool backlog = true;  // PacketIns left in the rings after the rounds: no sleeping
  for (int rounds = 0; rounds < 16 && backlog; ++rounds)
    backlog = dp_->poll_control(kPollBudget) >= kPollBudget;
  if (now >= next_expire_) {
    dp_->expire_flows();
    next_expire_ = now + kExpireInterval;
  }
  check_barriers();
  check_keepalives(now);
  drive_links(now);
  // One write per connection for everything this tick queued (PacketIns,
  // barrier replies, echoes).
  for (auto& [id, c] : conns_) {
    flush_output(*c);
    // Requests held back while the output was over the high-water mark:
    // the socket may have nothing new to read, so resume them from here.
    if (!c->closing && !c->barrier && c->channel->pending() < config_.output_high_water) {
      process(*c);
      flush_output(*c);
    }
    update_interest(*c);
  }
  for (auto& [id, c] : conns_)
    if (c->closing) to_close_.push_back(id);
  for (int id : to_close_) {
    auto it = conns_.find(id);
    if (it != conns_.end()) close_connection(id, it->second->close_reason);
  }
  to_close_.clear();

  TimePoint next = next_expire_;
  for (auto& [id, c] : conns_) next = std::min(next, c->keepalive.deadline());
  for (auto& l : links_) {
    if (l->state == Link::State::kWaiting && l->target.kind != Target::Kind::kLocal)
      next = std::min(next, l->next_attempt);
    if (l->state == Link::State::kConnecting) next = std::min(next, l->connect_deadline);
  }
  const TimePoint after = now_();
  if (backlog) return Duration{0};
  return next <= after ? Duration{0} : std::chrono::duration_cast<Duration>(next - after);
}

void Agent::check_barriers() {
  std::vector<int> resumed;
  for (auto& [id, c] : conns_) {
    if (c->barrier && (!workers_running_ || dp_->epoch_reached(c->barrier->second))) {
      send(*c, of::BarrierReply{}, c->barrier->first);
      c->barrier.reset();
      resumed.push_back(id);
    }
  }
  // Handle what queued behind the barrier (possibly up to the next barrier).
  for (int id : resumed) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    process(*it->second);
    update_interest(*it->second);
  }
}

void Agent::check_keepalives(TimePoint now) {
  for (auto& [id, c] : conns_) {
    switch (c->keepalive.poll(now)) {
      case Keepalive::Action::kNone:
        break;
      case Keepalive::Action::kSendEcho:
        ++counters_.echo_probes_sent;
        send(*c, of::EchoRequest{}, c->xids.next());
        update_interest(*c);
        break;
      case Keepalive::Action::kDisconnect:
        ++counters_.inactivity_disconnects;
        c->closing = true;
        c->close_reason = "no response to echo (inactivity probe)";
        break;
    }
  }
}

bool Agent::controller_up() const {
  return std::any_of(conns_.begin(), conns_.end(), [](const auto& kv) {
    return kv.second->role == Role::kController && kv.second->hello_received && !kv.second->closing;
  });
}

bool Agent::controllers_ready() const {
  for (const auto& l : links_) {
    auto it = conns_.find(l->conn_id);
    if (l->state != Link::State::kConnected || it == conns_.end() || !it->second->ready) return false;
  }
  return true;
}

uint64_t Agent::connect_attempts() const {
  uint64_t n = 0;
  for (const auto& l : links_) n += l->attempts;
  return n;
}

void Agent::begin_sync() {
  for (auto& [id, c] : conns_) {
    if (c->role != Role::kController || !c->hello_received || c->closing) continue;
    c->sync_xid = c->xids.next();
    send(*c, of::EchoRequest{}, *c->sync_xid);
    update_interest(*c);
  }
}

bool Agent::sync_done() const {
  return std::none_of(conns_.begin(), conns_.end(),
                      [](const auto& kv) { return kv.second->sync_xid.has_value(); });
}

// ---- active channels ---------------------------------------------------------

void Agent::drive_links(TimePoint now) {
  for (size_t i = 0; i < links_.size(); ++i) {
    Link& l = *links_[i];
    if (l.target.kind == Target::Kind::kLocal) continue;
    if (l.state == Link::State::kWaiting && now >= l.next_attempt) {
      attempt_connect(i, now);
    } else if (l.state == Link::State::kConnecting && now >= l.connect_deadline) {
      loop_->remove(l.connecting_fd);
      close(l.connecting_fd);
      l.connecting_fd = -1;
      link_lost(i, now, "connection timed out");
    }
  }
}

void Agent::attempt_connect(size_t index, TimePoint now) {
  Link& l = *links_[index];
  ++l.attempts;
  std::string error;
  const int fd = start_connect(l.target, &error);
  if (fd < 0) {
    link_lost(index, now, error);
    return;
  }
  l.state = Link::State::kConnecting;
  l.connecting_fd = fd;
  l.connect_deadline = now + config_.connect_timeout;
  loop_->add(fd, EPOLLOUT, [this, index](uint32_t) { on_connect_ready(index); });
}

void Agent::on_connect_ready(size_t index) {
  Link& l = *links_[index];
  if (l.state != Link::State::kConnecting) return;
  const int fd = l.connecting_fd;
  loop_->remove(fd);
  l.connecting_fd = -1;
  if (const int err = finish_connect(fd); err != 0) {
    close(fd);
    link_lost(index, now_(), std::string("connect: ") + std::strerror(err));
    return;
  }
  l.state = Link::State::kConnected;
  const int id = adopt(std::make_unique<SocketChannel>(fd, l.target.to_string()), Role::kController, true);
  conns_[id]->link = static_cast<int>(index);
  l.conn_id = id;
}

void Agent::link_lost(size_t index, TimePoint now, const std::string& why) {
  Link& l = *links_[index];
  l.conn_id = -1;
  l.last_error = why;
  if (l.target.kind == Target::Kind::kLocal) {
    l.state = Link::State::kWaiting;  // the in-process controller does not come back
    return;
  }
  const Duration d = l.backoff.next();
  l.state = Link::State::kWaiting;
  l.next_attempt = now + d;
  spdlog::info("controller {}: {}; retrying in {} ms", l.target.to_string(), why, d.count());
}

void Agent::on_accept(size_t index) {
  Listener& l = *listeners_[index];
  for (int i = 0; i < 16; ++i) {
    std::string peer;
    const int fd = accept_nonblocking(l.fd, &peer);
    if (fd < 0) return;
    ++counters_.connections_accepted;
    adopt(std::make_unique<SocketChannel>(fd, peer), Role::kManagement, true);
  }
}

// ---- fail mode ---------------------------------------------------------------

void Agent::update_fail_mode() {
  const bool up = controller_up();
  if (!up && controller_was_up_ && dp_->emergency_flow_count() > 0) {
    const size_t n = dp_->enter_emergency_mode();
    ++counters_.emergency_entries;
    spdlog::warn("controller connection lost: emergency mode, {} emergency flows installed", n);
  }
  controller_was_up_ = up;
  if (config_.fail_mode != FailMode::kStandalone) return;
  if (!up && !fail_open_installed_) {
    if (dp_->flow_mod(fail_open_flow(of::FlowModCommand::kAdd))) {
      fail_open_installed_ = true;
      spdlog::info("fail-mode standalone: no controller, acting as a learning switch");
    }
  } else if (up && fail_open_installed_) {
    dp_->flow_mod(fail_open_flow(of::FlowModCommand::kDeleteStrict));
    fail_open_installed_ = false;
    spdlog::info("fail-mode standalone: controller up, learning switch off");
  }
}

// ---- observability -----------------------------------------------------------

std::string Agent::show_text() const {
  std::ostringstream o;
  const Features f = dp_->features();
  char dpid[32];
  std::snprintf(dpid, sizeof dpid, "%016llx", static_cast<unsigned long long>(f.datapath_id));
  o << "datapath_id: " << dpid << "\n";
  o << "n_tables: " << unsigned(f.n_tables) << ", n_buffers: " << f.n_buffers << "\n";
  o << "fail_mode: " << fail_mode_name(config_.fail_mode)
    << (fail_open_installed_ ? " (learning switch active)" : "") << "\n";
  o << "ports:\n";
  for (const PortInfo& p : f.ports) {
    o << "  " << p.port_no << "(" << p.name << "): addr:" << p.hw_addr.to_string() << " config:0x" << std::hex
      << p.config << " state:0x" << p.state << std::dec << "\n";
  }
  o << "controllers:\n";
  for (const auto& l : links_) {
    o << "  " << l->target.to_string() << ": ";
    switch (l->state) {
      case Link::State::kConnected:
        o << "connected";
        break;
      case Link::State::kConnecting:
        o << "connecting";
        break;
      case Link::State::kWaiting:
        o << "disconnected" << (l->last_error.empty() ? "" : " (" + l->last_error + ")");
        break;
    }
    o << "\n";
  }
  o << "listeners:\n";
  for (const auto& l : listeners_)
    o << "  "
      << (l->target.kind == Target::Kind::kPtcp ? "ptcp:" + std::to_string(l->port) : l->target.to_string())
      << "\n";
  o << "connections:\n";
  for (const auto& [id, c] : conns_)
    o << "  " << id << " " << role_name(c->role) << " " << c->channel->name() << " rx:" << c->rx_messages
      << " tx:" << c->tx_messages << "\n";
  return o.str();
}

std::string Agent::counters_text() const {
  std::ostringstream o;
  const AgentCounters& a = counters_;
  o << "agent: messages_rx " << a.messages_received << ", messages_tx " << a.messages_sent << ", errors_sent "
    << a.errors_sent << ", packet_ins_sent " << a.packet_ins_sent << ", packet_ins_dropped_disconnected "
    << a.packet_ins_dropped_disconnected << ", packet_ins_dropped_backlog " << a.packet_ins_dropped_backlog
    << ", accepted " << a.connections_accepted << ", controller_connects " << a.controller_connects
    << ", controller_disconnects " << a.controller_disconnects << ", echo_probes " << a.echo_probes_sent
    << ", inactivity_disconnects " << a.inactivity_disconnects << "\n";
  return o.str();
}

}  // namespace ofkit::dp
