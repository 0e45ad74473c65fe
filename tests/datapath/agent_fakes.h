#pragma once
// Test doubles for the agent: a Datapath that records the calls made to it
// and answers with canned values, and a Channel over in-memory buffers.

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "datapath/channel.h"
#include "datapath/datapath.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"

namespace ofkit::dp::testing {

class FakeDatapath final : public Datapath {
 public:
  FakeDatapath() {
    features_.datapath_id = 0x0000000000000abcull;
    features_.n_buffers = 256;
    features_.n_tables = 1;
    features_.capabilities =
        of::capability::kFlowStats | of::capability::kTableStats | of::capability::kPortStats;
    features_.actions = 0xfff;
    for (uint16_t p = 1; p <= 2; ++p) {
      PortInfo pi;
      pi.port_no = p;
      pi.name = "p" + std::to_string(p);
      pi.hw_addr = MacAddr::from_u64(0x020000000000ull + p);
      features_.ports.push_back(pi);
    }
  }

  size_t emergency_flow_count() const override { return emergency_flows; }
  size_t enter_emergency_mode() override {
    ++emergency_entered;
    return emergency_flows;
  }
  size_t emergency_flows = 0;
  int emergency_entered = 0;

  void start() override {}
  void stop() override {}
  void run_once() override {}
  Port* port(uint16_t) const override { return nullptr; }
  uint16_t port_count() const override { return 2; }
  void set_event_handler(EventHandler h) override { handler_ = std::move(h); }
  Features features() const override { return features_; }
  SwitchConfig get_config() const override { return config_; }
  void set_config(const SwitchConfig& c) override { config_ = c; }
  of::Result<void> flow_mod(const FlowModRequest& r) override {
    flow_mods.push_back(r);
    ++epoch_;
    if (flow_mod_error) return of::fail(*flow_mod_error);
    return {};
  }
  of::Result<void> packet_out(const PacketOutRequest& r) override {
    packet_outs.push_back(r);
    packet_out_data.emplace_back(r.data.begin(), r.data.end());
    if (packet_out_error) return of::fail(*packet_out_error);
    return {};
  }
  of::Result<void> port_mod(const PortModRequest& r) override {
    port_mods.push_back(r);
    ++epoch_;
    if (r.port_no != 1 && r.port_no != 2) return of::fail(of::Ofperr::kPortModFailedBadPort);
    return {};
  }
  DescStats desc_stats() const override { return {"mfr", "hw", "sw", "serial", "dp"}; }
  std::vector<FlowStatsEntry> flow_stats(const FlowStatsRequest&) const override { return flows; }
  AggregateStats aggregate_stats(const FlowStatsRequest&) const override { return {10, 1000, 2}; }
  std::vector<TableStatsEntry> table_stats() const override {
    return {TableStatsEntry{0, "classifier", of::wildcards::kAll, 65536, 2, 100, 90}};
  }
  std::vector<PortStatsEntry> port_stats(uint16_t port_no) const override {
    std::vector<PortStatsEntry> v;
    for (uint16_t p = 1; p <= 2; ++p)
      if (port_no == of::port::kNone || port_no == p) v.push_back(PortStatsEntry{p, 1u * p, 2u * p});
    return v;
  }
  of::Result<std::vector<QueueStatsEntry>> queue_stats(uint16_t port_no, uint32_t) const override {
    if (port_no != of::port::kAll && port_no != 1 && port_no != 2)
      return of::fail(of::Ofperr::kQueueOpFailedBadPort);
    return std::vector<QueueStatsEntry>{QueueStatsEntry{1, 0, 5, 6, 0}};
  }
  uint64_t barrier_epoch() const override { return epoch_; }
  bool epoch_reached(uint64_t e) const override { return e <= reached_; }
  void set_packet_in_wakeup(std::function<void()>) override {}
  size_t poll_control(size_t budget) override {
    size_t n = 0;
    while (n < budget && !pending_events.empty()) {
      Event e = std::move(pending_events.front());
      pending_events.pop_front();
      if (handler_) handler_(std::move(e));
      ++n;
    }
    return n;
  }
  void expire_flows() override { ++expire_calls; }
  bool inputs_exhausted() const override { return exhausted; }
  DatapathCounters counters() const override { return {}; }
  std::string counters_text() const override { return "port 1: rx 0\n"; }
  std::string dump_flows_text() const override { return "priority=1 actions=drop\n"; }

  // Emits an event synchronously (as flow_mod's FLOW_REMOVED would).
  void emit(Event e) {
    if (handler_) handler_(std::move(e));
  }
  void reach_all() { reached_ = epoch_; }
  bool automatic_epochs = false;

  std::vector<FlowModRequest> flow_mods;
  std::vector<PacketOutRequest> packet_outs;
  std::vector<std::vector<uint8_t>> packet_out_data;
  std::vector<PortModRequest> port_mods;
  std::vector<FlowStatsEntry> flows;
  std::deque<Event> pending_events;
  std::optional<of::Ofperr> flow_mod_error, packet_out_error;
  int expire_calls = 0;
  bool exhausted = false;
  uint64_t epoch_ = 0;
  uint64_t reached_ = ~0ull;  // by default every epoch counts as reached

 private:
  EventHandler handler_;
  Features features_;
  SwitchConfig config_;
};

// A Channel over two byte buffers, shared with the test through a state
// object so the test can keep writing after the agent owns the channel.
struct FakeChannelState {
  std::vector<uint8_t> to_agent;    // bytes the agent will receive
  std::vector<uint8_t> from_agent;  // bytes the agent sent
  bool peer_closed = false;
  bool agent_closed = false;  // the channel was destroyed
};

class FakeChannel final : public Channel {
 public:
  explicit FakeChannel(std::shared_ptr<FakeChannelState> s) : s_(std::move(s)) {}
  ~FakeChannel() override { s_->agent_closed = true; }
  int fd() const override { return -1; }
  IoStatus receive(std::vector<uint8_t>* in) override {
    in->insert(in->end(), s_->to_agent.begin(), s_->to_agent.end());
    s_->to_agent.clear();
    if (s_->peer_closed) {
      error_ = "peer closed";
      return IoStatus::kClosed;
    }
    return IoStatus::kOk;
  }
  IoStatus send(std::span<const uint8_t> b) override {
    s_->from_agent.insert(s_->from_agent.end(), b.begin(), b.end());
    return IoStatus::kOk;
  }
  IoStatus flush() override { return IoStatus::kOk; }
  size_t pending() const override { return 0; }
  std::string name() const override { return "fake"; }
  const std::string& error() const override { return error_; }

 private:
  std::shared_ptr<FakeChannelState> s_;
  std::string error_;
};

// Splits what the agent sent into decoded messages (and clears it).
inline std::vector<of::DecodedMessage> take_messages(FakeChannelState& s) {
  std::vector<of::DecodedMessage> out;
  of::Framer f;
  f.push(s.from_agent, [&](std::span<const uint8_t> m) {
    auto d = of::decode(m, of::ActionDecodeOptions{true});
    if (d)
      out.push_back(std::move(*d));
    else
      ADD_FAILURE() << "agent sent an undecodable message: " << of::ofperr_name(d.error());
  });
  s.from_agent.clear();
  return out;
}

}  // namespace ofkit::dp::testing
