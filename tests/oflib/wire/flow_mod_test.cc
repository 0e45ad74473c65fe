// OFPT_FLOW_MOD and OFPT_FLOW_REMOVED: golden bytes, the view, errors.
#include "oflib/wire/flow_mod.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;
namespace w = wildcards;

// priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80,idle_timeout=10,
// cookie=0x5,send_flow_rem,actions=mod_vlan_vid:5,output:2
const char* kFlowModHex =
    "01 0e 0058 00000010 |"
    "0038184e 0001 000000000000 000000000000 0000 00 00 0800 00 06 0000 0a000000 00000000 0000 0050 |"
    "0000000000000005 | 0000 | 000a | 0000 | 0064 | ffffffff | ffff | 0001 |"  // cookie cmd idle hard prio
                                                                               // buf out flags
    "0001 0008 0005 0000 |"                                                    // mod_vlan_vid:5
    "0000 0008 0002 0000";                                                     // output:2

FlowMod golden_flow_mod() {
  FlowMod f;
  f.match.wildcards = w::kDlVlan | w::kDlSrc | w::kDlDst | w::kTpSrc | (24u << w::kNwSrcShift) |
                      w::kNwDstAll | w::kDlVlanPcp | w::kNwTos;
  f.match.key.in_port = 1;
  f.match.key.dl_type = 0x0800;
  f.match.key.nw_proto = 6;
  f.match.key.nw_src = 0x0a000000;
  f.match.key.tp_dst = 80;
  f.cookie = 5;
  f.command = FlowModCommand::kAdd;
  f.idle_timeout = 10;
  f.priority = 100;
  f.flags = flow_mod_flags::kSendFlowRem;
  f.actions = {ActionSetVlanVid{5}, ActionOutput{2, 0}};
  return f;
}

TEST(FlowMod, Golden) { expect_golden(golden_flow_mod(), 0x10, hex(kFlowModHex)); }

TEST(FlowMod, ViewReadsEveryField) {
  const auto b = hex(kFlowModHex);
  auto v = FlowModView::parse(b);
  ASSERT_TRUE(v) << ofperr_name(v.error());
  EXPECT_EQ(v->xid(), 0x10u);
  EXPECT_TRUE(v->match() == golden_flow_mod().match);
  EXPECT_EQ(v->cookie(), 5u);
  EXPECT_EQ(v->command(), FlowModCommand::kAdd);
  EXPECT_EQ(v->idle_timeout(), 10);
  EXPECT_EQ(v->hard_timeout(), 0);
  EXPECT_EQ(v->priority(), 100);
  EXPECT_EQ(v->buffer_id(), kNoBuffer);
  EXPECT_EQ(v->out_port(), port::kNone);
  EXPECT_EQ(v->flags(), flow_mod_flags::kSendFlowRem);
  EXPECT_EQ(v->action_count(), 2u);
  auto c = v->actions();
  EXPECT_EQ(c.type(), ActionType::kSetVlanVid);
  EXPECT_EQ(c.vlan_vid(), 5);
  c.advance();
  EXPECT_EQ(c.port(), 2);
  EXPECT_TRUE(v->value() == golden_flow_mod());
}

TEST(FlowMod, EveryCommand) {
  FlowMod f = golden_flow_mod();
  for (uint16_t cmd = 0; cmd <= 4; ++cmd) {
    f.command = static_cast<FlowModCommand>(cmd);
    auto b = encode_message(f, 1);
    EXPECT_EQ(b[57], cmd);
    auto d = decode_flow_mod(b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->command, f.command);
  }
  auto b = hex(kFlowModHex);
  b[57] = 5;
  EXPECT_EQ(decode_flow_mod(b).error(), Ofperr::kFlowModFailedBadCommand);
  b[56] = 0x80;
  b[57] = 0;
  EXPECT_EQ(decode_message(b).error(), Ofperr::kFlowModFailedBadCommand);
}

TEST(FlowMod, DeleteWithNoActions) {
  FlowMod f;
  f.command = FlowModCommand::kDelete;
  f.out_port = 3;
  const auto b = encode_message(f, 9);
  ASSERT_EQ(b.size(), kFlowModLen);
  EXPECT_EQ(b[2], 0);
  EXPECT_EQ(b[3], 72);
  auto v = FlowModView::parse(b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->action_count(), 0u);
  EXPECT_TRUE(v->actions().done());
  EXPECT_EQ(v->out_port(), 3);
}

TEST(FlowMod, ActionErrorsSurface) {
  auto b = hex(kFlowModHex);
  b[72 + 8 + 4] = 0;  // output:2 -> output:0x0002 stays; make it port 0
  b[72 + 8 + 5] = 0;
  EXPECT_EQ(decode_flow_mod(b).error(), Ofperr::kBadActionBadOutPort);
  b = hex(kFlowModHex);
  b[72 + 4] = 0x10;  // mod_vlan_vid:0x1005
  EXPECT_EQ(decode_flow_mod(b).error(), Ofperr::kBadActionBadArgument);
  // A message ending inside an action: the action length runs past the end.
  b = hex(kFlowModHex);
  b.resize(b.size() - 4);
  b[3] = static_cast<uint8_t>(b.size());
  EXPECT_EQ(decode_flow_mod(b).error(), Ofperr::kBadActionBadLen);
}

TEST(FlowRemoved, Golden) {
  FlowRemoved r;
  r.match = golden_flow_mod().match;
  r.cookie = 5;
  r.priority = 100;
  r.reason = FlowRemovedReason::kIdleTimeout;
  r.duration_sec = 10;
  r.duration_nsec = 500;
  r.idle_timeout = 10;
  r.packet_count = 3;
  r.byte_count = 180;
  const auto want =
      hex("01 0b 0058 00000000 |"
          "0038184e 0001 000000000000 000000000000 0000 00 00 0800 00 06 0000 0a000000 00000000 0000 0050 |"
          "0000000000000005 | 0064 | 00 | 00 | 0000000a | 000001f4 | 000a | 0000 |"  // cookie prio reason pad
                                                                                     // sec nsec idle pad2
          "0000000000000003 | 00000000000000b4");  // packet_count byte_count
  ASSERT_EQ(want.size(), kFlowRemovedLen);
  expect_golden(r, 0, want);
  for (uint8_t reason = 0; reason <= 2; ++reason) {
    auto b = want;
    b[58] = reason;
    EXPECT_EQ(static_cast<uint8_t>(decode_flow_removed(b)->reason), reason);
  }
}

}  // namespace
}  // namespace ofkit::of
