// The golden suite's packet-by-packet differ: alignment (an inserted or a
// dropped frame is one line, not a cascade), pairing into "changed" frames
// with the first differing byte, summaries, and pcap round trips.

#include "e2e/trace_diff.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>

namespace ofkit::e2e {
namespace {

// A 60-byte Ethernet II frame (IPv4 ethertype, zero payload) whose last
// byte is TAG and whose source MAC ends in SRC.
Frame frame(uint8_t tag, uint8_t src = 1, uint64_t ts = 0) {
  Frame f;
  f.timestamp_ns = ts;
  f.data = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, src, 0x88, 0xb5};  // local experimental ethertype
  f.data.resize(60, 0);
  f.data[59] = tag;
  return f;
}

TEST(TraceDiff, IdenticalTracesAreSameWhateverTheTimestamps) {
  const std::vector<Frame> a = {frame(1, 1, 100), frame(2, 1, 200)};
  const std::vector<Frame> b = {frame(1, 1, 5'000'000'000), frame(2, 1, 9'000'000'000)};
  const TraceDiff d = diff_frames(a, b);
  EXPECT_TRUE(d.same);
  EXPECT_EQ(d.matching, 2u);
  EXPECT_TRUE(d.report.empty());
}

TEST(TraceDiff, OneMissingFrameIsOneLine) {
  const std::vector<Frame> exp = {frame(1), frame(2), frame(3), frame(4)};
  const std::vector<Frame> got = {frame(1), frame(3), frame(4)};
  const TraceDiff d = diff_frames(exp, got);
  EXPECT_FALSE(d.same);
  EXPECT_EQ(d.matching, 3u);
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.changed, 0u);
  EXPECT_EQ(d.extra, 0u);
  EXPECT_NE(d.report.find("expected 4 frames, got 3: 3 same, 0 changed, 1 missing, 0 extra"),
            std::string::npos)
      << d.report;
  EXPECT_NE(d.report.find("missing  expected #1 "), std::string::npos) << d.report;
}

TEST(TraceDiff, ExtraFrameNamesItsIndexInGot) {
  const std::vector<Frame> exp = {frame(1), frame(2)};
  const std::vector<Frame> got = {frame(1), frame(9), frame(2)};
  const TraceDiff d = diff_frames(exp, got);
  EXPECT_EQ(d.extra, 1u);
  EXPECT_EQ(d.matching, 2u);
  EXPECT_NE(d.report.find("extra    got #1 "), std::string::npos) << d.report;
}

TEST(TraceDiff, ChangedFrameShowsFirstDifferingByteAndBothSummaries) {
  const TraceDiff d =
      diff_frames({frame(1, 1, 0), frame(2, 1, 1'500'000)}, {frame(1, 1, 0), frame(2, 7, 1'500'000)});
  EXPECT_EQ(d.changed, 1u);
  EXPECT_NE(d.report.find("changed  expected #1 +0.001500s / got #1 +0.001500s"), std::string::npos)
      << d.report;
  EXPECT_NE(d.report.find("first difference at byte 11 (expected 0x01, got 0x07)"), std::string::npos)
      << d.report;
  EXPECT_NE(
      d.report.find("expected len=60 "
                    "vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,dl_type=0x88b5\n"),
      std::string::npos)
      << d.report;
  EXPECT_NE(d.report.find("got      len=60 vlan_tci=0x0000,dl_src=02:00:00:00:00:07"), std::string::npos)
      << d.report;
}

TEST(TraceDiff, TruncatedFrameReportsLengths) {
  Frame shorter = frame(1);
  shorter.data.resize(40);
  const TraceDiff d = diff_frames({frame(1)}, {shorter});
  EXPECT_EQ(d.changed, 1u);
  EXPECT_NE(d.report.find("same first 40 bytes, lengths 60 vs 40"), std::string::npos) << d.report;
}

TEST(TraceDiff, EmptyAgainstFramesAndLineCap) {
  std::vector<Frame> many;
  for (int i = 0; i < 10; ++i) many.push_back(frame(static_cast<uint8_t>(i)));
  const TraceDiff d = diff_frames({}, many, 3);
  EXPECT_EQ(d.extra, 10u);
  EXPECT_NE(d.report.find("... and 7 more"), std::string::npos) << d.report;
  EXPECT_TRUE(diff_frames({}, {}).same);
}

TEST(TraceDiff, PcapRoundTripKeepsBytesAndTimestamps) {
  char path[] = "/tmp/ofkit_diffXXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::vector<Frame> frames = {frame(1, 1, 1'700'000'000'123'456'789),
                                     frame(2, 2, 1'700'000'001'000'000'000)};
  std::string error;
  ASSERT_TRUE(write_frames(path, frames, &error)) << error;
  std::vector<Frame> back;
  ASSERT_TRUE(read_frames(path, &back, &error)) << error;
  std::remove(path);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].data, frames[0].data);
  EXPECT_EQ(back[0].timestamp_ns, frames[0].timestamp_ns);
  EXPECT_TRUE(diff_frames(frames, back).same);
  EXPECT_FALSE(read_frames("/nonexistent/x.pcap", &back, &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace ofkit::e2e
