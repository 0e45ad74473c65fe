// OFPT_STATS_REQUEST / OFPT_STATS_REPLY: every body type, multipart replies.
#include "oflib/wire/stats.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/samples.h"
#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

// ofp_match with OFPFW_ALL and every field zero.
const char* kMatchAll =
    "003fffff 0000 000000000000 000000000000 0000 00 00 0000 00 00 0000 00000000 00000000 0000 0000";

TEST(StatsRequest, DescAndTableGolden) {
  expect_golden(StatsRequest{0, DescStatsRequest{}}, 1, hex("01 10 000c 00000001 | 0000 | 0000"));
  expect_golden(StatsRequest{0, TableStatsRequest{}}, 1, hex("01 10 000c 00000001 | 0003 | 0000"));
}

TEST(StatsRequest, FlowAndAggregateGolden) {
  const std::string body = std::string(kMatchAll) + "| ff | 00 | ffff";
  expect_golden(StatsRequest{0, FlowStatsRequest{Match{}, 0xff, port::kNone}}, 2,
                hex("01 10 0038 00000002 | 0001 | 0000 |" + body));
  expect_golden(StatsRequest{0, AggregateStatsRequest{Match{}, 0xff, port::kNone}}, 2,
                hex("01 10 0038 00000002 | 0002 | 0000 |" + body));
  auto r = decode_stats_request(hex("01 10 0038 00000002 0001 0000" + std::string(kMatchAll) + "00 00 0003"));
  ASSERT_TRUE(r);
  const auto& f = std::get<FlowStatsRequest>(r->body);
  EXPECT_EQ(f.table_id, 0);
  EXPECT_EQ(f.out_port, 3);
  EXPECT_EQ(r->type(), StatsType::kFlow);
}

TEST(StatsRequest, PortQueueVendorGolden) {
  expect_golden(StatsRequest{0, PortStatsRequest{port::kNone}}, 3,
                hex("01 10 0014 00000003 | 0004 | 0000 | ffff 000000000000"));
  expect_golden(StatsRequest{0, QueueStatsRequest{port::kAll, kAllQueues}}, 4,
                hex("01 10 0014 00000004 | 0005 | 0000 | fffc 0000 ffffffff"));
  expect_golden(StatsRequest{0, VendorStats{0x2320, {0, 0, 0, 1}}}, 5,
                hex("01 10 0014 00000005 | ffff | 0000 | 00002320 | 00000001"));
}

TEST(StatsRequest, Errors) {
  EXPECT_EQ(decode_stats_request(hex("01 10 000c 00000001 0006 0000")).error(), Ofperr::kBadRequestBadStat);
  EXPECT_EQ(decode_stats_request(hex("01 10 000c 00000001 fffe 0000")).error(), Ofperr::kBadRequestBadStat);
  EXPECT_EQ(decode_stats_request(hex("01 10 000d 00000001 0000 0000 00")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_stats_request(hex("01 10 0013 00000001 0004 0000 ffff 0000000000")).error(),
            Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_stats_request(hex("01 10 000f 00000001 ffff 0000 000023")).error(),
            Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_stats_request(hex("01 10 000b 00000001 0000 00")).error(), Ofperr::kBadRequestBadLen);
}

TEST(StatsReply, DescGolden) {
  DescStats d{"Nicira, Inc.", "Open vSwitch", "3.1.0", "None", "br0"};
  std::vector<uint8_t> want = hex("01 11 042c 00000001 | 0000 | 0000");
  auto field = [&](std::string_view s, size_t len) {
    std::vector<uint8_t> f(len, 0);
    std::copy(s.begin(), s.end(), f.begin());
    want.insert(want.end(), f.begin(), f.end());
  };
  field("Nicira, Inc.", 256);
  field("Open vSwitch", 256);
  field("3.1.0", 256);
  field("None", 32);
  field("br0", 256);
  ASSERT_EQ(want.size(), 12 + kDescStatsLen);
  expect_golden(StatsReply{0, DescStatsReply{d}}, 1, want);
}

TEST(StatsReply, FlowGolden) {
  FlowStats f;
  f.table_id = 0;
  f.duration_sec = 10;
  f.priority = 0x8000;
  f.packet_count = 3;
  f.byte_count = 180;
  f.actions = {ActionOutput{1, 0}};
  const auto want =
      hex("01 11 006c 00000002 | 0001 | 0000 |"
          "0060 | 00 | 00 |" +
          std::string(kMatchAll) +
          "| 0000000a | 00000000 | 8000 | 0000 | 0000 | 000000000000 |"  // sec nsec prio idle hard pad2
          "0000000000000000 | 0000000000000003 | 00000000000000b4 |"     // cookie packets bytes
          "0000 0008 0001 0000");
  expect_golden(StatsReply{0, FlowStatsReply{{f}}}, 2, want);
  EXPECT_EQ(flow_stats_wire_len(f), 96u);
}

TEST(StatsReply, FlowEntryLengthErrors) {
  FlowStats f;
  f.actions = {ActionOutput{1, 0}};
  auto b = encode_message(StatsReply{0, FlowStatsReply{{f, f}}}, 1);
  auto bad = b;
  bad[12] = 0, bad[13] = 0x50;  // entry length 80 < 88
  EXPECT_EQ(decode_stats_reply(bad).error(), Ofperr::kBadRequestBadLen);
  bad = b;
  bad[13] = 0x61;  // not a multiple of 8
  EXPECT_EQ(decode_stats_reply(bad).error(), Ofperr::kBadRequestBadLen);
  bad = b;
  bad[12] = 0x01;  // past the end
  EXPECT_EQ(decode_stats_reply(bad).error(), Ofperr::kBadRequestBadLen);
  bad = b;
  bad[12 + 88 + 5] = 0;  // output:0 inside the entry
  EXPECT_EQ(decode_stats_reply(bad).error(), Ofperr::kBadActionBadOutPort);
}

TEST(StatsReply, AggregateTablePortQueueGolden) {
  expect_golden(
      StatsReply{0, AggregateStatsReply{3, 180, 2}}, 3,
      hex("01 11 0024 00000003 | 0002 | 0000 | 0000000000000003 | 00000000000000b4 | 00000002 | 00000000"));
  expect_golden(
      StatsReply{0, TableStatsReply{{TableStats{0, "classifier", wildcards::kAll, 0x100000, 2, 100, 90}}}}, 4,
      hex(std::string("01 11 004c 00000004 | 0003 | 0000 | 00 000000 |"
                      "636c6173736966696572 ") +  // "classifier" in 32 bytes
          std::string(44, '0') +
          "|"
          "003fffff | 00100000 | 00000002 | 0000000000000064 | 000000000000005a"));
  PortStats p{};
  p.port_no = 1;
  p.rx_packets = 1, p.tx_packets = 2, p.rx_bytes = 3, p.tx_bytes = 4, p.rx_dropped = 5, p.tx_dropped = 6;
  p.rx_errors = 7, p.tx_errors = 8, p.rx_frame_err = 9, p.rx_over_err = 10, p.rx_crc_err = 11,
  p.collisions = 12;
  expect_golden(StatsReply{0, PortStatsReply{{p}}}, 5,
                hex("01 11 0074 00000005 | 0004 | 0000 | 0001 000000000000 |"
                    "0000000000000001 0000000000000002 0000000000000003 0000000000000004"
                    "0000000000000005 0000000000000006 0000000000000007 0000000000000008"
                    "0000000000000009 000000000000000a 000000000000000b 000000000000000c"));
  expect_golden(StatsReply{kStatsReplyMore, QueueStatsReply{{QueueStats{1, 7, 100, 2, 0}}}}, 6,
                hex("01 11 002c 00000006 | 0005 | 0001 | 0001 0000 00000007 |"
                    "0000000000000064 0000000000000002 0000000000000000"));
  expect_golden(StatsReply{0, VendorStats{0x2320, {}}}, 7, hex("01 11 0010 00000007 ffff 0000 00002320"));
}

TEST(StatsReply, ArraysMustBeWhole) {
  auto b = encode_message(StatsReply{0, PortStatsReply{{PortStats{}, PortStats{}}}}, 1);
  b.resize(b.size() - 8);
  b[2] = static_cast<uint8_t>(b.size() >> 8);
  b[3] = static_cast<uint8_t>(b.size());
  EXPECT_EQ(decode_stats_reply(b).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_stats_reply(hex("01 11 000d 00000001 0005 0000 00")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_stats_reply(hex("01 11 000c 00000001 0000 0000")).error(),
            Ofperr::kBadRequestBadLen);  // DESC
  EXPECT_EQ(decode_stats_reply(hex("01 11 000c 00000001 0009 0000")).error(), Ofperr::kBadRequestBadStat);
  // Empty arrays are valid.
  auto e = decode_stats_reply(hex("01 11 000c 00000001 0001 0000"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(std::get<FlowStatsReply>(e->body).flows.empty());
}

TEST(StatsReply, ReplyMoreFlag) {
  auto r = decode_stats_reply(hex("01 11 000c 00000001 0004 0001"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->more());
  EXPECT_EQ(r->type(), StatsType::kPort);
}

TEST(StatsReply, SplitAndReassembleALongFlowReply) {
  test::Gen g(3);
  StatsReply big{0, FlowStatsReply{}};
  auto& flows = std::get<FlowStatsReply>(big.body).flows;
  for (int i = 0; i < 2000; ++i) flows.push_back(g.flow_stats());
  ASSERT_GT(wire_len(big), kMaxMsgLen);
  const auto parts = split_stats_reply(big);
  ASSERT_GT(parts.size(), 1u);
  StatsReply acc{0, FlowStatsReply{}};
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto bytes = encode_message(parts[i], 9);
    ASSERT_FALSE(bytes.empty());
    ASSERT_LE(bytes.size(), kMaxMsgLen);
    auto d = decode_stats_reply(bytes);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->more(), i + 1 < parts.size());
    ASSERT_TRUE(append_stats_reply(acc, *d));
  }
  EXPECT_FALSE(acc.more());
  EXPECT_TRUE(acc == big);
}

TEST(StatsReply, SplitRespectsASmallLimitForEveryArrayType) {
  StatsReply ports{0, PortStatsReply{std::vector<PortStats>(10)}};
  auto parts = split_stats_reply(ports, 12 + 3 * kPortStatsLen);
  ASSERT_EQ(parts.size(), 4u);  // 3 + 3 + 3 + 1
  EXPECT_EQ(std::get<PortStatsReply>(parts[3].body).ports.size(), 1u);
  EXPECT_TRUE(parts[0].more() && parts[2].more() && !parts[3].more());
  StatsReply tables{0, TableStatsReply{std::vector<TableStats>(5)}};
  EXPECT_EQ(split_stats_reply(tables, 12 + 2 * kTableStatsLen).size(), 3u);
  StatsReply queues{0, QueueStatsReply{std::vector<QueueStats>(4)}};
  EXPECT_EQ(split_stats_reply(queues, 12 + 4 * kQueueStatsLen).size(), 1u);
  // Non-array bodies and empty arrays come back whole.
  EXPECT_EQ(split_stats_reply(StatsReply{0, AggregateStatsReply{}}).size(), 1u);
  EXPECT_EQ(split_stats_reply(StatsReply{0, FlowStatsReply{}}).size(), 1u);
  // Mismatched types do not merge.
  StatsReply acc{0, PortStatsReply{}};
  EXPECT_EQ(append_stats_reply(acc, tables).error(), Ofperr::kBadRequestBadStat);
}

}  // namespace
}  // namespace ofkit::of
