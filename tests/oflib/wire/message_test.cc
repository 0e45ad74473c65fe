// decode_message / encode_message over every type: the message table,
// randomized round trips, truncation at every length, length fields off by
// one, and the header-level error mapping.
#include "oflib/wire/message.h"

#include <gtest/gtest.h>

#include "oflib/wire/message_table.h"
#include "tests/oflib/wire/samples.h"
#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::hex;

std::vector<MsgType> all_types() {
  std::vector<MsgType> v;
  for (const auto& i : kMsgTable) v.push_back(i.type);
  return v;
}

TEST(MessageTable, MatchesTheSpec) {
  ASSERT_EQ(kMsgTable.size(), 22u);
  EXPECT_EQ(msg_info(MsgType::kFlowMod).name, "OFPT_FLOW_MOD");
  EXPECT_EQ(msg_info(MsgType::kFlowMod).min_len, 72);
  EXPECT_EQ(msg_info(MsgType::kPacketIn).min_len, 18);
  EXPECT_EQ(msg_info(MsgType::kFlowRemoved).min_len, 88);
  EXPECT_TRUE(msg_info(MsgType::kFlowRemoved).fixed_len);
  EXPECT_EQ(msg_info(MsgType::kPortStatus).min_len, 64);
  EXPECT_EQ(msg_info(MsgType::kPortMod).min_len, 32);
  EXPECT_EQ(msg_info(MsgType::kFeaturesReply).min_len, 32);
  EXPECT_EQ(msg_info(MsgType::kQueueGetConfigReply).min_len, 16);
  EXPECT_EQ(msg_info(MsgType::kPacketIn).sender, Sender::kSwitch);
  EXPECT_EQ(msg_info(MsgType::kFlowMod).sender, Sender::kController);
  EXPECT_EQ(msg_info(MsgType::kEchoRequest).sender, Sender::kBoth);
  EXPECT_EQ(msg_type_name(13), "OFPT_PACKET_OUT");
  EXPECT_EQ(msg_type_name(22), "");
  EXPECT_EQ(msg_type_from_name("OFPT_BARRIER_REPLY"), MsgType::kBarrierReply);
  EXPECT_EQ(msg_type_from_name("BARRIER_REPLY"), MsgType::kBarrierReply);
  EXPECT_FALSE(msg_type_from_name("OFPT_NOPE"));
  EXPECT_EQ(stats_type_name(StatsType::kAggregate), "OFPST_AGGREGATE");
}

TEST(MessageTable, SamplesRespectMinimumAndFixedLengths) {
  for (MsgType t : all_types()) {
    const Message m = test::sample_message(t);
    EXPECT_EQ(message_type(m), t);
    const auto b = encode_message(m, 1);
    const MsgInfo& info = msg_info(t);
    EXPECT_GE(b.size(), info.min_len) << info.name;
    if (info.fixed_len) {
      EXPECT_EQ(b.size(), info.min_len) << info.name;
    }
    EXPECT_EQ(b[1], static_cast<uint8_t>(t));
    EXPECT_EQ(message_wire_len(m), b.size());
  }
}

TEST(Message, RandomRoundTripsOfEveryType) {
  test::Gen g(2024);
  const ActionDecodeOptions vendor_ok{.accept_vendor = true};
  for (MsgType t : all_types()) {
    for (int i = 0; i < 300; ++i) {
      const Message m = g.message(t);
      const uint32_t xid = g.u32();
      const auto b = encode_message(m, xid);
      ASSERT_EQ(b.size(), message_wire_len(m));
      auto d = decode(b, vendor_ok);
      ASSERT_TRUE(d) << msg_info(t).name << ": " << ofperr_name(d.error());
      EXPECT_EQ(d->header.xid, xid);
      EXPECT_EQ(d->header.type, t);
      ASSERT_TRUE(d->msg == m) << msg_info(t).name;
      // Encoding into a buffer: exact size works, one byte less does not.
      std::vector<uint8_t> out(b.size() + 3, 0xcc);
      EXPECT_EQ(encode_message_into(m, xid, out), b.size());
      EXPECT_TRUE(std::equal(b.begin(), b.end(), out.begin()));
      EXPECT_EQ(encode_message_into(m, xid, std::span(out).first(b.size() - 1)), 0u);
    }
  }
}

TEST(Message, TruncationAtEveryLengthIsBadLen) {
  for (MsgType t : all_types()) {
    const auto full = encode_message(test::sample_message(t), 5);
    ASSERT_TRUE(decode_message(full)) << msg_info(t).name;
    for (size_t len = 0; len < full.size(); ++len) {
      // Bytes cut short, length field unchanged.
      auto cut = decode_message(std::span(full).first(len));
      ASSERT_FALSE(cut);
      EXPECT_EQ(cut.error(), Ofperr::kBadRequestBadLen) << msg_info(t).name << " at " << len;
      // Length field rewritten to agree: the body is what is short.
      if (len < kHeaderLen) continue;
      auto shrunk = std::vector<uint8_t>(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      shrunk = test::with_len(std::move(shrunk), static_cast<uint16_t>(len));
      auto r = decode_message(shrunk);
      if (len < msg_info(t).min_len || msg_info(t).fixed_len) {
        ASSERT_FALSE(r) << msg_info(t).name << " at " << len;
        EXPECT_EQ(r.error(), Ofperr::kBadRequestBadLen) << msg_info(t).name << " at " << len;
      }
      // Variable bodies may be valid when cut (shorter echo data); when not,
      // the error is a length error of the right layer.
      if (!r) {
        const Ofperr e = r.error();
        EXPECT_TRUE(e == Ofperr::kBadRequestBadLen || e == Ofperr::kBadActionBadLen) << ofperr_name(e);
      }
    }
  }
}

TEST(Message, LengthFieldOffByOneIsBadLen) {
  for (MsgType t : all_types()) {
    const auto full = encode_message(test::sample_message(t), 5);
    const auto n = static_cast<uint16_t>(full.size());
    EXPECT_EQ(decode_message(test::with_len(full, n + 1)).error(), Ofperr::kBadRequestBadLen)
        << msg_info(t).name;
    EXPECT_EQ(decode_message(test::with_len(full, n - 1)).error(), Ofperr::kBadRequestBadLen)
        << msg_info(t).name;
    // An extra trailing byte the length field does not count.
    auto longer = full;
    longer.push_back(0);
    EXPECT_EQ(decode_message(longer).error(), Ofperr::kBadRequestBadLen) << msg_info(t).name;
    // Both agree on one more byte: only variable-length types may accept.
    auto grown = test::with_len(longer, n + 1);
    auto r = decode_message(grown);
    if (msg_info(t).fixed_len) {
      EXPECT_EQ(r.error(), Ofperr::kBadRequestBadLen) << msg_info(t).name;
    }
  }
}

TEST(Message, HeaderErrors) {
  // BAD_VERSION for every type but HELLO, for both older and newer versions.
  for (MsgType t : all_types()) {
    auto b = encode_message(test::sample_message(t), 5);
    for (uint8_t v : {0x00, 0x02, 0x04, 0xff}) {
      b[0] = v;
      auto r = decode_message(b);
      if (t == MsgType::kHello && v > 1) {
        EXPECT_TRUE(r);
      } else {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), Ofperr::kBadRequestBadVersion) << msg_info(t).name;
      }
    }
  }
  // BAD_TYPE for 22..255.
  for (int type = 22; type < 256; ++type) {
    auto b = hex("01 00 0008 00000001");
    b[1] = static_cast<uint8_t>(type);
    EXPECT_EQ(decode_message(b).error(), Ofperr::kBadRequestBadType) << type;
  }
  // Shorter than a header; length field below 8.
  EXPECT_EQ(decode_message({}).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_message(hex("01 00 0007 00000001")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(parse_header(hex("01 00 0007 00000001")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(parse_header(hex("01 00 0008 000000")).error(), Ofperr::kBadRequestBadLen);
  auto h = parse_header(hex("01 0e 0048 00000001 ffff"));  // more bytes than one header: fine
  ASSERT_TRUE(h);
  EXPECT_EQ(h->type, MsgType::kFlowMod);
  EXPECT_EQ(h->length, 72);
}

TEST(Message, StrictDecodingRejectsVendorActions) {
  PacketOut p{kNoBuffer, 1, {ActionVendor{0x2320, {}}}, {}};
  const auto b = encode_message(p, 1);
  EXPECT_EQ(decode_message(b).error(), Ofperr::kBadActionBadVendor);
  EXPECT_TRUE(decode_message(b, {.accept_vendor = true}));
}

TEST(Message, WhatASwitchRejects) {
  EXPECT_EQ(switch_rejects(Vendor{0x2320, {}}), Ofperr::kBadRequestBadVendor);
  EXPECT_EQ(switch_rejects(StatsRequest{0, VendorStats{0x2320, {}}}), Ofperr::kBadRequestBadVendor);
  EXPECT_EQ(switch_rejects(StatsRequest{0, DescStatsRequest{}}), std::nullopt);
  for (MsgType t : all_types()) {
    const auto r = switch_rejects(test::sample_message(t));
    if (t == MsgType::kVendor) continue;
    if (msg_info(t).sender == Sender::kSwitch) {
      EXPECT_EQ(r, Ofperr::kBadRequestBadType) << msg_info(t).name;
    } else {
      EXPECT_EQ(r, std::nullopt) << msg_info(t).name;
    }
  }
  // The reply a switch sends for an OFPT_VENDOR it does not know.
  const auto vendor = encode_message(Vendor{0x2320, {0, 0, 0, 0x0c}}, 0x77);
  EXPECT_EQ(test::to_hex(encode_error_reply(*switch_rejects(*decode_message(vendor)), vendor)),
            test::to_hex(hex("01 01 001c 00000077 0001 0003 | 01 04 0010 00000077 00002320 0000000c")));
}

TEST(Message, TooLongToEncode) {
  EchoRequest e{std::vector<uint8_t>(kMaxMsgLen - kHeaderLen + 1)};
  EXPECT_TRUE(encode_message(e, 1).empty());
  std::vector<uint8_t> out(70000);
  EXPECT_EQ(encode_message_into(e, 1, out), 0u);
  e.data.pop_back();
  EXPECT_EQ(encode_message(e, 1).size(), kMaxMsgLen);
}

TEST(Message, RandomBytesNeverCrash) {
  test::Gen g(99);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> b = g.bytes(300);
    if (b.size() >= 4) {
      b[0] = 1;
      b[1] = static_cast<uint8_t>(g.below(23));
      b[2] = static_cast<uint8_t>(b.size() >> 8);
      b[3] = static_cast<uint8_t>(b.size());
    }
    auto r = decode_message(b, {.accept_vendor = g.coin()});
    if (r) {
      // Whatever decodes re-encodes to a message that decodes the same.
      const auto again = encode_message(*r, 0);
      auto r2 = decode_message(again, {.accept_vendor = true});
      ASSERT_TRUE(r2);
    }
  }
}

TEST(Xid, CounterSkipsZero) {
  XidCounter c(0xffffffff);
  EXPECT_EQ(c.next(), 0xffffffffu);
  EXPECT_EQ(c.next(), 1u);
  EXPECT_EQ(c.next(), 2u);
  XidCounter z(0);
  EXPECT_EQ(z.next(), 1u);
}

}  // namespace
}  // namespace ofkit::of
