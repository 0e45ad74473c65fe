// LineReader: whole lines out of arbitrary chunks, CRLF, the length bound
// with and without a newline, stickiness after an over-long line.
#include "controller/messenger/line_reader.h"

#include <gtest/gtest.h>

namespace ofkit::ctl::msg {
namespace {

using Status = LineReader::Status;

TEST(LineReader, SplitsLinesAcrossChunks) {
  LineReader r(100);
  std::string line;
  r.feed("{\"cmd\":");
  EXPECT_EQ(r.next(&line), Status::kNeedMore);
  r.feed("\"ping\"}\n{\"cmd\":\"help\"}\r\npartial");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "{\"cmd\":\"ping\"}");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "{\"cmd\":\"help\"}");  // the \r is dropped
  EXPECT_EQ(r.next(&line), Status::kNeedMore);
  EXPECT_EQ(r.buffered(), 7u);
  r.feed("\n\n");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "partial");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "");
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(LineReader, LineOfExactlyTheBoundPasses) {
  LineReader r(4);
  std::string line;
  r.feed("abcd\n");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "abcd");
}

// Found by fuzz_msg_line_reader: the same line must pass whether its CRLF
// arrives in one read or split between two.
TEST(LineReader, LineOfExactlyTheBoundPassesWithCrlfSplitAcrossReads) {
  LineReader r(4);
  std::string line;
  r.feed("abcd\r");
  EXPECT_EQ(r.next(&line), Status::kNeedMore);
  r.feed("\n");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(line, "abcd");
  r.feed("abcde");  // one byte over, no CR: too long at once
  EXPECT_EQ(r.next(&line), Status::kTooLong);
}

TEST(LineReader, OverLongLineWithNewlineIsTooLong) {
  LineReader r(4);
  std::string line;
  r.feed("ok\nabcde\nnext\n");
  ASSERT_EQ(r.next(&line), Status::kLine);
  EXPECT_EQ(r.next(&line), Status::kTooLong);
  EXPECT_EQ(r.next(&line), Status::kTooLong);  // sticky: framing is lost
}

TEST(LineReader, OverLongLineWithoutNewlineIsTooLongBeforeItEnds) {
  LineReader r(8);
  std::string line;
  for (int i = 0; i < 8; ++i) r.feed("x");
  EXPECT_EQ(r.next(&line), Status::kNeedMore);
  r.feed("x");
  EXPECT_EQ(r.next(&line), Status::kTooLong);
  r.feed(std::string(1000, 'y'));  // ignored once too long: memory stays bounded
  EXPECT_LE(r.buffered(), 9u);
}

TEST(LineReader, ManySmallLinesKeepTheBufferSmall) {
  LineReader r(64);
  std::string line;
  for (int i = 0; i < 10000; ++i) {
    r.feed("{\"cmd\":\"ping\"}\n");
    ASSERT_EQ(r.next(&line), Status::kLine);
  }
  EXPECT_EQ(r.buffered(), 0u);
}

}  // namespace
}  // namespace ofkit::ctl::msg
