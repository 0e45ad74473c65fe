// OpenFlow 1.0 actions: golden bytes for every action (spec section 5.2.4,
// struct ofp_action_*), and the validation a switch applies.
#include "oflib/wire/actions.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/samples.h"
#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::hex;
using test::to_hex;

struct GoldenAction {
  Action action;
  const char* hex;
};

const GoldenAction kGolden[] = {
    {ActionOutput{1, 0}, "0000 0008 | 0001 0000"},                    // OFPAT_OUTPUT port 1
    {ActionOutput{port::kController, 128}, "0000 0008 | fffd 0080"},  // to CONTROLLER, max_len 128
    {ActionOutput{port::kInPort, 0}, "0000 0008 | fff8 0000"},
    {ActionOutput{port::kTable, 0}, "0000 0008 | fff9 0000"},
    {ActionOutput{port::kNormal, 0}, "0000 0008 | fffa 0000"},
    {ActionOutput{port::kFlood, 0}, "0000 0008 | fffb 0000"},
    {ActionOutput{port::kAll, 0}, "0000 0008 | fffc 0000"},
    {ActionOutput{port::kLocal, 0}, "0000 0008 | fffe 0000"},
    {ActionOutput{port::kMax, 0}, "0000 0008 | ff00 0000"},
    {ActionSetVlanVid{0x123}, "0001 0008 | 0123 0000"},  // vlan_vid, pad[2]
    {ActionSetVlanPcp{5}, "0002 0008 | 05 000000"},      // vlan_pcp, pad[3]
    {ActionStripVlan{}, "0003 0008 | 00000000"},         // ofp_action_header, pad[4]
    {ActionSetDlSrc{MacAddr::from_u64(0x001122334455)}, "0004 0010 | 001122334455 | 000000000000"},
    {ActionSetDlDst{MacAddr::from_u64(0xffffffffffff)}, "0005 0010 | ffffffffffff | 000000000000"},
    {ActionSetNwSrc{0x0a000001}, "0006 0008 | 0a000001"},  // 10.0.0.1
    {ActionSetNwDst{0xc0a80101}, "0007 0008 | c0a80101"},  // 192.168.1.1
    {ActionSetNwTos{0xb8}, "0008 0008 | b8 000000"},       // DSCP 46 (EF)
    {ActionSetTpSrc{1234}, "0009 0008 | 04d2 0000"},
    {ActionSetTpDst{80}, "000a 0008 | 0050 0000"},
    {ActionEnqueue{3, 7}, "000b 0010 | 0003 000000000000 | 00000007"},  // port, pad[6], queue_id
    {ActionEnqueue{port::kInPort, 0}, "000b 0010 | fff8 000000000000 | 00000000"},
    {ActionVendor{0x00002320, {1, 2, 3, 4, 5, 6, 7, 8}}, "ffff 0010 | 00002320 | 0102030405060708"},
};

TEST(Actions, EveryActionEncodesAndDecodesToTheSpecBytes) {
  for (const auto& g : kGolden) {
    const auto want = hex(g.hex);
    ASSERT_EQ(action_wire_len(g.action), want.size());
    std::vector<uint8_t> buf(want.size(), 0xee);
    EXPECT_EQ(encode_action(g.action, buf.data()), want.size());
    EXPECT_EQ(to_hex(buf), to_hex(want)) << g.hex;
    auto dec = decode_actions(want, {.accept_vendor = true});
    ASSERT_TRUE(dec) << g.hex << ": " << ofperr_name(dec.error());
    ASSERT_EQ(dec->size(), 1u);
    EXPECT_TRUE((*dec)[0] == g.action) << g.hex;
  }
}

TEST(Actions, FieldByFieldThroughTheCursor) {
  const auto bytes =
      hex("0000 0008 fffd 0080"                   // output:CONTROLLER max_len 128
          "000b 0010 0003 000000000000 00000007"  // enqueue:3:7
          "0004 0010 001122334455 000000000000"   // mod_dl_src
          "0002 0008 05 000000");                 // mod_vlan_pcp:5
  auto n = validate_actions(bytes);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4u);
  ActionCursor c(bytes);
  EXPECT_EQ(c.type(), ActionType::kOutput);
  EXPECT_EQ(c.port(), port::kController);
  EXPECT_EQ(c.max_len(), 128);
  c.advance();
  EXPECT_EQ(c.type(), ActionType::kEnqueue);
  EXPECT_EQ(c.len(), 16);
  EXPECT_EQ(c.port(), 3);
  EXPECT_EQ(c.queue_id(), 7u);
  c.advance();
  EXPECT_EQ(c.type(), ActionType::kSetDlSrc);
  EXPECT_EQ(MacAddr::from_bytes(c.dl_addr()).to_u64(), 0x001122334455u);
  c.advance();
  EXPECT_EQ(c.vlan_pcp(), 5);
  c.advance();
  EXPECT_TRUE(c.done());
}

TEST(Actions, ListEncodingIsTheConcatenation) {
  ActionList l = {ActionSetVlanVid{5}, ActionOutput{2, 0}};
  EXPECT_EQ(actions_wire_len(l), 16u);
  std::vector<uint8_t> buf(16);
  EXPECT_EQ(encode_actions(l, buf.data()), 16u);
  EXPECT_EQ(to_hex(buf), to_hex(hex("0001 0008 0005 0000 0000 0008 0002 0000")));
  EXPECT_EQ(actions_wire_len({}), 0u);
  auto empty = decode_actions({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

Ofperr err_of(const char* h, ActionDecodeOptions o = {}) {
  auto r = decode_actions(hex(h), o);
  EXPECT_FALSE(r) << h;
  return r ? Ofperr::kHelloFailedEperm : r.error();
}

TEST(Actions, LengthErrorsAreBadLen) {
  EXPECT_EQ(err_of("0000 0000 0001 0000"), Ofperr::kBadActionBadLen);           // len 0
  EXPECT_EQ(err_of("0000 0004 0001 0000"), Ofperr::kBadActionBadLen);           // len 4 < 8
  EXPECT_EQ(err_of("0000 000c 0001 0000 00000000"), Ofperr::kBadActionBadLen);  // len 12, not 8-aligned
  EXPECT_EQ(err_of("0000 0010 0001 0000 0000000000000000"), Ofperr::kBadActionBadLen);  // OUTPUT is 8
  EXPECT_EQ(err_of("0004 0008 0011 22334455"), Ofperr::kBadActionBadLen);               // DL_SRC is 16
  EXPECT_EQ(err_of("000b 0008 0003 0000"), Ofperr::kBadActionBadLen);                   // ENQUEUE is 16
  EXPECT_EQ(err_of("0000 0010 0001 0000"), Ofperr::kBadActionBadLen);                   // len past the end
  EXPECT_EQ(err_of("0000 0008 0001 0000 0000"), Ofperr::kBadActionBadLen);              // 2 trailing bytes
  EXPECT_EQ(err_of("ffff 0004 0000 2320"), Ofperr::kBadActionBadLen);                   // vendor len 4
}

TEST(Actions, UnknownTypesAreBadType) {
  EXPECT_EQ(err_of("000c 0008 0000 0000"), Ofperr::kBadActionBadType);
  EXPECT_EQ(err_of("fffe 0008 0000 0000"), Ofperr::kBadActionBadType);
  EXPECT_EQ(err_of("0100 0008 0000 0000"), Ofperr::kBadActionBadType);
}

TEST(Actions, OutputPortRules) {
  EXPECT_EQ(err_of("0000 0008 0000 0000"), Ofperr::kBadActionBadOutPort);  // port 0
  EXPECT_EQ(err_of("0000 0008 ff01 0000"), Ofperr::kBadActionBadOutPort);  // above OFPP_MAX
  EXPECT_EQ(err_of("0000 0008 fff7 0000"), Ofperr::kBadActionBadOutPort);  // not a reserved port
  EXPECT_EQ(err_of("0000 0008 ffff 0000"), Ofperr::kBadActionBadOutPort);  // OFPP_NONE
  for (uint16_t p : {uint16_t{1}, port::kMax, port::kInPort, port::kTable, port::kNormal, port::kFlood,
                     port::kAll, port::kController, port::kLocal}) {
    uint8_t b[8];
    encode_action(ActionOutput{p, 0}, b);
    EXPECT_TRUE(validate_actions(b)) << p;
  }
}

TEST(Actions, EnqueueRules) {
  EXPECT_EQ(err_of("000b 0010 0000 000000000000 00000001"), Ofperr::kBadActionBadOutPort);  // port 0
  EXPECT_EQ(err_of("000b 0010 fffb 000000000000 00000001"), Ofperr::kBadActionBadOutPort);  // FLOOD
  EXPECT_EQ(err_of("000b 0010 fffd 000000000000 00000001"), Ofperr::kBadActionBadOutPort);  // CONTROLLER
  EXPECT_EQ(err_of("000b 0010 ffff 000000000000 00000001"), Ofperr::kBadActionBadOutPort);  // NONE
  EXPECT_EQ(err_of("000b 0010 ff01 000000000000 00000001"), Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(err_of("000b 0010 0001 000000000000 ffffffff"), Ofperr::kBadActionBadQueue);  // OFPQ_ALL
  EXPECT_TRUE(decode_actions(hex("000b 0010 fffe 000000000000 00000001")));               // LOCAL
  EXPECT_TRUE(decode_actions(hex("000b 0010 ff00 000000000000 00000001")));               // OFPP_MAX
}

TEST(Actions, ArgumentRanges) {
  EXPECT_EQ(err_of("0001 0008 1000 0000"), Ofperr::kBadActionBadArgument);  // vid 4096
  EXPECT_TRUE(decode_actions(hex("0001 0008 0fff 0000")));
  EXPECT_EQ(err_of("0002 0008 08 000000"), Ofperr::kBadActionBadArgument);  // pcp 8
  EXPECT_TRUE(decode_actions(hex("0002 0008 07 000000")));
  EXPECT_EQ(err_of("0008 0008 01 000000"), Ofperr::kBadActionBadArgument);  // ECN bits in tos
  EXPECT_EQ(err_of("0008 0008 02 000000"), Ofperr::kBadActionBadArgument);
  EXPECT_TRUE(decode_actions(hex("0008 0008 fc 000000")));
}

TEST(Actions, VendorIsBadVendorUnlessAccepted) {
  EXPECT_EQ(err_of("ffff 0008 00002320"), Ofperr::kBadActionBadVendor);
  auto ok = decode_actions(hex("ffff 0008 00002320"), {.accept_vendor = true});
  ASSERT_TRUE(ok);
  EXPECT_TRUE(std::get<ActionVendor>((*ok)[0]) == (ActionVendor{0x2320, {}}));
}

TEST(Actions, FirstErrorWins) {
  // A good OUTPUT, then an unknown type, then a bad length: BAD_TYPE.
  EXPECT_EQ(err_of("0000 0008 0001 0000 | 0020 0008 0000 0000 | 0000 0003"), Ofperr::kBadActionBadType);
}

TEST(Actions, RandomListsRoundTrip) {
  test::Gen g(42);
  for (int i = 0; i < 2000; ++i) {
    const ActionList l = g.actions(8, true);
    std::vector<uint8_t> buf(actions_wire_len(l));
    ASSERT_EQ(encode_actions(l, buf.data()), buf.size());
    auto d = decode_actions(buf, {.accept_vendor = true});
    ASSERT_TRUE(d) << ofperr_name(d.error());
    EXPECT_TRUE(*d == l);
    // Every truncation of a non-empty list is BAD_LEN, never a crash.
    for (size_t cut = 1; cut < buf.size(); ++cut) {
      if (cut % 8 == 0) continue;  // may be a whole shorter list
      auto t = decode_actions(std::span(buf).first(cut), {.accept_vendor = true});
      ASSERT_FALSE(t);
      EXPECT_EQ(t.error(), Ofperr::kBadActionBadLen);
    }
  }
}

}  // namespace
}  // namespace ofkit::of
