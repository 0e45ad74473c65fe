// The Datapath implementation: wires ports, workers, the authoritative flow
// table, the control thread's own executor (packet_out, buffered packets)
// and the OF1.0 packet buffers together. See datapath.h for the contract.

#include "datapath/datapath.h"

#include <time.h>

#include <algorithm>
#include <deque>
#include <thread>

#include <fmt/format.h>

#include "datapath/action_exec.h"
#include "datapath/classifier.h"
#include "datapath/flow_table.h"
#include "datapath/packet_buffer.h"
#include "datapath/port.h"
#include "datapath/worker.h"
#include "oflib/packet/flow_extract.h"
#include "oflib/text/flow_syntax.h"

namespace ofkit::dp {

uint64_t SystemClock::now_ns() const {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec);
}

namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;
constexpr uint64_t kAllOnes = ~uint64_t{0};

struct ControlPacketIn {
  std::vector<uint8_t> data;
  uint16_t in_port = 0;
  of::PacketInReason reason = of::PacketInReason::kNoMatch;
  uint16_t max_len = 0;
};

uint32_t supported_actions() {
  uint32_t a = 0;
  for (int t = 0; t <= static_cast<int>(of::ActionType::kEnqueue); ++t) a |= 1u << t;
  return a;
}

class DatapathImpl final : public Datapath, public PacketInSink {
 public:
  DatapathImpl(const DatapathConfig& cfg, std::vector<std::unique_ptr<Port>> ports,
               std::unique_ptr<Port> local_port);
  ~DatapathImpl() override { stop(); }

  void start() override;
  void stop() override;
  void run_once() override;
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }
  Port* port(uint16_t port_no) const override {
    return (port_no >= 1 && port_no <= ports_.size()) ? ports_[port_no - 1].get() : nullptr;
  }
  uint16_t port_count() const override { return static_cast<uint16_t>(ports_.size()); }
  Port* local_port() const override { return local_port_.get(); }

  Features features() const override;
  SwitchConfig get_config() const override { return config_; }
  void set_config(const SwitchConfig& config) override;
  of::Result<void> flow_mod(const FlowModRequest& request) override;
  of::Result<void> packet_out(const PacketOutRequest& request) override;
  of::Result<void> port_mod(const PortModRequest& request) override;
  DescStats desc_stats() const override;
  std::vector<FlowStatsEntry> flow_stats(const FlowStatsRequest& request) const override;
  AggregateStats aggregate_stats(const FlowStatsRequest& request) const override;
  std::vector<TableStatsEntry> table_stats() const override;
  std::vector<PortStatsEntry> port_stats(uint16_t port_no) const override;
  of::Result<std::vector<QueueStatsEntry>> queue_stats(uint16_t port_no, uint32_t queue_id) const override;
  uint64_t barrier_epoch() const override { return epoch_; }
  bool epoch_reached(uint64_t epoch) const override;
  size_t poll_control(size_t budget) override;
  void set_packet_in_wakeup(std::function<void()> wake) override { wake_ = std::move(wake); }
  void expire_flows() override;
  bool inputs_exhausted() const override;
  size_t emergency_flow_count() const override { return table_.emergency_size(); }
  size_t enter_emergency_mode() override;
  DatapathCounters counters() const override;
  std::string counters_text() const override;
  std::string dump_flows_text() const override;

 private:
  void packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) override;
  void emit(Event&& ev) {
    if (handler_) handler_(std::move(ev));
  }
  uint64_t now() const { return clock_->now_ns(); }
  FlowCounts read_counts(uint32_t id) const;
  void commit(std::vector<FlowChange>& changes);
  void broadcast(const WorkerMsg& msg);
  void flush_backlogs() const;
  void reclaim();
  void table_lookup(Packet* p);
  void run_buffered(const BufferedPacket& b, const FlowEntry& entry);
  void handle_packet_in(const uint8_t* data, uint16_t len, uint16_t total_len, uint16_t in_port,
                        of::PacketInReason reason, uint16_t max_len);
  PortInfo port_info(uint16_t port_no) const;
  bool selects_table(uint8_t table_id) const { return table_id == 0 || table_id == 0xff; }
  // OFPP_LOCAL's index in the per-port counter arrays (after the n physical ports).
  uint16_t local_index() const { return static_cast<uint16_t>(ports_.size() + 1); }
  const std::string& port_name(uint16_t port_no) const {
    return port_no == of::port::kLocal ? cfg_.local_port_name : ports_[port_no - 1]->name();
  }

  DatapathConfig cfg_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::unique_ptr<Port> local_port_;  // OFPP_LOCAL, or null
  uint32_t local_config_ = 0;
  std::vector<uint32_t> port_config_;
  std::vector<bool> link_up_;
  FlowTable table_;
  std::vector<std::unique_ptr<Worker>> workers_;
  mutable std::vector<std::deque<WorkerMsg>> backlog_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::function<void()> wake_;                       // set before start(); read by workers
  alignas(64) std::atomic<bool> agent_idle_{false};  // see poll_control
  bool running_ = false;

  // The control thread's own datapath (packet_out, buffered packets).
  Classifier ctl_cls_;
  PacketPool ctl_pool_{256};
  ThreadCounters ctl_counters_;
  std::unique_ptr<PortCounters[]> ctl_port_counters_;
  std::unique_ptr<FlowCounter[]> ctl_flow_counters_;
  std::unique_ptr<ActionExecutor> ctl_exec_;
  std::deque<ControlPacketIn> ctl_packet_ins_;

  PacketBufferPool buffers_;
  SwitchConfig config_;
  EventHandler handler_;
  uint64_t epoch_ = 0;
  uint64_t flow_mods_ = 0;
  uint64_t last_link_check_ns_ = 0;
};

DatapathImpl::DatapathImpl(const DatapathConfig& cfg, std::vector<std::unique_ptr<Port>> ports,
                           std::unique_ptr<Port> local_port)
    : cfg_(cfg),
      clock_(cfg.clock ? cfg.clock : &system_clock_),
      ports_(std::move(ports)),
      local_port_(std::move(local_port)),
      port_config_(ports_.size(), 0),
      link_up_(ports_.size(), true),
      table_(cfg.flow_capacity, cfg.emergency_capacity, static_cast<uint16_t>(ports_.size())),
      buffers_(cfg.buffer_count, cfg.buffer_timeout_ns) {
  std::vector<Port*> raw;
  for (auto& p : ports_) raw.push_back(p.get());
  for (size_t i = 0; i < ports_.size(); ++i) link_up_[i] = ports_[i]->link_up();
  const unsigned n_workers = std::max(1u, cfg.workers);
  for (unsigned w = 0; w < n_workers; ++w) {
    WorkerSetup s;
    s.index = w;
    s.ports = raw;
    s.flow_slots = table_.slot_count();
    s.clock = clock_;
    s.miss_rate_pps = cfg.miss_rate_pps;
    s.miss_burst = cfg.miss_burst;
    s.packet_in_ring = cfg.packet_in_ring;
    s.agent_idle = &agent_idle_;
    s.wake = &wake_;
    s.local_port = local_port_.get();
    workers_.push_back(std::make_unique<Worker>(s));
  }
  backlog_.resize(n_workers);
  // RX queues round-robin over workers.
  size_t next = 0;
  for (size_t i = 0; i < ports_.size(); ++i) {
    for (uint16_t q = 0; q < ports_[i]->rx_queue_count(); ++q) {
      workers_[next++ % n_workers]->add_rx_queue(
          RxQueueRef{ports_[i].get(), static_cast<uint16_t>(i + 1), q});
    }
  }
  ctl_port_counters_ = std::make_unique<PortCounters[]>(ports_.size() + 2);
  ctl_flow_counters_ = std::make_unique<FlowCounter[]>(table_.slot_count());
  ctl_exec_ =
      std::make_unique<ActionExecutor>(raw, static_cast<uint16_t>(n_workers), &ctl_pool_, &ctl_counters_,
                                       ctl_port_counters_.get(), this, local_port_.get());
  ctl_exec_->set_table_hook([this](Packet* p) { table_lookup(p); });
  if (cfg_.datapath_id == 0) {
    cfg_.datapath_id = ports_.empty() ? 1 : ports_[0]->mac().to_u64();
  }
}

void DatapathImpl::start() {
  if (running_) return;
  running_ = true;
  stop_ = false;
  for (auto& w : workers_) {
    Worker* wp = w.get();
    threads_.emplace_back([this, wp] { wp->run(stop_); });
  }
}

void DatapathImpl::stop() {
  if (running_) {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
    running_ = false;
  }
  ctl_exec_->flush();
  for (auto& p : ports_) p->flush();
  if (local_port_) local_port_->flush();
}

void DatapathImpl::run_once() {
  if (running_) return;
  flush_backlogs();
  for (auto& w : workers_) w->poll_once();
  reclaim();
}

// ---- flow table -------------------------------------------------------------

FlowCounts DatapathImpl::read_counts(uint32_t id) const {
  FlowCounts c;
  auto add = [&](const FlowCounter& f) {
    c.packets += f.packets.get();
    c.bytes += f.bytes.get();
    c.last_used_ns = std::max(c.last_used_ns, f.used_ns.get());
  };
  for (const auto& w : workers_) add(w->flow_counter(id));
  add(ctl_flow_counters_[id]);
  return c;
}

void DatapathImpl::broadcast(const WorkerMsg& msg) {
  for (size_t w = 0; w < workers_.size(); ++w) {
    if (backlog_[w].empty()) {
      if (WorkerMsg* slot = workers_[w]->changes().claim()) {
        *slot = msg;
        workers_[w]->changes().publish();
        continue;
      }
    }
    backlog_[w].push_back(msg);
  }
}

void DatapathImpl::flush_backlogs() const {
  for (size_t w = 0; w < workers_.size(); ++w) {
    auto& q = backlog_[w];
    while (!q.empty()) {
      WorkerMsg* slot = workers_[w]->changes().claim();
      if (!slot) break;
      *slot = std::move(q.front());
      workers_[w]->changes().publish();
      q.pop_front();
    }
  }
}

void DatapathImpl::commit(std::vector<FlowChange>& changes) {
  if (changes.empty()) return;
  ++epoch_;
  for (FlowChange& c : changes) {
    switch (c.kind) {
      case FlowChange::Kind::kAdd:
        ctl_cls_.insert(c.key, c.mask, c.priority, c.flow_id, c.actions);
        break;
      case FlowChange::Kind::kRemove:
        ctl_cls_.remove(c.flow_id);
        break;
      case FlowChange::Kind::kModify:
        ctl_cls_.set_actions(c.flow_id, c.actions);
        break;
    }
    WorkerMsg m;
    m.kind = WorkerMsg::Kind::kFlow;
    m.flow = std::move(c);
    m.epoch = epoch_;
    broadcast(m);
  }
  changes.clear();
}

void DatapathImpl::reclaim() {
  uint64_t reached = epoch_;
  for (const auto& w : workers_) reached = std::min(reached, w->epoch_reached());
  table_.reclaim(reached, [this](uint32_t id) {
    auto zero = [](FlowCounter& f) {
      f.packets.set(0);
      f.bytes.set(0);
      f.used_ns.set(0);
    };
    for (auto& w : workers_) zero(w->flow_counter_for_reset(id));
    zero(ctl_flow_counters_[id]);
  });
}

bool DatapathImpl::epoch_reached(uint64_t epoch) const {
  if (epoch == 0) return true;
  flush_backlogs();
  for (const auto& w : workers_) {
    if (w->epoch_reached() < epoch) return false;
  }
  return true;
}

of::Result<void> DatapathImpl::flow_mod(const FlowModRequest& fm) {
  ++flow_mods_;
  flush_backlogs();
  std::vector<FlowChange> changes;
  std::vector<FlowRemovedEvent> removed;
  const FlowEntry* applied = nullptr;
  const uint64_t t = now();
  auto counts = [this](uint32_t id) { return read_counts(id); };
  auto r = table_.apply(fm, t, epoch_ + 1, counts, &changes, &removed, &applied);
  if (!r) return r;
  // Run the buffered packet through the new/modified entry before the table
  // changes again (the entry pointer is valid until then).
  std::optional<of::Ofperr> buffer_error;
  if (fm.buffer_id != of::kNoBuffer) {
    auto b = buffers_.take(fm.buffer_id, t);
    if (!b) {
      buffer_error = of::Ofperr::kBadRequestBufferUnknown;
    } else if (applied) {
      run_buffered(*b, *applied);
    }
  }
  commit(changes);
  for (auto& ev : removed) emit(std::move(ev));
  reclaim();
  if (buffer_error) return of::fail(*buffer_error);
  return {};
}

void DatapathImpl::run_buffered(const BufferedPacket& b, const FlowEntry& entry) {
  Packet* p = ctl_pool_.alloc();
  if (!p) return;
  p->assign(b.data.data(), b.data.size());
  p->in_port = b.in_port;
  FlowCounter& fc = ctl_flow_counters_[entry.id];
  fc.packets.inc();
  fc.bytes.add(p->len);
  fc.used_ns.set(now());
  ctl_exec_->execute(p, *entry.program);
  ctl_exec_->flush();
}

void DatapathImpl::table_lookup(Packet* p) {
  FlowKey key;
  if (extract_flow_key(p->data, p->len, p->in_port, &key) == KeyStatus::kMalformed) {
    ctl_counters_.drops_malformed.inc();
    free_packet(p);
    return;
  }
  const Rule* r = ctl_cls_.lookup(key);
  if (!r) {
    ctl_counters_.table_misses.inc();
    packet_in(*p, of::PacketInReason::kNoMatch, 0);
    free_packet(p);
    return;
  }
  ctl_counters_.classifier_hits.inc();
  FlowCounter& fc = ctl_flow_counters_[r->flow_id];
  fc.packets.inc();
  fc.bytes.add(p->len);
  fc.used_ns.set(now());
  ctl_exec_->execute(p, *r->actions);
}

size_t DatapathImpl::enter_emergency_mode() {
  flush_backlogs();
  std::vector<FlowChange> changes;
  std::vector<FlowRemovedEvent> removed;
  const size_t n = table_.enter_emergency(
      now(), epoch_ + 1, [this](uint32_t id) { return read_counts(id); }, &changes, &removed);
  commit(changes);
  reclaim();
  return n;
}

void DatapathImpl::expire_flows() {
  flush_backlogs();
  std::vector<FlowChange> changes;
  std::vector<FlowRemovedEvent> removed;
  const uint64_t t = now();
  table_.expire(
      t, epoch_ + 1, [this](uint32_t id) { return read_counts(id); }, &changes, &removed);
  commit(changes);
  for (auto& ev : removed) emit(std::move(ev));
  buffers_.expire(t);
  reclaim();
}

// ---- packets ----------------------------------------------------------------

of::Result<void> DatapathImpl::packet_out(const PacketOutRequest& req) {
  auto prog = compile_actions(req.actions, static_cast<uint16_t>(ports_.size()), /*allow_table=*/true);
  if (!prog) return of::fail(prog.error());
  Packet* p = ctl_pool_.alloc();
  if (!p) return of::fail(of::Ofperr::kBadRequestBufferEmpty);
  if (req.buffer_id != of::kNoBuffer) {
    auto b = buffers_.take(req.buffer_id, now());
    if (!b) {
      free_packet(p);
      return of::fail(of::Ofperr::kBadRequestBufferUnknown);
    }
    p->assign(b->data.data(), b->data.size());
  } else {
    if (req.data.size() > kMaxRxFrame) {  // never sent truncated
      free_packet(p);
      return of::fail(of::Ofperr::kBadRequestBadLen);
    }
    p->assign(req.data.data(), req.data.size());
  }
  p->in_port = req.in_port;
  ctl_exec_->execute(p, **prog);
  ctl_exec_->flush();
  return {};
}

void DatapathImpl::packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) {
  // From the control thread's executor (packet_out to CONTROLLER, TABLE miss):
  // queued and handed out by poll_control, never re-entering the agent.
  if (port_config_.size() >= pkt.in_port && pkt.in_port >= 1 &&
      (port_config_[pkt.in_port - 1] & of::port_config::kNoPacketIn)) {
    return;
  }
  if (ctl_packet_ins_.size() >= cfg_.control_packet_in_queue) {  // bounded: the agent is not draining
    ctl_counters_.drops_ring_full.inc();
    return;
  }
  ControlPacketIn c;
  c.data.assign(pkt.data, pkt.data + pkt.len);
  c.in_port = pkt.in_port;
  c.reason = reason;
  c.max_len = max_len;
  ctl_packet_ins_.push_back(std::move(c));
  ctl_counters_.packet_ins_sent.inc();
}

void DatapathImpl::handle_packet_in(const uint8_t* data, uint16_t len, uint16_t total_len, uint16_t in_port,
                                    of::PacketInReason reason, uint16_t max_len) {
  PacketInEvent ev;
  ev.in_port = in_port;
  ev.reason = reason;
  ev.total_len = total_len;
  ev.buffer_id = len == total_len ? buffers_.store({data, len}, in_port, now()) : of::kNoBuffer;
  size_t send = reason == of::PacketInReason::kAction ? max_len : config_.miss_send_len;
  if (ev.buffer_id == of::kNoBuffer) send = len;  // unbuffered: the controller needs it all
  send = std::min<size_t>(send, len);
  ev.data.assign(data, data + send);
  emit(std::move(ev));
}

size_t DatapathImpl::poll_control(size_t budget) {
  flush_backlogs();
  size_t n = 0;
  while (n < budget && !ctl_packet_ins_.empty()) {
    ControlPacketIn c = std::move(ctl_packet_ins_.front());
    ctl_packet_ins_.pop_front();
    handle_packet_in(c.data.data(), static_cast<uint16_t>(c.data.size()),
                     static_cast<uint16_t>(c.data.size()), c.in_port, c.reason, c.max_len);
    ++n;
  }
  for (;;) {
    bool more = true;
    while (n < budget && more) {
      more = false;
      for (auto& w : workers_) {
        if (n >= budget) break;
        PacketInMsg* m = w->packet_ins().front();
        if (!m) continue;
        handle_packet_in(m->data, m->len, m->total_len, m->in_port, m->reason, m->max_len);
        w->packet_ins().pop();
        ++n;
        more = true;
      }
    }
    if (n >= budget) break;  // not idle: the caller comes back for the rest
    // Every ring was empty: tell the workers to wake us (Worker::wake_agent),
    // then look once more, as a PacketIn published before the flag was
    // visible drew no wake-up.
    agent_idle_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool any = false;
    for (auto& w : workers_) any = any || w->packet_ins().front() != nullptr;
    if (!any) break;
    agent_idle_.store(false, std::memory_order_relaxed);
  }
  // Link changes, at most once a second.
  const uint64_t t = now();
  if (t >= last_link_check_ns_ + kNsPerSec) {
    last_link_check_ns_ = t;
    for (size_t i = 0; i < ports_.size(); ++i) {
      const bool up = ports_[i]->link_up();
      if (up == link_up_[i]) continue;
      link_up_[i] = up;
      PortStatusEvent ev;
      ev.reason = of::PortReason::kModify;
      ev.desc = port_info(static_cast<uint16_t>(i + 1));
      emit(std::move(ev));
      ++n;
    }
  }
  reclaim();
  return n;
}

bool DatapathImpl::inputs_exhausted() const {
  if (ports_.empty()) return false;
  for (const auto& p : ports_) {
    if (!p->has_finite_input() || !p->input_exhausted()) return false;
  }
  for (const auto& w : workers_) {
    if (!w->drained() || !w->packet_ins().empty()) return false;
  }
  return ctl_packet_ins_.empty();
}

// ---- ports, config ----------------------------------------------------------

PortInfo DatapathImpl::port_info(uint16_t port_no) const {
  PortInfo info;
  if (port_no == of::port::kLocal) {
    info.port_no = port_no;
    info.hw_addr = local_port_->mac();
    info.name = cfg_.local_port_name.substr(0, of::kMaxPortNameLen - 1);
    info.config = local_config_;
    info.state = 0;
    return info;  // no speed or media features: a virtual port
  }
  const Port& p = *ports_[port_no - 1];
  info.port_no = port_no;
  info.hw_addr = p.mac();
  info.name = p.name().substr(0, of::kMaxPortNameLen - 1);
  info.config = port_config_[port_no - 1];
  info.state = link_up_[port_no - 1] ? 0 : of::port_state::kLinkDown;
  info.curr =
      p.curr_features() ? p.curr_features() : (of::port_features::k10GbFd | of::port_features::kCopper);
  info.supported = info.curr;
  return info;
}

Features DatapathImpl::features() const {
  Features f;
  f.datapath_id = cfg_.datapath_id;
  f.n_buffers = buffers_.count();
  f.n_tables = 1;
  f.capabilities = of::capability::kFlowStats | of::capability::kTableStats | of::capability::kPortStats |
                   of::capability::kQueueStats | of::capability::kArpMatchIp;
  f.actions = supported_actions();
  for (uint16_t i = 1; i <= ports_.size(); ++i) f.ports.push_back(port_info(i));
  if (local_port_) f.ports.push_back(port_info(of::port::kLocal));
  return f;
}

void DatapathImpl::set_config(const SwitchConfig& config) {
  config_ = config;
  config_.flags &= of::config_flags::kFragMask;
  ++epoch_;
  WorkerMsg m;
  m.kind = WorkerMsg::Kind::kSwitchConfig;
  m.value = config_.flags;
  m.epoch = epoch_;
  broadcast(m);
}

of::Result<void> DatapathImpl::port_mod(const PortModRequest& req) {
  const bool local = req.port_no == of::port::kLocal && local_port_;
  if (!local && (req.port_no < 1 || req.port_no > ports_.size())) {
    return of::fail(of::Ofperr::kPortModFailedBadPort);
  }
  const Port& port = local ? *local_port_ : *ports_[req.port_no - 1];
  if (!(req.hw_addr == port.mac())) return of::fail(of::Ofperr::kPortModFailedBadHwAddr);
  uint32_t& cfg = local ? local_config_ : port_config_[req.port_no - 1];
  const uint32_t mask = req.mask & of::port_config::kAll;
  const uint32_t next = (cfg & ~mask) | (req.config & mask);
  if (next == cfg) return {};
  cfg = next;
  ctl_exec_->set_port_config(req.port_no, cfg);
  ++epoch_;
  WorkerMsg m;
  m.kind = WorkerMsg::Kind::kPortConfig;
  m.port_no = req.port_no;
  m.value = cfg;
  m.epoch = epoch_;
  broadcast(m);
  PortStatusEvent ev;
  ev.reason = of::PortReason::kModify;
  ev.desc = port_info(req.port_no);
  emit(std::move(ev));
  return {};
}

// ---- stats ------------------------------------------------------------------

DescStats DatapathImpl::desc_stats() const {
  return DescStats{cfg_.mfr_desc, cfg_.hw_desc, cfg_.sw_desc, cfg_.serial_num, cfg_.dp_desc};
}

std::vector<FlowStatsEntry> DatapathImpl::flow_stats(const FlowStatsRequest& req) const {
  std::vector<FlowStatsEntry> out;
  if (!selects_table(req.table_id)) return out;
  const uint64_t t = now();
  for (const FlowEntry* e : table_.select(req.match, req.out_port)) {
    FlowStatsEntry s;
    s.table_id = 0;
    s.match = e->match;
    const uint64_t d = t > e->created_ns ? t - e->created_ns : 0;
    s.duration_sec = static_cast<uint32_t>(d / kNsPerSec);
    s.duration_nsec = static_cast<uint32_t>(d % kNsPerSec);
    s.priority = e->priority;
    s.idle_timeout = e->idle_timeout;
    s.hard_timeout = e->hard_timeout;
    s.cookie = e->cookie;
    const FlowCounts c = read_counts(e->id);
    s.packet_count = c.packets;
    s.byte_count = c.bytes;
    s.actions = e->actions;
    out.push_back(std::move(s));
  }
  return out;
}

AggregateStats DatapathImpl::aggregate_stats(const FlowStatsRequest& req) const {
  AggregateStats a;
  if (!selects_table(req.table_id)) return a;
  for (const FlowEntry* e : table_.select(req.match, req.out_port)) {
    const FlowCounts c = read_counts(e->id);
    a.packet_count += c.packets;
    a.byte_count += c.bytes;
    ++a.flow_count;
  }
  return a;
}

std::vector<TableStatsEntry> DatapathImpl::table_stats() const {
  const DatapathCounters c = counters();
  TableStatsEntry t;
  t.table_id = 0;
  t.name = "classifier";
  t.wildcards = of::wildcards::kAll;
  t.max_entries = static_cast<uint32_t>(table_.capacity());
  t.active_count = static_cast<uint32_t>(table_.size());
  t.matched_count = c.emc_hits + c.classifier_hits;
  t.lookup_count = t.matched_count + c.table_misses;
  return {t};
}

std::vector<PortStatsEntry> DatapathImpl::port_stats(uint16_t port_no) const {
  std::vector<PortStatsEntry> out;
  const uint16_t last = static_cast<uint16_t>(ports_.size() + (local_port_ ? 1 : 0));
  for (uint16_t p = 1; p <= last; ++p) {
    const bool is_local = p == local_index();
    const uint16_t number = is_local ? of::port::kLocal : p;  // p: index in the counter arrays
    if (port_no != of::port::kNone && port_no != number) continue;
    PortStatsEntry s;
    s.port_no = number;
    auto add = [&](const PortCounters& pc) {
      s.rx_packets += pc.rx_packets.get();
      s.rx_bytes += pc.rx_bytes.get();
      s.tx_packets += pc.tx_packets.get();
      s.tx_bytes += pc.tx_bytes.get();
      s.rx_dropped += pc.rx_dropped.get();
      s.tx_dropped += pc.tx_dropped.get();
      s.rx_errors += pc.rx_errors.get();
    };
    for (const auto& w : workers_) add(w->port_counters(p));
    add(ctl_port_counters_[p]);
    if (!is_local) {
      const uint64_t oversize = ports_[p - 1]->rx_oversize();
      s.rx_errors += oversize;
      s.rx_dropped += oversize;
    }
    s.rx_frame_err = s.rx_over_err = s.rx_crc_err = s.collisions = kAllOnes;  // not available
    out.push_back(s);
  }
  return out;
}

of::Result<std::vector<QueueStatsEntry>> DatapathImpl::queue_stats(uint16_t port_no,
                                                                   uint32_t queue_id) const {
  if (port_no != of::port::kAll && (port_no < 1 || port_no > ports_.size()) &&
      !(port_no == of::port::kLocal && local_port_)) {
    return of::fail(of::Ofperr::kQueueOpFailedBadPort);
  }
  if (queue_id != of::kAllQueues && queue_id != 0) return of::fail(of::Ofperr::kQueueOpFailedBadQueue);
  std::vector<QueueStatsEntry> out;
  for (const PortStatsEntry& p : port_stats(port_no == of::port::kAll ? of::port::kNone : port_no)) {
    QueueStatsEntry q;
    q.port_no = p.port_no;
    q.queue_id = 0;
    q.tx_packets = p.tx_packets;
    q.tx_bytes = p.tx_bytes;
    q.tx_errors = p.tx_dropped;
    out.push_back(q);
  }
  return out;
}

DatapathCounters DatapathImpl::counters() const {
  DatapathCounters c;
  auto add = [&](const ThreadCounters& t) {
    c.rx_packets += t.rx_packets.get();
    c.tx_packets += t.tx_packets.get();
    c.drops_malformed += t.drops_malformed.get();
    c.drops_no_action += t.drops_no_action.get();
    c.drops_port_config += t.drops_port_config.get();
    c.drops_tx += t.drops_tx.get() + t.drops_no_buffer.get();
    c.drops_ring_full += t.drops_ring_full.get();
    c.drops_frag += t.drops_frag.get();
    c.table_misses += t.table_misses.get();
    c.packet_ins_sent += t.packet_ins_sent.get();
    c.packet_ins_rate_limited += t.packet_ins_rate_limited.get();
    c.emc_hits += t.emc_hits.get();
    c.classifier_hits += t.classifier_hits.get();
  };
  for (const auto& w : workers_) add(w->counters());
  add(ctl_counters_);
  for (const auto& p : ports_) c.drops_oversize += p->rx_oversize();
  c.flow_mods = flow_mods_;
  c.flows = table_.size();
  return c;
}

std::string DatapathImpl::counters_text() const {
  std::string s;
  auto line = [&](const std::string& who, const ThreadCounters& t) {
    const uint64_t hits = t.emc_hits.get() + t.classifier_hits.get();
    const uint64_t lookups = hits + t.table_misses.get();
    s += fmt::format(
        "{}: rx={} tx={} drops: malformed={} no_action={} port_config={} tx={} ring_full={} no_buffer={} "
        "frag={} misses={} packet_ins={} rate_limited={} emc_hits={} classifier_hits={} "
        "cache_hit_rate={:.1f}%\n",
        who, t.rx_packets.get(), t.tx_packets.get(), t.drops_malformed.get(), t.drops_no_action.get(),
        t.drops_port_config.get(), t.drops_tx.get(), t.drops_ring_full.get(), t.drops_no_buffer.get(),
        t.drops_frag.get(), t.table_misses.get(), t.packet_ins_sent.get(), t.packet_ins_rate_limited.get(),
        t.emc_hits.get(), t.classifier_hits.get(),
        lookups ? 100.0 * double(t.emc_hits.get()) / double(lookups) : 0.0);
  };
  for (size_t i = 0; i < workers_.size(); ++i) line(fmt::format("worker {}", i), workers_[i]->counters());
  line("control", ctl_counters_);
  for (const PortStatsEntry& p : port_stats(of::port::kNone)) {
    s += fmt::format(
        "port {} ({}): rx={} rx_bytes={} tx={} tx_bytes={} rx_dropped={} tx_dropped={} rx_errors={}\n",
        p.port_no, port_name(p.port_no), p.rx_packets, p.rx_bytes, p.tx_packets, p.tx_bytes, p.rx_dropped,
        p.tx_dropped, p.rx_errors);
  }
  s += fmt::format("flows={} flow_mods={} buffers_in_use={}/{}\n", table_.size(), flow_mods_,
                   buffers_.in_use(), buffers_.count());
  return s;
}

std::string DatapathImpl::dump_flows_text() const {
  std::string s;
  const uint64_t t = now();
  for (const FlowEntry* e : table_.select(of::Match{}, of::port::kNone)) {
    const FlowCounts c = read_counts(e->id);
    const uint64_t d = t > e->created_ns ? t - e->created_ns : 0;
    s += fmt::format(" cookie={:#x}, duration={:.3f}s, table=0, n_packets={}, n_bytes={}, ", e->cookie,
                     double(d) / 1e9, c.packets, c.bytes);
    if (e->idle_timeout) s += fmt::format("idle_timeout={}, ", e->idle_timeout);
    if (e->hard_timeout) s += fmt::format("hard_timeout={}, ", e->hard_timeout);
    s += text::format_match(e->match, e->priority);
    s += " actions=" + text::format_actions(e->actions) + "\n";
  }
  return s;
}

}  // namespace

std::unique_ptr<Datapath> Datapath::create(const DatapathConfig& config, std::string* error) {
  if (config.workers == 0 || config.workers > 64) {
    *error = "workers must be between 1 and 64";
    return nullptr;
  }
  if (config.ports.size() >= of::port::kMax) {
    *error = "too many ports";
    return nullptr;
  }
  if (config.flow_capacity == 0) {
    *error = "flow capacity must be at least 1";
    return nullptr;
  }
  const size_t ring = config.packet_in_ring;
  if (ring < 2 || ring > 65536 || (ring & (ring - 1)) != 0) {
    *error = "packet_in_ring must be a power of two between 2 and 65536";
    return nullptr;
  }
  std::vector<std::unique_ptr<Port>> ports;
  const uint16_t tx_queues = static_cast<uint16_t>(config.workers + 1);
  for (size_t i = 0; i < config.ports.size(); ++i) {
    auto p = make_port(config.ports[i], static_cast<uint16_t>(i + 1), tx_queues, error);
    if (!p) return nullptr;
    ports.push_back(std::move(p));
  }
  std::unique_ptr<Port> local;
  if (!config.local_port.empty()) {
    local = make_port(config.local_port, 0, tx_queues, error);
    if (!local) {
      *error = "local port: " + *error;
      return nullptr;
    }
  }
  return std::make_unique<DatapathImpl>(config, std::move(ports), std::move(local));
}

}  // namespace ofkit::dp
