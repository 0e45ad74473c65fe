// discovery, spanning_tree and l2_multi against scripted switches (an
// in-process ofctl-run with two shards, switches over loopback TCP).
//
// Single switch: the LLDP flow and the LLDP PACKET_OUTs, byte for byte.
// Three switches in a ring: the test plays the cables (an LLDP PACKET_OUT
// out of a.p becomes a PACKET_IN on the peer b.q), so discovery finds the
// links (checked through the discovery.links service), spanning_tree sends
// the golden PORT_MODs (answering its barriers), and l2_multi installs a
// path (far end first, the frame's switch after a barrier) and deletes it
// when a cable's port goes down.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "controller/apps/discovery.h"
#include "controller/scripted_switch.h"
#include "controller/test_controller.h"
#include "oflib/wire/message.h"

namespace ofkit::ctl {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedSwitch;
using testing::TestController;

std::vector<uint8_t> hex(const char* s) {
  std::vector<uint8_t> out;
  for (; s[0] && s[1]; s += 2) {
    while (*s == ' ') ++s;
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(s, 2), nullptr, 16)));
  }
  return out;
}

TEST(DiscoveryScripted, InstallsTheLldpFlowAndSendsLldpOutOfEveryPort) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=2", "discovery", "--interval=60"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(0xa1, 3));

  // OFPT_FLOW_MOD (OF 1.0 spec 5.3.3), written out field by field.
  auto fm = sw.recv_raw();
  ASSERT_TRUE(fm);
  const auto want =
      hex("01 0e 0050 00000000"                   // version, FLOW_MOD, length 80, xid (patched below)
          "003fffe7"                              // wildcards: all but DL_DST (1<<3) and DL_TYPE (1<<4)
          "0000 000000000000 0180c200000e"        // in_port, dl_src, dl_dst
          "0000 00 00 88cc 00 00 0000"            // dl_vlan, pcp, pad, dl_type LLDP, tos, proto, pad
          "00000000 00000000 0000 0000"           // nw_src, nw_dst, tp_src, tp_dst
          "0000000000000000 0000 0000 0000 fde8"  // cookie, ADD, idle, hard, priority 65000
          "ffffffff ffff 0000"                    // buffer_id none, out_port none, flags
          "0000 0008 fffd ffff");                 // OUTPUT to CONTROLLER, max_len 65535
  ASSERT_EQ(fm->size(), want.size());
  std::vector<uint8_t> got = *fm;
  std::fill(got.begin() + 4, got.begin() + 8, 0);
  EXPECT_EQ(got, want);

  // One PACKET_OUT per port, in port order, each carrying the LLDP frame
  // for that port (bytes checked against IEEE 802.1AB in topology_test).
  for (uint16_t port = 1; port <= 3; ++port) {
    auto po = sw.expect<of::PacketOut>();
    ASSERT_TRUE(po) << port;
    EXPECT_EQ(po->buffer_id, of::kNoBuffer);
    EXPECT_EQ(po->in_port, of::port::kNone);
    ASSERT_EQ(po->actions.size(), 1u);
    EXPECT_EQ(std::get<of::ActionOutput>(po->actions[0]).port, port);
    const MacAddr port_mac = MacAddr::from_u64(0x020000000000ULL | (0xa1ULL << 8) | port);
    EXPECT_EQ(po->data, build_discovery_lldp(0xa1, port, port_mac));
    ASSERT_EQ(po->data.size(), 60u);
    EXPECT_EQ(po->data[12], 0x88);
    EXPECT_EQ(po->data[13], 0xcc);
    EXPECT_EQ(po->data[38], 0x04);  // Port ID TLV right after the 24-byte Chassis ID TLV
    EXPECT_EQ(po->data[41], '0' + port);
  }
}

// Three scripted switches a1..a3 in a ring (port 1: host, 2: next, 3:
// previous), with the test delivering LLDP across the cables.
class Ring : public ::testing::Test {
 protected:
  static constexpr uint64_t kDpids[3] = {0xa1, 0xa2, 0xa3};

  void start(std::vector<std::string> apps) {
    ASSERT_TRUE(ctl_.start(apps));
    for (int i = 0; i < 3; ++i) {
      sw_[i] = std::make_unique<ScriptedSwitch>();
      ASSERT_TRUE(sw_[i]->connect_tcp(ctl_.port()));
      ASSERT_TRUE(sw_[i]->handshake(kDpids[i], 3));
    }
    for (int i = 0; i < 3; ++i) {
      const int next = (i + 1) % 3;
      cable(PortRef{kDpids[i], 2}, PortRef{kDpids[next], 3});
    }
  }
  void cable(PortRef a, PortRef b) {
    peer_[a] = b;
    peer_[b] = a;
  }
  int index(uint64_t dpid) { return static_cast<int>(dpid - 0xa1); }

  // Handles what the controller sends for up to `d`, or until done() holds.
  template <typename P>
  bool pump(std::chrono::milliseconds d, P done) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      for (int i = 0; i < 3; ++i) {
        auto m = sw_[i]->recv(5ms);
        if (!m) continue;
        const uint64_t dpid = kDpids[i];
        if (auto* e = std::get_if<of::EchoRequest>(&m->msg)) {
          sw_[i]->send(of::EchoReply{e->data}, m->header.xid);
        } else if (std::get_if<of::BarrierRequest>(&m->msg)) {
          sw_[i]->send(of::BarrierReply{}, m->header.xid);
        } else if (auto* pm = std::get_if<of::PortMod>(&m->msg)) {
          if (pm->mask & of::port_config::kNoFlood)
            no_flood_[{dpid, pm->port_no}] = (pm->config & of::port_config::kNoFlood) != 0;
        } else if (auto* fm = std::get_if<of::FlowMod>(&m->msg)) {
          if (fm->priority != kLldpFlowPriority) {  // not discovery's
            flow_mods_[dpid].push_back(*fm);
            flow_order_.push_back(dpid);
          }
        } else if (auto* po = std::get_if<of::PacketOut>(&m->msg)) {
          const auto out = std::get<of::ActionOutput>(po->actions.at(0)).port;
          if (parse_discovery_lldp(po->data)) {
            auto p = peer_.find({dpid, out});
            if (p == peer_.end() || cut_.count(p->first)) continue;  // a host port, or a cut cable
            of::PacketIn pi;
            pi.in_port = p->second.port;
            pi.data = po->data;
            pi.total_len = static_cast<uint16_t>(pi.data.size());
            sw_[index(p->second.dpid)]->send(pi);
          } else {
            packet_outs_[dpid].push_back(*po);
          }
        }
      }
    }
    return done();
  }
  std::set<PortRef> blocked() const {
    std::set<PortRef> out;
    for (auto& [p, nf] : no_flood_)
      if (nf) out.insert(p);
    return out;
  }
  nlohmann::json call(const std::string& cmd) {
    std::promise<nlohmann::json> p;
    auto f = p.get_future();
    if (!ctl_.runtime().services().call(cmd, {}, [&p](nlohmann::json r) { p.set_value(std::move(r)); }))
      return nullptr;
    if (f.wait_for(3s) != std::future_status::ready) return nullptr;
    return f.get();
  }

  TestController ctl_;
  std::unique_ptr<ScriptedSwitch> sw_[3];
  std::map<PortRef, PortRef> peer_;
  std::set<PortRef> cut_;
  std::map<PortRef, bool> no_flood_;
  std::map<uint64_t, std::vector<of::FlowMod>> flow_mods_;
  std::vector<uint64_t> flow_order_;  // the switch of each FLOW_MOD, in arrival order
  std::map<uint64_t, std::vector<of::PacketOut>> packet_outs_;
};

TEST_F(Ring, DiscoversLinksAndBlocksTheRedundantCable) {
  start(
      {"--threads=2", "discovery", "--interval=0.1", "--link-timeout=1", "spanning_tree", "--hold-down=0.5"});
  // Every port is closed as its switch joins (the hold-down).
  ASSERT_TRUE(pump(3s, [&] { return no_flood_.size() == 9 && blocked().size() == 9; }));

  auto links = [&] {
    auto r = call("discovery.links");
    return r.is_object() ? r["links"].size() : 0u;
  };
  ASSERT_TRUE(pump(5s, [&] { return links() == 6; }));
  const auto r = call("discovery.links");
  std::set<std::string> got;
  for (auto& l : r["links"])
    got.insert(l["dpid1"].get<std::string>() + "." + std::to_string(l["port1"].get<int>()) + ">" +
               l["dpid2"].get<std::string>() + "." + std::to_string(l["port2"].get<int>()));
  EXPECT_EQ(got, (std::set<std::string>{
                     "00000000000000a1.2>00000000000000a2.3", "00000000000000a2.3>00000000000000a1.2",
                     "00000000000000a2.2>00000000000000a3.3", "00000000000000a3.3>00000000000000a2.2",
                     "00000000000000a3.2>00000000000000a1.3", "00000000000000a1.3>00000000000000a3.2"}));

  // After the hold-down: only the a2-a3 cable stays closed.
  const std::set<PortRef> want{{0xa2, 2}, {0xa3, 3}};
  ASSERT_TRUE(pump(5s, [&] { return blocked() == want; })) << blocked().size();
  EXPECT_EQ(no_flood_.size(), 9u);  // every physical port was set explicitly

  // The a1-a2 cable is cut: its links time out, the tree becomes a1-a3-a2,
  // the a2-a3 cable opens, and the cut ports (no link now) flood like host
  // ports: nothing is blocked.
  cut_ = {{0xa1, 2}, {0xa2, 3}};
  ASSERT_TRUE(pump(5s, [&] { return blocked().empty() && links() == 4; })) << blocked().size();
  EXPECT_FALSE(no_flood_.at({0xa2, 2}));
  EXPECT_FALSE(no_flood_.at({0xa3, 3}));
}

TEST_F(Ring, L2MultiInstallsTheShortestPathAndRemovesItWhenTheLinkGoesDown) {
  start({"--threads=2", "discovery", "--interval=0.1", "--link-timeout=5", "l2_multi"});
  ASSERT_TRUE(pump(5s, [&] {
    auto r = call("discovery.links");
    return r.is_object() && r["links"].size() == 6;
  }));
  const uint64_t a = 0x0a, b = 0x0b;
  // A on a1.1 sends to B (unknown): flooded, A located.
  sw_[0]->packet_in(1, a, b, 100);
  ASSERT_TRUE(pump(3s, [&] { return !packet_outs_[0xa1].empty(); }));
  EXPECT_EQ(std::get<of::ActionOutput>(packet_outs_[0xa1][0].actions[0]).port, of::port::kFlood);
  EXPECT_EQ(packet_outs_[0xa1][0].buffer_id, 100u);
  // B on a3.1 answers: the path a3 -> a1 is the direct cable a3.2 - a1.3.
  sw_[2]->packet_in(1, b, a, 200);
  ASSERT_TRUE(pump(3s, [&] { return flow_mods_[0xa1].size() == 1 && flow_mods_[0xa3].size() == 1; }));
  const of::FlowMod& first = flow_mods_[0xa3][0];
  EXPECT_EQ(first.buffer_id, 200u);
  EXPECT_EQ(first.match.key.in_port, 1);
  EXPECT_EQ(first.match.key.dl_src, MacAddr::from_u64(b));
  EXPECT_EQ(first.match.key.dl_dst, MacAddr::from_u64(a));
  EXPECT_EQ(std::get<of::ActionOutput>(first.actions.at(0)).port, 2);
  const of::FlowMod& last = flow_mods_[0xa1][0];
  EXPECT_EQ(last.match.key.in_port, 3);
  EXPECT_EQ(last.match.key.dl_dst, MacAddr::from_u64(a));
  EXPECT_EQ(std::get<of::ActionOutput>(last.actions.at(0)).port, 1);
  EXPECT_EQ(last.buffer_id, of::kNoBuffer);
  EXPECT_TRUE(flow_mods_[0xa2].empty());
  // The far end first: a3 (holding the frame) is told only after a1's barrier.
  EXPECT_EQ(flow_order_, (std::vector<uint64_t>{0xa1, 0xa3}));

  // a3.2 goes down (PORT_STATUS): both directions of the cable are gone,
  // and the path's flows are deleted on both switches (DELETE_STRICT).
  cut_ = {{0xa3, 2}, {0xa1, 3}};
  of::PortStatus ps;
  ps.reason = of::PortReason::kModify;
  ps.desc.port_no = 2;
  ps.desc.hw_addr = MacAddr::from_u64(0x020000000000ULL | (0xa3ULL << 8) | 2);
  ps.desc.name = "p2";
  ps.desc.state = of::port_state::kLinkDown;
  sw_[2]->send(ps);
  auto deleted = [&](uint64_t dpid, uint16_t in_port) {
    for (auto& fm : flow_mods_[dpid])
      if (fm.command == of::FlowModCommand::kDeleteStrict && fm.match.key.in_port == in_port &&
          fm.match.key.dl_dst == MacAddr::from_u64(a))
        return true;
    return false;
  };
  ASSERT_TRUE(pump(3s, [&] { return deleted(0xa3, 1) && deleted(0xa1, 3); }));

  // B again: now the path goes around, a3 -> a2 -> a1.
  sw_[2]->packet_in(1, b, a, 201);
  auto has_add = [&](uint64_t dpid, uint16_t in_port, uint16_t out) {
    for (auto& fm : flow_mods_[dpid])
      if (fm.command == of::FlowModCommand::kAdd && fm.match.key.in_port == in_port &&
          std::get<of::ActionOutput>(fm.actions.at(0)).port == out)
        return true;
    return false;
  };
  ASSERT_TRUE(pump(3s, [&] { return has_add(0xa3, 1, 3) && has_add(0xa2, 2, 3) && has_add(0xa1, 2, 1); }));
}

}  // namespace
}  // namespace ofkit::ctl
